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

/**
 * The starter as committed at `ref` (HEAD by default). Git is the one place the pristine
 * starter lives, so that the repository holds no second copy to keep in step.
 */
export function pristineStarter(path: string, ref = "HEAD"): string {
  try {
    return execFileSync("git", ["show", `${ref}:${path}`], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
    throw new Error(`Cannot read the starter ${path} from git (${ref}): ${detail}`);
  }
}
