/**
 * The module manifest (`workshop/modules.json`) and the paths every command derives from it.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import manifest from "./modules.json" with { type: "json" };

export interface WorkshopModule {
  /** Two digits, `"01"`. */
  number: string;
  /** The folder name after the number, `"first-step"`. */
  slug: string;
  title: string;
  /** One line: the concept this module practises. */
  teaches: string;
  /** The files the learner edits; the solution holds a complete copy of each. */
  files: string[];
}

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const modules: readonly WorkshopModule[] = manifest;

/** `01-first-step`: the folder name under `modules/` and `solutions/`. */
export const folderName = (module: WorkshopModule): string => `${module.number}-${module.slug}`;
export const starterDir = (module: WorkshopModule): string => join(repoRoot, "modules", folderName(module));
export const solutionDir = (module: WorkshopModule): string => join(repoRoot, "solutions", folderName(module));

/** The committed starter of a module, kept so `reset` and the checks can compare against it. */
export const pristineStarterRef = (module: WorkshopModule, file: string): string => `HEAD:modules/${folderName(module)}/${file}`;

/** Thrown for a module argument that names no module; the message lists the valid ones. */
export class UnknownModuleError extends Error {
  constructor(given: string) {
    const valid = modules.map((module) => `${Number(module.number)}, ${module.number} or ${module.slug}`).join("; ");
    super(`Unknown module "${given}". Valid modules: ${valid}.`);
  }
}

/** Finds a module by `1`, `01`, `first-step` or `01-first-step`. */
export function findModule(given: string): WorkshopModule {
  const wanted = given.trim().toLowerCase();
  const found = modules.find(
    (module) =>
      module.slug === wanted || folderName(module) === wanted || (/^\d+$/.test(wanted) && Number(wanted) === Number(module.number)),
  );
  if (!found) throw new UnknownModuleError(given);
  return found;
}

/** The module a test file belongs to, from its path (`modules/01-first-step/...`). */
export function moduleOfPath(path: string): WorkshopModule | undefined {
  return modules.find((module) => path.includes(`${folderName(module)}`) && existsSync(starterDir(module)));
}
