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
  return { module: first, name, misconception: "a test mistake", path: relative(repoRoot, file), project: `mistake:01:${name}` };
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

const outcome = (project: string, state: TestOutcome["state"], message?: string): TestOutcome => ({
  project: project as TestOutcome["project"],
  file: "modules/01-first-step/first-step.test.ts",
  module: first,
  name: "a test",
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

  it("fails a mistake that every test of its module lets through, naming the patch", () => {
    const [mistake] = mistakes().filter((entry) => entry.module === first);
    expect(mistake, "module 01 has catalogue entries").toBeDefined();
    const passing = runWith([outcome(mistake!.project, "passed")]);
    const verdict = mistakeChecks(passing, new Map(), first).find((result) => result.name.startsWith(mistake!.name));

    expect(verdict?.ok).toBe(false);
    expect(verdict?.group).toBe("mistakes 01");
    expect(verdict?.detail).toContain(mistake!.path);
    expect(verdict?.detail).toContain("not caught");
  });

  it("fails a mistake caught only by a stack trace, and passes one caught with guidance", () => {
    const [mistake] = mistakes().filter((entry) => entry.module === first);
    const unguided = runWith([outcome(mistake!.project, "failed", "TypeError: Cannot read properties of undefined")]);
    const guided = runWith([outcome(mistake!.project, "failed", "TODO 1 in modules/01-first-step/handler.ts: expected ...")]);
    const find = (run: RunResult) => mistakeChecks(run, new Map(), first).find((result) => result.name.startsWith(mistake!.name));

    expect(find(unguided)?.ok).toBe(false);
    expect(find(unguided)?.detail).toContain("no failure names modules/01-first-step/");
    expect(find(guided)?.ok).toBe(true);
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
