/**
 * Messages that turn a failing assertion into the next thing to do.
 *
 * Every assertion in a module's tests carries one, so a learner who runs the tests on an
 * untouched starter reads which TODO to do, in which file, and what was expected.
 */
import { fileURLToPath } from "node:url";
import { repoPath } from "../manifest.ts";

export interface Guide {
  /** `TODO 2 in modules/01-first-step/handler.ts: <what is expected>` */
  todo(number: number, expected: string, file?: string): string;
  /**
   * `In modules/08-timeouts/handler.ts: <what is expected>`: for a concept an earlier module
   * taught, which this module's starter already does right and a catalogued mistake breaks.
   */
  concept(expected: string, file?: string): string;
  /** The module folder, relative to the repository, with forward slashes. */
  folder: string;
}

/** Builds the guide for the module whose test file is `testFileUrl` (pass `import.meta.url`). */
export function guideFor(testFileUrl: string): Guide {
  const testPath = repoPath(fileURLToPath(testFileUrl));
  const folder = testPath.slice(0, testPath.lastIndexOf("/"));
  return {
    folder,
    todo: (number, expected, file = "handler.ts") => `TODO ${number} in ${folder}/${file}: ${expected}`,
    concept: (expected, file = "handler.ts") => `In ${folder}/${file}: ${expected}`,
  };
}
