/**
 * `npm run reset -- NN`: puts a module's files back as the starter had them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { confirm } from "@inquirer/prompts";
import pc from "picocolors";
import { repoRoot } from "../manifest.ts";
import { learnerFiles, pristineStarter } from "../starter-files.ts";
import { moduleArgument, moduleCommand } from "./options.ts";

const program = moduleCommand("reset", "Restore a module's starter files, discarding your changes to them.")
  .option("-y, --yes", "do not ask before discarding changes")
  .option("--from <ref>", "the git commit or branch to take the starter from", "HEAD")
  .parse();
const options = program.opts<{ yes?: boolean; from: string }>();
const module = moduleArgument(program, program.args[0] as string);

const withStarter = () => {
  try {
    return learnerFiles(module).map((file) => ({ ...file, starter: pristineStarter(file.path, options.from) }));
  } catch (error) {
    return program.error((error as Error).message, { exitCode: 1 });
  }
};
const files = withStarter();
const changed = files.filter((file) => file.current !== file.starter);

if (changed.length === 0) {
  console.log(`Module ${module.number} is already as the starter has it.`);
} else {
  console.log(`These files have changes that a reset discards:\n${changed.map((file) => `  ${file.path}`).join("\n")}`);
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      program.error(`Not resetting without a terminal to ask in. Run: npm run reset -- ${module.number} --yes`, {
        exitCode: 1,
      });
    }
    const discard = await confirm({ message: "Discard your changes?", default: false });
    if (!discard) {
      console.log("Nothing changed.");
      process.exit(0);
    }
  }
  for (const file of changed) writeFileSync(join(repoRoot, file.path), file.starter);
  console.log(pc.green(`Module ${module.number} is back to its starter. Tests: npm run test:module -- ${module.number}`));
}
