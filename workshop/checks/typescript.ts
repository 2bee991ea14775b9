/**
 * Type-checks the whole repository (starters included: a starter must compile).
 *
 * It runs TypeScript's native compiler (`tsgo`, TypeScript 7), which checks this repository
 * in a third of the CPU time of `tsc` 6; `typescript` 6 stays for typedoc, whose peer range
 * stops before 7.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { firstLines, runTool } from "./tool.ts";
import type { CheckResult } from "./types.ts";

export async function typeCheck(): Promise<CheckResult> {
  // The package exports no bin path: find it next to its package.json.
  const packageJson = createRequire(import.meta.url).resolve("@typescript/native-preview/package.json");
  const tsgo = join(dirname(packageJson), "bin", "tsgo");
  // One thread: the check runs beside the tests, which keep both cores busy; tsgo's own
  // threads would only add about a second of CPU for the same verdict.
  const { code, output } = await runTool(process.execPath, [tsgo, "--noEmit", "--singleThreaded", "-p", "."]);
  const ok = code === 0;
  return { group: "types", name: "the TypeScript type-checks (tsgo --noEmit)", ok, ...(ok ? {} : { detail: firstLines(output, 30) }) };
}
