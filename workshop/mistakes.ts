/**
 * The misconception catalogue: wrong solutions a learner is likely to write, one patch each.
 *
 * `solutions/NN-slug/mistakes/<name>.patch` is a unified diff against the solution that
 * `git apply` takes from the repository root, after one or more `#` lines that state the
 * misconception and a `# Caught by: <test name>` line that names the module's test that
 * teaches it. The maintainer check runs that test on each patched solution, in memory, and
 * requires it to fail with guidance.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { applyPatch, parsePatch } from "diff";
import { folderName, modules, repoPath, repoRoot, solutionDir, type WorkshopModule } from "./manifest.ts";

export interface Mistake {
  module: WorkshopModule;
  /** The file name without `.patch`: `step-without-side-effect`. */
  name: string;
  /** The `#` lines: the misconception, in one sentence. */
  misconception: string;
  /** The name of the module test that catches it (its `# Caught by:` line); "" when missing. */
  caughtBy: string;
  /** Relative to the repository: `solutions/01-first-step/mistakes/<name>.patch`. */
  path: string;
  /** How results name it: `mistake:01:<name>`. */
  project: string;
}

/** The header line that names the test catching a mistake: `# Caught by: <test name>`. */
const caughtByLine = /^caught by:/i;

export const mistakesDir = (module: WorkshopModule): string => join(solutionDir(module), "mistakes");

/** Every catalogued mistake, module by module, in file-name order. */
export function mistakes(): Mistake[] {
  return modules.flatMap((module) => {
    const folder = mistakesDir(module);
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((file) => file.endsWith(".patch"))
      .sort()
      .map((file) => {
        const name = file.slice(0, -".patch".length);
        const text = readFileSync(join(folder, file), "utf8");
        // The `#` lines before the diff: the misconception, and which test catches it.
        const header: string[] = [];
        for (const line of text.split("\n")) {
          if (!line.startsWith("#")) break;
          header.push(line.replace(/^#\s?/, "").trim());
        }
        const caughtBy =
          header
            .find((line) => caughtByLine.test(line))
            ?.replace(caughtByLine, "")
            .trim() ?? "";
        const misconception = header.filter((line) => !caughtByLine.test(line)).join(" ");
        return {
          module,
          name,
          misconception,
          caughtBy,
          path: repoPath(join(folder, file)),
          project: `mistake:${module.number}:${name}`,
        };
      });
  });
}

/**
 * The patched files of a mistake, by absolute path of the solution file they replace.
 * @throws Error naming the patch and the file when it no longer applies to the solution.
 */
export function patchedFiles(mistake: Mistake): Map<string, string> {
  const text = readFileSync(join(repoRoot, mistake.path), "utf8");
  const patches = parsePatch(text).filter((patch) => patch.hunks.length > 0);
  if (patches.length === 0) throw new Error(`${mistake.path} holds no diff`);
  const files = new Map<string, string>();
  for (const patch of patches) {
    const target = (patch.oldFileName ?? "").replace(/^a\//, "");
    const expected = `solutions/${folderName(mistake.module)}/`;
    if (!target.startsWith(expected)) throw new Error(`${mistake.path} changes ${target}, not a file under ${expected}`);
    const path = join(repoRoot, target);
    if (!existsSync(path)) throw new Error(`${mistake.path} changes ${target}, which does not exist`);
    const patched = applyPatch(files.get(path) ?? readFileSync(path, "utf8"), patch);
    if (patched === false) throw new Error(`${mistake.path} no longer applies to ${target}`);
    files.set(path, patched);
  }
  return files;
}

/** The query value that marks a mistake's module graph: `01/<name>` (see workshop/check-entries.ts). */
export const mistakeTag = (mistake: Mistake): string => `${mistake.module.number}/${mistake.name}`;

/** The mistake a module id tagged `?mistake=NN/<name>` belongs to. */
export function mistakeOf(id: string, catalogue = mistakes()): Mistake | undefined {
  const tag = new URLSearchParams(id.split("?")[1] ?? "").get("mistake");
  return tag === null ? undefined : catalogue.find((mistake) => mistakeTag(mistake) === tag);
}
