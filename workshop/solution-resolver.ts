/**
 * A Vite plugin that lets one set of tests run against the learner's code or the solution.
 *
 * Tests import the learner's files (`./handler.ts`). With target `"solution"`, an import of
 * `modules/NN-slug/<file>` resolves to `solutions/NN-slug/<file>` when the solution has that
 * file. Because a solution holds only the files that differ, an import from a solution file
 * of a file it does not hold falls back to the starter's copy.
 *
 * A module id tagged with a query says the target itself, whatever the plugin's: `?variant=starter`,
 * `?variant=solution`, or `?mistake=NN/<name>` for a catalogued mistake (the solution, with the
 * files that mistake's patch changes served patched, from memory). The tag passes on to every
 * module file the tagged file imports, so each tag gets its own copy of the module's files while
 * everything else is shared: the maintainer check runs all of them in one project
 * (workshop/check-entries.ts).
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Plugin } from "vite";
import { repoRoot } from "./manifest.ts";
import { mistakeOf, mistakes, patchedFiles } from "./mistakes.ts";

export type Target = "starter" | "solution";

const modulesRoot = join(repoRoot, "modules");
const solutionsRoot = join(repoRoot, "solutions");

const within = (root: string, file: string): string | undefined => {
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) || !rel.includes(sep) ? undefined : rel;
};

const pathOf = (id: string): string => id.split("?")[0] ?? id;

/** The tag of a module id (`variant=solution`, `mistake=01/<name>`), if it has one. */
function tagOf(id: string): string | undefined {
  const query = new URLSearchParams(id.split("?")[1] ?? "");
  for (const key of ["variant", "mistake"]) {
    const value = query.get(key);
    if (value !== null) return `${key}=${value}`;
  }
  return undefined;
}

/** `target`: what untagged imports get; without one, they resolve as usual. */
export function solutionResolver(target?: Target): Plugin {
  let catalogue: ReturnType<typeof mistakes> | undefined;
  const patched = new Map<string, Map<string, string>>();
  const patchedFor = (tag: string) => {
    let files = patched.get(tag);
    if (files === undefined) {
      catalogue ??= mistakes();
      const mistake = mistakeOf(`?${tag}`, catalogue);
      files = mistake === undefined ? new Map() : patchedFiles(mistake);
      patched.set(tag, files);
    }
    return files;
  };
  return {
    name: "workshop-solution-resolver",
    enforce: "pre",
    load(id) {
      const tag = tagOf(id);
      return tag?.startsWith("mistake=") ? (patchedFor(tag).get(pathOf(id)) ?? null) : null;
    },
    resolveId(source, importer) {
      if (!importer || !source.startsWith(".")) return null;
      const wanted = resolve(dirname(pathOf(importer)), pathOf(source));
      const tag = tagOf(source) ?? tagOf(importer);
      const wantedTarget = tag === undefined ? target : tag === "variant=starter" ? "starter" : "solution";
      const file = wantedTarget === undefined ? undefined : moduleFile(wantedTarget, wanted);
      if (tag === undefined) return file ?? null;
      if (within(modulesRoot, wanted) !== undefined || within(solutionsRoot, wanted) !== undefined) return `${file ?? wanted}?${tag}`;
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
