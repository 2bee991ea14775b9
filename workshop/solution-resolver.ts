/**
 * A Vite plugin that lets one set of tests run against the learner's code or the solution.
 *
 * Tests import the learner's files (`./handler.ts`). With target `"solution"`, an import of
 * `modules/NN-slug/<file>` resolves to `solutions/NN-slug/<file>` when the solution has that
 * file. Because a solution holds only the files that differ, an import from a solution file
 * of a file it does not hold falls back to the starter's copy.
 *
 * A catalogued mistake (workshop/mistakes.ts) runs as the solution does, except that the
 * files its patch changes are served patched, from memory: each vitest project has a module
 * graph of its own, so the patched handler never meets the real one.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vite";
import { repoRoot } from "./manifest.ts";
import { patchedFiles, type Mistake } from "./mistakes.ts";

export type Target = "starter" | "solution" | Mistake;

const modulesRoot = join(repoRoot, "modules");
const solutionsRoot = join(repoRoot, "solutions");

const within = (root: string, file: string): string | undefined => {
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) || !rel.includes(sep) ? undefined : rel;
};

export function solutionResolver(target: Target): Plugin {
  const patched = typeof target === "object" ? patchedFiles(target) : new Map<string, string>();
  return {
    name: "workshop-solution-resolver",
    enforce: "pre",
    load(id) {
      return patched.get(id.split("?")[0] ?? id) ?? null;
    },
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const wanted = resolve(dirname(importer.split("?")[0] ?? importer), source);

      const inModules = within(modulesRoot, wanted);
      if (target !== "starter" && inModules !== undefined) {
        const solutionFile = join(solutionsRoot, inModules);
        if (existsSync(solutionFile)) return solutionFile;
      }
      const inSolutions = within(solutionsRoot, wanted);
      if (inSolutions !== undefined && !existsSync(wanted)) {
        return join(modulesRoot, inSolutions);
      }
      return null;
    },
  };
}
