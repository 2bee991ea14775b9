/**
 * The one shape of every workshop command: `main(argv, io)` resolves to an exit code, and a
 * test calls it directly; the file's last line runs it when Node.js was asked to run that file.
 *
 * Exit codes: 0 done (and `--help`); 1 the command could not do its job; 2 the command line is
 * wrong. Either way the learner reads one line on stderr that says what to do.
 */
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { findModule, folderName, modules, UnknownModuleError, type WorkshopModule } from "./manifest.ts";

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export type Main = (argv: readonly string[], io?: Io) => Promise<number>;

/** A command line the command cannot run: one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Commander set up to write to `io`, report a parse error in one line and throw instead of
 * exiting. Its errors become exit code 2; `--help` and `--version`, 0.
 */
export function commandLine(command: Command, io: Io): Command {
  return command
    .exitOverride((error) => {
      throw error.exitCode === 0 ? error : new CommanderError(2, error.code, error.message);
    })
    .showHelpAfterError(false)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(`${text.trim().split("\n")[0]}\n`),
    });
}

/**
 * Runs the body of a command and resolves to its exit code. A usage error, from commander (its
 * line already written) or a `UsageError` (written here), ends it with 2; `--help` with 0.
 */
export async function guarded(io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Parses `argv` with a command built by `commandLine` and runs its action; resolves to 0, or as `guarded` says. */
export const runCommand = (command: Command, argv: readonly string[], io: Io): Promise<number> =>
  guarded(io, async () => {
    await command.parseAsync([...argv], { from: "user" });
    return 0;
  });

/** The module list, for `--help`. */
export const moduleListHelp = (): string =>
  ["", "Modules:", ...modules.map((module) => `  ${module.number}  ${folderName(module).padEnd(18)} ${module.title}`)].join("\n");

/** A command whose one argument is a module (`1`, `01` or a slug). */
export function moduleCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument("<module>", "the module: its number (1 or 01) or its slug (first-step)")
    .addHelpText("after", moduleListHelp());
}

/** Finds the module named on the command line; an unknown one is a usage error that lists the valid ones. */
export function moduleArgument(given: string): WorkshopModule {
  try {
    return findModule(given);
  } catch (error) {
    if (error instanceof UnknownModuleError) throw new UsageError(error.message);
    throw error;
  }
}

/** True when `moduleUrl` is the script Node.js was asked to run (not a file a test imported). */
function isEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined || !existsSync(script)) return false;
  const here = realpathSync(fileURLToPath(moduleUrl));
  const there = realpathSync(resolve(script));
  return process.platform === "win32" ? here.toLowerCase() === there.toLowerCase() : here === there;
}

/** Runs `main` with the process's arguments when its file is the entry point; sets the exit code. */
export async function runIfEntry(moduleUrl: string, main: Main): Promise<void> {
  if (!isEntry(moduleUrl)) return;
  // Output piped into a reader that has had enough (`| head`): stop quietly, as other tools do.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit();
    throw error;
  });
  process.exitCode = await main(process.argv.slice(2), processIo);
}
