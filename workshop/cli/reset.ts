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
import { folderName, repoPath, repoRoot, type WorkshopModule } from "../manifest.ts";
import { learnerFiles, pristineStarter, resolveCommit, UnknownRefError } from "../starter-files.ts";
import { commandLine, guarded, type Io, moduleArgument, moduleCommand, processIo, runIfEntry, UsageError } from "../command.ts";

/** Copies the learner's version of `path` into the module's backup folder; returns where. */
function backUp(module: WorkshopModule, path: string, stamp: string): string {
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

/** Restores the starter; exits 0 when done or declined, 1 when it could not, 2 for a bad argument. */
export const resetMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      moduleCommand("reset", "Restore a module's starter files, discarding your changes to them.")
        .option("-y, --yes", "do not ask before discarding changes")
        .option("--from <ref>", "the git commit, branch or tag to take the starter from", "HEAD")
        .addHelpText("after", "\nThe files it replaces are kept in .workshop/backups/NN-slug/, named after the time of the reset."),
      io,
    );
    program.parse([...argv], { from: "user" });
    const options = program.opts<{ yes?: boolean; from: string }>();
    const module = moduleArgument(program.args[0] as string);

    let commit: string;
    try {
      commit = resolveCommit(options.from);
    } catch (error) {
      if (error instanceof UnknownRefError) throw new UsageError(`Invalid --from: ${error.message}`);
      io.err(`${(error as Error).message}\n`);
      return 1;
    }

    let files: ReturnType<typeof learnerFiles>;
    const starters = new Map<string, string>();
    try {
      files = learnerFiles(module);
      for (const file of files) {
        const starter = pristineStarter(file.path, commit);
        // An empty starter is a read that went wrong, never a file to hand back to the learner.
        if (starter.length === 0) throw new Error(`The starter ${file.path} at ${options.from} is empty.`);
        starters.set(file.path, starter);
      }
    } catch (error) {
      io.err(`${(error as Error).message} Nothing was changed.\n`);
      return 1;
    }
    const changed = files.filter((file) => file.current !== starters.get(file.path));

    if (changed.length === 0) {
      io.out(`Module ${module.number} is already as the starter has it.\n`);
      return 0;
    }
    io.out(`These files have changes that a reset discards:\n${changed.map((file) => `  ${file.path}`).join("\n")}\n`);
    if (!options.yes) {
      if (!process.stdin.isTTY) {
        io.err(`Not resetting without a terminal to ask in. Run: npm run reset -- ${module.number} --yes\n`);
        return 1;
      }
      const discard = await confirm({ message: "Discard your changes? (a copy is kept in .workshop/backups/)", default: false });
      if (!discard) {
        io.out("Nothing changed.\n");
        return 0;
      }
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const kept = changed
      .filter((file) => file.current !== undefined && existsSync(join(repoRoot, file.path)))
      .map((file) => backUp(module, file.path, stamp));
    for (const file of changed) replace(file.path, starters.get(file.path) as string);
    io.out(`${pc.green(`Module ${module.number} is back to its starter. Tests: npm run test:module -- ${module.number}`)}\n`);
    if (kept.length > 0) io.out(`Your version is kept in:\n${kept.map((path) => `  ${path}`).join("\n")}\n`);
    return 0;
  });

await runIfEntry(import.meta.url, resetMain);
