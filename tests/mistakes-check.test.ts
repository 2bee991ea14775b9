import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIN_MISTAKES, mistakeChecks, mistakeVerdict, patchesApply } from "../workshop/checks/mistakes.ts";
import { modules, repoRoot } from "../workshop/manifest.ts";
import { mistakes, patchedFiles, type Mistake } from "../workshop/mistakes.ts";
import type { RunResult, TestOutcome } from "../workshop/test-run.ts";

const first = modules[0]!;
const scratch = mkdtempSync(join(tmpdir(), "workshop-mistakes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A patch file outside the repository, named as the catalogue would name it. */
function fakeMistake(name: string, text: string): Mistake {
  const file = join(scratch, `${name}.patch`);
  writeFileSync(file, text);
  return {
    module: first,
    name,
    misconception: "a test mistake",
    caughtBy: "a test",
    path: relative(repoRoot, file),
    project: `mistake:01:${name}`,
  };
}

const stale = [
  "# A mistake whose context lines no longer match the solution.",
  "--- a/solutions/01-first-step/handler.ts",
  "+++ b/solutions/01-first-step/handler.ts",
  "@@ -1,3 +1,3 @@",
  " this line is not in the solution",
  "-nor is this one",
  "+so the patch cannot apply",
  " at all",
  "",
].join("\n");

const outcome = (project: string, state: TestOutcome["state"], message?: string, name = "a test"): TestOutcome => ({
  project: project as TestOutcome["project"],
  file: "modules/01-first-step/first-step.test.ts",
  module: first,
  name: `01 · your first durable step > ${name}`,
  title: name,
  state,
  messages: message === undefined ? [] : [message],
  durationMs: 1,
});

const runWith = (tests: TestOutcome[]): RunResult => ({ tests, files: [], unhandled: [], output: "" });

describe("the misconception catalogue check", () => {
  it("fails, naming the module and the patch, when a patch no longer applies", async () => {
    const mistake = fakeMistake("stale", stale);
    expect(() => patchedFiles(mistake), "the in-memory patch must refuse it too").toThrow(/no longer applies/);
    const applied = await patchesApply([mistake]);
    expect(applied.get(mistake.path), "git apply --check must refuse it").toBeDefined();

    const verdict = mistakeVerdict(runWith([]), mistake, applied.get(mistake.path));
    expect(verdict.ok).toBe(false);
    expect(verdict.group).toBe("mistakes 01");
    expect(verdict.detail).toContain(mistake.path);
    expect(verdict.detail).toContain("no longer applies");
  });

  /** Module 01's first catalogued mistake, and a run of its module's tests on it. */
  const firstMistake = () => {
    const [mistake] = mistakes().filter((entry) => entry.module === first);
    if (mistake === undefined) throw new Error("module 01 has no catalogue entries");
    const verdictOf = (...tests: TestOutcome[]) =>
      mistakeChecks(runWith(tests), new Map(), first).find((result) => result.name.startsWith(mistake.name));
    return { mistake, verdictOf };
  };

  it("reads the test that catches each mistake from its patch, apart from the misconception", () => {
    for (const mistake of mistakes()) {
      expect(mistake.caughtBy, `${mistake.path} names the test that catches it`).not.toBe("");
      expect(mistake.misconception, `${mistake.path}: the misconception`).not.toMatch(/caught by/i);
    }
  });

  it("fails a mistake that the test it names lets through, naming the patch", () => {
    const { mistake, verdictOf } = firstMistake();
    const verdict = verdictOf(outcome(mistake.project, "passed", undefined, mistake.caughtBy));

    expect(verdict?.ok).toBe(false);
    expect(verdict?.group).toBe("mistakes 01");
    expect(verdict?.detail).toContain(mistake.path);
    expect(verdict?.detail).toContain("not caught");
  });

  it("fails a mistake caught by another test than the one its patch names, listing the module's tests", () => {
    const { mistake, verdictOf } = firstMistake();
    const verdict = verdictOf(outcome(mistake.project, "failed", "TODO 1 in modules/01-first-step/handler.ts", "another test"));

    expect(verdict?.ok).toBe(false);
    expect(verdict?.detail).toContain(`"# Caught by: ${mistake.caughtBy}" names no test of module 01`);
    expect(verdict?.detail).toContain("another test");
  });

  it("fails a patch that names no catching test", () => {
    const { mistake } = firstMistake();
    const unnamed = { ...mistake, caughtBy: "" };
    const verdict = mistakeVerdict(
      runWith([outcome(mistake.project, "failed", "TODO 1 in modules/01-first-step/handler.ts")]),
      unnamed,
      undefined,
    );

    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toContain("# Caught by: <test name>");
  });

  it("fails a mistake caught only by a stack trace, and passes one caught with guidance", () => {
    const { mistake, verdictOf } = firstMistake();
    const unguided = verdictOf(outcome(mistake.project, "failed", "TypeError: Cannot read properties of undefined", mistake.caughtBy));
    const guided = verdictOf(
      outcome(mistake.project, "failed", "TODO 1 in modules/01-first-step/handler.ts: expected ...", mistake.caughtBy),
    );

    expect(unguided?.ok).toBe(false);
    expect(unguided?.detail).toContain("the failure does not name modules/01-first-step/");
    expect(guided?.ok).toBe(true);
  });

  it(`fails a module with fewer than ${MIN_MISTAKES} catalogue entries`, () => {
    const sizes = modules.map((module) =>
      mistakeChecks(runWith([]), new Map(), module).find((result) => result.name.includes("catalogues")),
    );
    const lacking = modules.filter((_, index) => sizes[index] !== undefined).map((module) => module.number);
    const counted = modules.map((module) => mistakes().filter((mistake) => mistake.module === module).length);
    expect(lacking).toEqual(modules.filter((_, index) => (counted[index] ?? 0) < MIN_MISTAKES).map((module) => module.number));
  });
});
