/**
 * `npm run progress` reports, whatever the learner's state, and the test run behind it and
 * `npm test` (workshop/test-run.ts) cannot hang: a run still going past its bounds is stopped
 * and says which test files had not finished.
 */
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { run } from "./support/run.ts";
import { captureIo } from "./support/sandbox.ts";
import { progressMain } from "../workshop/cli/progress.ts";
import { repoRoot } from "../workshop/manifest.ts";
import type { RunResult } from "../workshop/test-run.ts";

// As a learner runs them: without the catalogued mistakes `npm test` asks vitest.config.ts for.
const env = { ...process.env };
delete env.WORKSHOP_CHECK;
const node = (args: string[], timeoutMs: number) => run(process.execPath, [...args], { env, cwd: repoRoot, timeoutMs });

describe.concurrent("npm run progress", () => {
  // In this process: progress runs vitest through its API, as it would from the shell.
  it("exits 0 with the table when modules are unfinished", async () => {
    // As a learner runs it: without the catalogued mistakes `npm test` asks vitest.config.ts for.
    vi.stubEnv("WORKSHOP_CHECK", undefined);
    // Module 01's starter fails its tests (npm test proves it): the module is not done.
    const io = captureIo();
    let code: number;
    try {
      code = await progressMain(["01"], io);
    } finally {
      vi.unstubAllEnvs();
    }
    const output = stripVTControlCharacters(io.stdout + io.stderr);

    expect(code, output).toBe(0);
    expect(output).toMatch(/│\s+module\s+│\s+state\s+│\s+tests passing\s+│/);
    expect(output).toMatch(/│ 01 │ Your first durable step\s+│ (not started|in progress)\s+│ \d+\/\d+\s+│/);
    expect(output).toContain("0 of 1 modules done.");
    expect(output).toContain("Next: read modules/01-first-step/README.md, then run npm run test:module -- 01");
    expect(output, "the run ended by itself, not by its bounds").not.toContain("was stopped");
  }, 150_000);

  it("refuses an unknown module with exit code 2, in one line, before running any test", async () => {
    const io = captureIo();

    expect(await progressMain(["42"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual([expect.stringContaining('Unknown module "42"')]);
    expect(io.stdout).toBe("");
  });
});

/** Runs fixture test files (tests/fixtures/test-run/) through `runTests` with the given bounds. */
async function runFixtures(deadlineMs: number, settleMs: number, files: string[]) {
  const script = join("tests", "fixtures", "test-run", "run.ts");
  const result = await node([script, String(deadlineMs), String(settleMs), ...files], 90_000);
  const json = result.stdout.split("\n").find((line) => line.startsWith("{"));
  expect(json, `${result.stdout}\n${result.stderr}`).toBeDefined();
  return { code: result.code, ms: result.ms, run: JSON.parse(json as string) as RunResult };
}

describe.concurrent("a test run that does not end", () => {
  it("is stopped at its deadline, naming the test files that had not finished", async () => {
    // 8 s: the other file must pass before the deadline, and in a fresh clone on a busy machine
    // (no compile cache yet) 3 s was not always enough for its worker to start.
    const { code, ms, run } = await runFixtures(8_000, 60_000, ["never-ends", "passes"]);

    expect(code).toBe(3);
    expect(run.stopped?.message).toBe("The test run did not finish within 8 s and was stopped.");
    expect(run.stopped?.unfinished).toContain("test-run-fixtures: tests/fixtures/test-run/never-ends.fixture.ts");
    expect(run.unhandled.join("\n")).toContain(
      "Test files that had not finished: test-run-fixtures: tests/fixtures/test-run/never-ends.fixture.ts",
    );
    expect(run.stopped?.ended, "vitest came to an end once cancelled").toBe(true);
    expect(run.output, "a quiet run keeps what a test's child printed, out of the terminal").toContain("a child printed this");
    expect(ms).toBeLessThan(60_000);
  }, 90_000);

  it("is stopped soon after every file reported, when a worker never finishes", async () => {
    // The deadline is far; the settle bound (1 s after the last file's results) stops it.
    const { code, ms, run } = await runFixtures(600_000, 1_000, ["worker-never-stops"]);

    expect(code).toBe(3);
    expect(run.tests.map((test) => test.state)).toEqual(["passed"]);
    expect(run.stopped?.message).toContain("Every test file reported its results, but vitest had not finished 1 s later");
    expect(run.stopped?.unfinished).toEqual([]);
    expect(ms).toBeLessThan(60_000);
  }, 90_000);
});
