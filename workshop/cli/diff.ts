/**
 * `npm run diff -- NN`: your module's files against the solution, as a unified diff that
 * leaves out the starter's TODO comments and whitespace differences (see learner-diff.ts).
 */
import pc from "picocolors";
import { learnerDiff } from "../learner-diff.ts";
import { learnerFiles } from "../starter-files.ts";
import { moduleArgument, moduleCommand } from "./options.ts";

const program = moduleCommand("diff", "Show how your files in modules/NN-slug/ differ from the solution.").parse();
const module = moduleArgument(program, program.args[0] as string);

const colour = (line: string) => {
  if (line.startsWith("+++") || line.startsWith("---")) return pc.bold(line);
  if (line.startsWith("+")) return pc.green(line);
  if (line.startsWith("-")) return pc.red(line);
  if (line.startsWith("@@")) return pc.cyan(line);
  return line;
};

let differences = 0;
for (const file of learnerFiles(module)) {
  if (file.current === undefined) {
    console.log(pc.red(`${file.path} is missing. Restore it with: npm run reset -- ${module.number}`));
    differences += 1;
    continue;
  }
  const patch = learnerDiff(file.current, file.solution ?? "", { current: file.path, solution: file.solutionPath });
  if (patch === undefined) {
    console.log(pc.green(`${file.path} matches the solution.`));
    continue;
  }
  differences += 1;
  console.log(patch.split("\n").map(colour).join("\n"));
}
if (differences > 0) {
  console.log(`Lines with - are yours, lines with + are the solution's. Tests: npm run test:module -- ${module.number}`);
}
