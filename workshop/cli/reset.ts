/**
 * `npm run reset -- NN`: puts a module's files back as the starter had them.
 *
 * Nothing is lost: each file it replaces is first copied to `.workshop/backups/NN-slug/`
 * (ignored by git), and it writes nothing unless it could read every starter file, non-empty,
 * from the commit `--from` names. `--from` must name a commit: git never sees it as an option.
 */
import { constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { confirm } from "@inquirer/prompts";
import pc from "picocolors";
import { folderName, repoPath, repoRoot } from "../manifest.ts";
import { learnerFiles, pristineStarter, resolveCommit, UnknownRefError } from "../starter-files.ts";
import { moduleArgument, moduleCommand } from "./options.ts";

const program = moduleCommand("reset", "Restore a module's starter files, discarding your changes to them.")
  .option("-y, --yes", "do not ask before discarding changes")
  .option("--from <ref>", "the git commit, branch or tag to take the starter from", "HEAD")
  .addHelpText("after", "\nThe files it replaces are kept in .workshop/backups/NN-slug/, named after the time of the reset.")
  .parse();
const options = program.opts<{ yes?: boolean; from: string }>();
const module = moduleArgument(program, program.args[0] as string);

const commit = (() => {
  try {
    return resolveCommit(options.from);
  } catch (error) {
    if (error instanceof UnknownRefError) {
      // One line: the usage hint commander adds would push the reason out of sight.
      program.showHelpAfterError(false);
      return program.error(`Invalid --from: ${error.message}`, { exitCode: 2 });
    }
    return program.error((error as Error).message, { exitCode: 1 });
  }
})();

const files = (() => {
  try {
    return learnerFiles(module).map((file) => {
      const starter = pristineStarter(file.path, commit);
      // An empty starter is a read that went wrong, never a file to hand back to the learner.
      if (starter.length === 0) throw new Error(`The starter ${file.path} at ${options.from} is empty.`);
      return { ...file, starter };
    });
  } catch (error) {
    return program.error(`${(error as Error).message} Nothing was changed.`, { exitCode: 1 });
  }
})();
const changed = files.filter((file) => file.current !== file.starter);

/** Copies the learner's version of `path` into the module's backup folder; returns where. */
function backUp(path: string, stamp: string): string {
  const folder = join(repoRoot, ".workshop", "backups", folderName(module));
  const target = join(folder, `${relative(join("modules", folderName(module)), path)}.${stamp}`);
  mkdirSync(dirname(target), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const name = attempt === 1 ? target : `${target}-${attempt}`;
    try {
      copyFileSync(join(repoRoot, path), name, constants.COPYFILE_EXCL);
      return repoPath(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

/** Replaces the file in one step (write beside it, then rename), so it is never half written. */
function replace(path: string, content: string): void {
  const target = join(repoRoot, path);
  const temporary = `${target}.reset-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true });
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
}

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
    const discard = await confirm({
      message: "Discard your changes? (a copy is kept in .workshop/backups/)",
      default: false,
    });
    if (!discard) {
      console.log("Nothing changed.");
      process.exit(0);
    }
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const kept = changed
    .filter((file) => file.current !== undefined && existsSync(join(repoRoot, file.path)))
    .map((file) => backUp(file.path, stamp));
  for (const file of changed) replace(file.path, file.starter);
  console.log(pc.green(`Module ${module.number} is back to its starter. Tests: npm run test:module -- ${module.number}`));
  if (kept.length > 0) console.log(`Your version is kept in:\n${kept.map((path) => `  ${path}`).join("\n")}`);
}
