/**
 * What every workshop command shares: how a module is named on the command line.
 */
import { Command } from "commander";
import { findModule, folderName, modules, UnknownModuleError, type WorkshopModule } from "../manifest.ts";

/** The module list, for `--help`. */
export const moduleListHelp = (): string =>
  ["", "Modules:", ...modules.map((module) => `  ${module.number}  ${folderName(module).padEnd(18)} ${module.title}`)].join("\n");

/** A command whose one argument is a module (`1`, `01` or a slug). */
export function moduleCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .argument("<module>", "the module: its number (1 or 01) or its slug (first-step)")
    .addHelpText("after", moduleListHelp())
    .showHelpAfterError("(run with --help for usage)");
}

/** Finds the module named on the command line, or ends the program with exit code 2. */
export function moduleArgument(program: Command, given: string): WorkshopModule {
  try {
    return findModule(given);
  } catch (error) {
    if (error instanceof UnknownModuleError) program.error(error.message, { exitCode: 2 });
    throw error;
  }
}
