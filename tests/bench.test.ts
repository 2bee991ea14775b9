/**
 * `npm run bench` reads vitest's summary to split a learner's run into start-up and tests: the
 * figures it prints are only as good as that reading.
 */
import { describe, expect, it } from "vitest";
import { captureIo } from "./support/sandbox.ts";
import { benchMain, testsDuration, vitestDuration } from "../workshop/cli/bench.ts";

// vitest 4's last summary line, as a learner's run prints it without colour.
const summary = "   Duration  1.67s (transform 0ms, setup 0ms, import 103ms, tests 1.19s, environment 0ms)";

describe("npm run bench", () => {
  it("reads vitest's run time and the part of it its tests took", () => {
    expect(vitestDuration(summary)).toBe(1.67);
    expect(testsDuration(summary)).toBe(1.19);
    expect(testsDuration("   Duration  640ms (transform 0ms, setup 0ms, import 98ms, tests 412ms, environment 0ms)")).toBe(0.412);
  });

  it("reads nothing from output without a summary, rather than a wrong figure", () => {
    expect(vitestDuration("Error: the worker did not start")).toBeUndefined();
    expect(testsDuration("3 tests failed")).toBeUndefined();
  });

  it("refuses a run count that is not a whole number of at least 1, in one line, before it measures", async () => {
    const io = captureIo();
    expect(await benchMain(["--runs", "0"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual(['error: --runs takes a whole number of at least 1, not "0"']);
    expect(io.stdout).toBe("");
  });
});
