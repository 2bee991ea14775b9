/**
 * The misconception catalogue's verdicts: every module has at least three catalogued
 * mistakes, each patch still applies with `git apply`, and the module test each patch names
 * rejects it with guidance (a message that names the learner's file), not with a stack trace.
 */
import { folderName, type WorkshopModule } from "../manifest.ts";
import { mistakes, patchedFiles, type Mistake } from "../mistakes.ts";
import type { RunResult } from "../test-run.ts";
import { runTool } from "./tool.ts";
import type { CheckResult } from "./types.ts";

/** The fewest mistakes a module's catalogue may list. */
export const MIN_MISTAKES = 3;

/** `git apply --check` of each patch, from the repository root, all at once. */
export async function patchesApply(catalogue = mistakes()): Promise<Map<string, string | undefined>> {
  const verdicts = await Promise.all(
    catalogue.map(async (mistake): Promise<[string, string | undefined]> => {
      const check = await runTool("git", ["apply", "--check", mistake.path]);
      if (check.code !== 0) return [mistake.path, check.output || `git apply --check exited with ${check.code}`];
      try {
        patchedFiles(mistake);
        return [mistake.path, undefined];
      } catch (error) {
        return [mistake.path, error instanceof Error ? error.message : String(error)];
      }
    }),
  );
  return new Map(verdicts);
}

/** One mistake's verdict: caught with guidance, or why not (named by its patch). */
export function mistakeVerdict(run: RunResult, mistake: Mistake, applyProblem: string | undefined): CheckResult {
  const group = `mistakes ${mistake.module.number}`;
  const name = `${mistake.name}: ${mistake.misconception || "(no # line says the misconception)"}`;
  const fail = (detail: string): CheckResult => ({ group, name, ok: false, detail: `${mistake.path}: ${detail}` });
  if (mistake.misconception === "") return fail("the patch must start with a # line stating the misconception");
  if (applyProblem !== undefined) return fail(`the patch no longer applies (git apply --check): ${applyProblem}`);

  const folder = `modules/${folderName(mistake.module)}/`;
  const loadErrors = run.files.filter((file) => file.project === mistake.project && !file.loaded);
  if (loadErrors.length > 0) return fail(`the tests did not load: ${loadErrors.flatMap((file) => file.errors).join("; ")}`);
  const tests = run.tests.filter((test) => test.project === mistake.project);
  if (tests.length === 0) return fail("no test ran on it");
  if (mistake.caughtBy === "")
    return fail("the patch must name the test that catches it, in a `# Caught by: <test name>` line after the misconception");
  const catching = tests.filter((test) => test.title === mistake.caughtBy);
  if (catching.length === 0) {
    const names = tests.map((test) => `  ${test.title}`).join("\n");
    return fail(`"# Caught by: ${mistake.caughtBy}" names no test of module ${mistake.module.number}; its tests are:\n${names}`);
  }
  const failed = catching.filter((test) => test.state === "failed");
  if (failed.length === 0) return fail(`not caught: "${mistake.caughtBy}", the test that should catch it, passes with it`);
  const unguided = failed.filter((test) => !(test.messages[0] ?? "").includes(folder));
  if (unguided.length === failed.length) {
    const lines = unguided.map((test) => `${test.name}: ${test.messages[0] ?? "(no message)"}`);
    return fail(`caught, but the failure does not name ${folder} and what to change:\n${lines.join("\n")}`);
  }
  return { group, name, ok: true };
}

function catalogueSize(module: WorkshopModule, count: number): CheckResult[] {
  if (count >= MIN_MISTAKES) return [];
  return [
    {
      group: `mistakes ${module.number}`,
      name: `module ${module.number} catalogues at least ${MIN_MISTAKES} mistakes`,
      ok: false,
      detail: `solutions/${folderName(module)}/mistakes/ holds ${count} patch(es)`,
    },
  ];
}

/** Verdicts for one module's catalogue, from a test run that included the `mistake:*` projects. */
export function mistakeChecks(run: RunResult, applied: Map<string, string | undefined>, module: WorkshopModule): CheckResult[] {
  const own = mistakes().filter((mistake) => mistake.module === module);
  return [...catalogueSize(module, own.length), ...own.map((mistake) => mistakeVerdict(run, mistake, applied.get(mistake.path)))];
}
