/**
 * The code checks of `npm test`, each a maintained tool in a child process: Biome formats and
 * lints (biome.jsonc), dependency-cruiser holds the layers (.dependency-cruiser.cjs: an upward
 * import or a cycle fails), knip finds files, exports and dependencies nothing uses (knip.jsonc).
 */
import { join } from "node:path";
import { repoRoot } from "../manifest.ts";
import { firstLines, runTool } from "./tool.ts";
import type { CheckResult } from "./types.ts";

// Not every package exports its package.json for require.resolve; npm ci puts them all here.
export const binOf = (pkg: string, file: string) => join(repoRoot, "node_modules", pkg, file);

/** The folders of the layers, as dependency-cruiser walks them. */
export const layerRoots = ["fraud", "modules", "solutions", "workshop", "infra", "operate", "tests", "vitest.config.ts"];

const tools: [name: string, bin: string, args: string[]][] = [
  ["Biome: every file formatted, no lint error (biome.jsonc)", binOf("@biomejs/biome", "bin/biome"), ["ci", "--colors=off", "."]],
  [
    "the layers hold: no upward import, no cycle (.dependency-cruiser.cjs)",
    binOf("dependency-cruiser", "bin/dependency-cruiser.mjs"),
    [
      ...layerRoots,
      "--config",
      ".dependency-cruiser.cjs",
      "--output-type",
      "err",
      // Its own cache, by file content: a second run re-reads only what changed (2.5 s of CPU to 0.8 s).
      "--cache",
      "node_modules/.cache/dependency-cruiser",
      "--cache-strategy",
      "content",
    ],
  ],
  [
    "no unused file, export or dependency, none unlisted (knip.jsonc)",
    binOf("knip", "bin/knip.js"),
    // No --cache: with it, knip 5 missed a file that a renamed vitest setup file left unused.
    ["--no-progress", "--include", "files,dependencies,unlisted,binaries,exports,types"],
  ],
];

export async function codeChecks(): Promise<CheckResult[]> {
  return Promise.all(
    tools.map(async ([name, bin, args]): Promise<CheckResult> => {
      const outcome = await runTool(process.execPath, [bin, ...args]);
      const ok = outcome.code === 0;
      return { group: "code", name, ok, ...(ok ? {} : { detail: firstLines(outcome.output) || `exited with ${outcome.code}` }) };
    }),
  );
}
