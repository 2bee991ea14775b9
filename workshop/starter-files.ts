/**
 * The learner's files of a module, and the pristine starter versions git keeps of them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { folderName, repoRoot, solutionDir, starterDir, type WorkshopModule } from "./manifest.ts";

export interface LearnerFile {
  /** Relative to the repository, forward slashes: `modules/01-first-step/handler.ts`. */
  path: string;
  /** Relative to the repository: `solutions/01-first-step/handler.ts`. */
  solutionPath: string;
  current: string | undefined;
  solution: string | undefined;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

export function learnerFiles(module: WorkshopModule): LearnerFile[] {
  return module.files.map((file) => ({
    path: `modules/${folderName(module)}/${file}`,
    solutionPath: `solutions/${folderName(module)}/${file}`,
    current: read(join(starterDir(module), file)),
    solution: read(join(solutionDir(module), file)),
  }));
}

/** Thrown for a `--from` that names no commit; the message is one line, for the command line. */
export class UnknownRefError extends Error {
  constructor(ref: string) {
    // Quoted short and printable: it goes to a terminal.
    const printable = ref.replace(/[\u0000-\u001f\u007f]/g, "?");
    const shown = printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
    super(`"${shown}" is not a commit, branch or tag of this repository.`);
  }
}

/**
 * The commit `ref` names, as a full hash, or an `UnknownRefError`. A ref that starts with a
 * dash is refused before git runs; anything else reaches git after `--end-of-options`, so git
 * never reads it as an option (`--output=…` would have git write a file of its choosing).
 */
export function resolveCommit(ref: string): string {
  if (ref === "" || ref.startsWith("-") || /[\0\n\r]/.test(ref)) throw new UnknownRefError(ref);
  try {
    const commit = execFileSync("git", ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
    if (/^[0-9a-f]{40,64}$/.test(commit)) return commit;
  } catch (error) {
    // With --quiet, git says nothing about a ref that names no commit; anything it does say
    // (no repository here, git missing) is another problem.
    const detail = (error as { stderr?: string }).stderr?.trim().split("\n")[0];
    if (detail) throw new Error(`Cannot ask git for ${JSON.stringify(ref)}: ${detail}`);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new Error("Cannot run git: is it installed?");
  }
  throw new UnknownRefError(ref);
}

/**
 * The starter as committed at `ref` (HEAD by default). Git is the one place the pristine
 * starter lives, so that the repository holds no second copy to keep in step.
 */
export function pristineStarter(path: string, ref = "HEAD"): string {
  const commit = resolveCommit(ref);
  try {
    return execFileSync("git", ["show", "--end-of-options", `${commit}:${path}`], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(`Cannot read the starter ${path} from git (${ref}): ${detail}`);
  }
}
