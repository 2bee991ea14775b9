/**
 * `npm run diff -- NN`: your module's files against the solution, as a unified diff.
 */
import { createTwoFilesPatch } from "diff";
import pc from "picocolors";
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
  if (file.current === file.solution) {
    console.log(pc.green(`${file.path} matches the solution.`));
    continue;
  }
  differences += 1;
  const patch = createTwoFilesPatch(file.path, file.solutionPath, file.current, file.solution ?? "", "your code", "solution");
  console.log(patch.split("\n").map(colour).join("\n"));
}
if (differences > 0) {
  console.log(`Lines with - are yours, lines with + are the solution's. Tests: npm run test:module -- ${module.number}`);
}
