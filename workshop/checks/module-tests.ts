/**
 * Turns one vitest run over all projects into verdicts: every solution passes its module's
 * tests, every untouched starter fails them with TODO guidance, the repository's own tests pass.
 */
import { folderName, modules, type WorkshopModule } from "../manifest.ts";
import type { RunResult, TestOutcome } from "../test-run.ts";
import { mistakeChecks } from "./mistakes.ts";
import type { CheckResult } from "./types.ts";

function solutionChecks(run: RunResult, module: WorkshopModule): CheckResult[] {
  const group = `solution ${module.number}`;
  const tests = run.tests.filter((test) => test.project === "solution" && test.module === module);
  const loadErrors = run.files.filter((file) => file.project === "solution" && file.module === module && !file.loaded);
  const results: CheckResult[] = tests.map((test) => ({
    group,
    name: test.name,
    ok: test.state === "passed",
    ...(test.state === "passed" ? {} : { detail: `${test.file}: ${test.messages[0] ?? test.state}` }),
  }));
  if (tests.length === 0 || loadErrors.length > 0) {
    results.push({
      group,
      name: `module ${module.number}'s tests load and run on the solution`,
      ok: false,
      detail: loadErrors.flatMap((file) => file.errors).join("\n") || "no test ran",
    });
  }
  return results;
}

/** A starter must fail, and each failure must name the TODO to do (not an SDK stack trace). */
function starterCheck(run: RunResult, module: WorkshopModule): CheckResult {
  const folder = `modules/${folderName(module)}`;
  const name = `the untouched starter of module ${module.number} fails its tests, each failure naming a TODO in ${folder}`;
  const group = `starter ${module.number}`;
  const tests = run.tests.filter((test) => test.project === "starter" && test.module === module);
  const loadErrors = run.files.filter((file) => file.project === "starter" && file.module === module && !file.loaded);
  if (loadErrors.length > 0) {
    return { group, name, ok: false, detail: `the tests did not load: ${loadErrors.flatMap((file) => file.errors).join("; ")}` };
  }
  const failed = tests.filter((test) => test.state === "failed");
  if (tests.length === 0) return { group, name, ok: false, detail: "no test ran" };
  if (failed.length === 0) {
    return { group, name, ok: false, detail: `all ${tests.length} tests pass on the starter: they would pass without the learner's work` };
  }
  const unguided = failed.filter((test) => !(test.messages[0] ?? "").startsWith(`TODO `) || !(test.messages[0] ?? "").includes(folder));
  if (unguided.length > 0) {
    const lines = unguided.map((test: TestOutcome) => `${test.name}: ${test.messages[0] ?? "(no message)"}`);
    return { group, name, ok: false, detail: `failures that do not say which TODO to do:\n${lines.join("\n")}` };
  }
  return { group, name: `${name} (${failed.length} of ${tests.length} tests fail)`, ok: true };
}

function repoChecks(run: RunResult): CheckResult[] {
  const results: CheckResult[] = run.tests
    .filter((test) => test.project === "repo")
    .map((test) => ({
      group: "repository tests",
      name: `${test.file} > ${test.name}`,
      ok: test.state === "passed" || test.state === "skipped",
      skipped: test.state === "skipped",
      ...(test.state === "passed" ? {} : { detail: test.messages[0] ?? test.state }),
    }));
  for (const file of run.files.filter((file) => file.project === "repo" && !file.loaded)) {
    results.push({ group: "repository tests", name: `${file.file} loads`, ok: false, detail: file.errors.join("\n") });
  }
  return results;
}

/** `applied`: each mistake patch's `git apply --check` problem, undefined when it applies. */
export function testChecks(run: RunResult, applied: Map<string, string | undefined>): CheckResult[] {
  const unhandled: CheckResult[] = run.unhandled.map((message) => ({
    group: "tests",
    name: "no error escaped the tests",
    ok: false,
    detail: message,
  }));
  return [
    ...modules.flatMap((module) => [...solutionChecks(run, module), starterCheck(run, module), ...mistakeChecks(run, applied, module)]),
    ...repoChecks(run),
    ...unhandled,
  ];
}
