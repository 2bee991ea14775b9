/**
 * `npm run diff -- NN`: your module's files against the solution, as a unified diff that
 * leaves out the starter's TODO comments and whitespace differences (see learner-diff.ts).
 */
import pc from "picocolors";
import { commandLine, guarded, type Io, moduleArgument, moduleCommand, processIo, runIfEntry } from "../command.ts";
import { learnerDiff } from "../learner-diff.ts";
import { learnerFiles } from "../starter-files.ts";

const colour = (line: string) => {
  if (line.startsWith("+++") || line.startsWith("---")) return pc.bold(line);
  if (line.startsWith("+")) return pc.green(line);
  if (line.startsWith("-")) return pc.red(line);
  if (line.startsWith("@@")) return pc.cyan(line);
  return line;
};

/** Prints the differences; exits 0 whatever they are (a diff is a report, not a verdict). */
export const diffMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(moduleCommand("diff", "Show how your files in modules/NN-slug/ differ from the solution."), io);
    program.parse([...argv], { from: "user" });
    const module = moduleArgument(program.args[0] as string);

    let differences = 0;
    for (const file of learnerFiles(module)) {
      if (file.current === undefined) {
        io.out(`${pc.red(`${file.path} is missing. Restore it with: npm run reset -- ${module.number}`)}\n`);
        differences += 1;
        continue;
      }
      const patch = learnerDiff(file.current, file.solution ?? "", { current: file.path, solution: file.solutionPath });
      if (patch === undefined) {
        io.out(`${pc.green(`${file.path} matches the solution.`)}\n`);
        continue;
      }
      differences += 1;
      io.out(`${patch.split("\n").map(colour).join("\n")}\n`);
    }
    if (differences > 0) {
      io.out(`Lines with - are yours, lines with + are the solution's. Tests: npm run test:module -- ${module.number}\n`);
    }
    return 0;
  });

await runIfEntry(import.meta.url, diffMain);
