/**
 * Node.js module hooks that let one set of tests run against the learner's code or the
 * solution. Node.js runs the TypeScript itself (vitest imports natively: vitest.config.ts);
 * these hooks only choose which file an import gets.
 *
 * Tests import the learner's files (`./handler.ts`). For the solution (`WORKSHOP_TARGET=solution`,
 * set by the `solution` project), an import of `modules/NN-slug/<file>` resolves to
 * `solutions/NN-slug/<file>` when the solution has that file. Because a solution holds only the
 * files that differ, an import from a solution file of a file it does not hold falls back to the
 * starter's copy.
 *
 * A URL tagged with a query says the target itself: `?variant=starter`, `?variant=solution`, or
 * `?mistake=NN/<name>` for a catalogued mistake (the solution, with the files that mistake's
 * patch changes served patched, from memory). The tag passes on to every module file the tagged
 * file imports, so each tag gets its own copy of the module's files while everything else is
 * shared: the maintainer check runs all of them in one project (workshop/check-entries.ts).
 * Other query parameters are kept (`?instance=2`: a fresh copy of a module, module 02's tests).
 *
 * Loaded with `--import` in the test workers (vitest.config.ts).
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { repoRoot } from "./manifest.ts";
import { mistakeOf, mistakes, patchedFiles } from "./mistakes.ts";

export type Target = "starter" | "solution";

const modulesRoot = join(repoRoot, "modules");
const solutionsRoot = join(repoRoot, "solutions");

const within = (root: string, file: string): string | undefined => {
  const rel = relative(root, file);
  return rel.startsWith("..") || isAbsolute(rel) || !rel.includes(sep) ? undefined : rel;
};

const withoutQuery = (url: string): string => url.split("?")[0] ?? url;
const queryOf = (url: string) => new URLSearchParams(url.split("?")[1] ?? "");

/** `variant=...` or `mistake=...`, from a URL's query. */
function tagOf(url: string): string | undefined {
  const query = queryOf(url);
  for (const key of ["variant", "mistake"]) {
    const value = query.get(key);
    if (value !== null) return `${key}=${value}`;
  }
  return undefined;
}

/** The query of `specifier` with `tag` in it, its other parameters kept. */
function withTag(specifier: string, tag: string): string {
  const query = queryOf(specifier);
  query.delete("variant");
  query.delete("mistake");
  const rest = query.toString();
  return rest === "" ? tag : `${tag}&${rest}`;
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

let catalogue: ReturnType<typeof mistakes> | undefined;
const patched = new Map<string, Map<string, string>>();
function patchedFor(tag: string): Map<string, string> {
  let files = patched.get(tag);
  if (files === undefined) {
    catalogue ??= mistakes();
    const mistake = mistakeOf(`?${tag}`, catalogue);
    files = mistake === undefined ? new Map() : patchedFiles(mistake);
    patched.set(tag, files);
  }
  return files;
}

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (parent === undefined || !parent.startsWith("file:") || !specifier.startsWith(".")) return nextResolve(specifier, context);
    const tag = tagOf(specifier) ?? tagOf(parent);
    // Read at each import: vitest sets the project's environment once the worker has started.
    const target =
      tag === undefined ? (process.env.WORKSHOP_TARGET as Target | undefined) : tag === "variant=starter" ? "starter" : "solution";
    if (target === undefined) return nextResolve(specifier, context);
    const wanted = resolve(dirname(fileURLToPath(withoutQuery(parent))), withoutQuery(specifier));
    const file = moduleFile(target, wanted);
    if (tag !== undefined && (within(modulesRoot, wanted) !== undefined || within(solutionsRoot, wanted) !== undefined)) {
      return { url: `${pathToFileURL(file ?? wanted).href}?${withTag(specifier, tag)}`, shortCircuit: true };
    }
    if (file === undefined) return nextResolve(specifier, context);
    const rest = specifier.includes("?") ? `?${specifier.split("?")[1]}` : "";
    return { url: `${pathToFileURL(file).href}${rest}`, shortCircuit: true };
  },
  load(url, context, nextLoad) {
    const tag = tagOf(url);
    const source = tag?.startsWith("mistake=") ? patchedFor(tag).get(fileURLToPath(withoutQuery(url))) : undefined;
    if (source !== undefined) return { format: "module-typescript", source, shortCircuit: true };
    return nextLoad(url, context);
  },
});
