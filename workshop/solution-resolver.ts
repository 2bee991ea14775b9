/**
 * A Vite plugin that lets one set of tests run against the learner's code or the solution.
 *
 * Tests import the learner's files (`./handler.ts`). With target `"solution"`, an import of
 * `modules/NN-slug/<file>` resolves to `solutions/NN-slug/<file>` when the solution has that
 * file. Because a solution holds only the files that differ, an import from a solution file
 * of a file it does not hold falls back to the starter's copy.
 *
 * `"mistakes"` runs the misconception catalogue (workshop/mistakes.ts) in one project: as the
 * solution does, except that a module id tagged `?mistake=NN/<name>` passes its tag on to the
 * module files it imports, and the files that mistake's patch changes are served patched, from
 * memory. Each mistake thus has its own copy of the module's files; everything else is shared.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vite";
import { repoRoot } from "./manifest.ts";
import { mistakeOf, mistakes, patchedFiles } from "./mistakes.ts";

export type Target = "starter" | "solution" | "mistakes";

const modulesRoot = join(repoRoot, "modules");
const solutionsRoot = join(repoRoot, "solutions");

const within = (root: string, file: string): string | undefined => {
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) || !rel.includes(sep) ? undefined : rel;
};

const queryOf = (id: string): string => id.split("?")[1] ?? "";
const pathOf = (id: string): string => id.split("?")[0] ?? id;

export function solutionResolver(target: Target): Plugin {
  const catalogue = target === "mistakes" ? mistakes() : [];
  const patched = new Map<string, Map<string, string>>();
  const patchedFor = (tag: string) => {
    let files = patched.get(tag);
    if (files === undefined) {
      const mistake = mistakeOf(`?mistake=${tag}`, catalogue);
      files = mistake === undefined ? new Map() : patchedFiles(mistake);
      patched.set(tag, files);
    }
    return files;
  };
  return {
    name: "workshop-solution-resolver",
    enforce: "pre",
    load(id) {
      const tag = new URLSearchParams(queryOf(id)).get("mistake");
      return tag === null ? null : (patchedFor(tag).get(pathOf(id)) ?? null);
    },
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const wanted = resolve(dirname(pathOf(importer)), pathOf(source));
      const file = moduleFile(target, wanted);
      if (target !== "mistakes") return file ?? null;
      const tag = new URLSearchParams(queryOf(source)).get("mistake") ?? new URLSearchParams(queryOf(importer)).get("mistake");
      const tagged = within(modulesRoot, wanted) !== undefined || within(solutionsRoot, wanted) !== undefined;
      if (tag !== null && tagged) return `${file ?? wanted}?mistake=${tag}`;
      // Resolved here too: vitest's mocker resolves a path relative to a tagged importer wrongly.
      return file ?? (existsSync(wanted) ? wanted : null);
    },
  };
}

/** The file an import of `wanted` gets for this target, or undefined to resolve it as usual. */
function moduleFile(target: Target, wanted: string): string | undefined {
  const inModules = within(modulesRoot, wanted);
  if (target !== "starter" && inModules !== undefined) {
    const solutionFile = join(solutionsRoot, inModules);
    if (existsSync(solutionFile)) return solutionFile;
  }
  const inSolutions = within(solutionsRoot, wanted);
  if (inSolutions !== undefined && !existsSync(wanted)) return join(modulesRoot, inSolutions);
  return undefined;
}
