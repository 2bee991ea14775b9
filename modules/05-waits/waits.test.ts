import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { DEFAULT_REVIEW_HOLD_SECONDS } from "../../fraud/settings.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  operationNames,
  resultOf,
  runFraudCheck,
  startFraudCheck,
  useLocalRuntime,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: {} };

const purchase = { amount: 7_500, location: "Oslo", vendor: "Camera Store" };

/** How long the `review-hold-<id>` wait was set to last, in seconds, if there was one. */
function holdSeconds(execution: TestResult<FraudCheckResult>, id: number): number | undefined {
  const hold = execution.getOperations().find((operation) => operation.getName() === `review-hold-${id}`);
  return hold?.getWaitDetails()?.waitSeconds;
}

describe.concurrent("05 · durable waits, with waits skipped", () => {
  // The two tests use their own transaction ids, so they can run at the same time.
  useLocalRuntime({ concurrent: true, replayCheck });

  it("holds a medium-risk card for a day in review-hold-<id>, or as long as REVIEW_HOLD_SECONDS says", async () => {
    // Restored by this test itself: the other test in this block runs at the same time.
    try {
      // A day-long wait: the runtime skips it, so the test does not wait a day.
      vi.stubEnv("REVIEW_HOLD_SECONDS", undefined);
      const daylongRun = startFraudCheck(handler, { ...purchase, id: 501 });
      // The next execution reads the variable again: change it once this one has started its
      // hold (or has ended without one), then let both run to the end.
      await daylongRun.runner
        .getOperation("review-hold-501")
        .waitForData()
        .catch(() => undefined);
      vi.stubEnv("REVIEW_HOLD_SECONDS", "3600");
      const hourlongRun = startFraudCheck(handler, { ...purchase, id: 502 });
      const [daylong, hourlong] = await Promise.all([daylongRun.finished, hourlongRun.finished]);

      const names = operationNames(daylong);
      expect(names, todo(2, 'expected a wait named "review-hold-501" for a medium-risk transaction')).toContain(
        "review-hold-501",
      );
      expect(
        names.filter((name) => name !== "settlement-window"),
        todo(2, "expected the hold after the suspension and before the fraud department takes the transaction"),
      ).toEqual(["fraudCheck", "suspend-501", "review-hold-501", "sendToFraudDepartment-501"]);
      expect(
        holdSeconds(daylong, 501),
        todo(3, `expected the default hold of ${DEFAULT_REVIEW_HOLD_SECONDS} s (one day): { seconds: reviewHoldSeconds() }`),
      ).toBe(DEFAULT_REVIEW_HOLD_SECONDS);
      expect(resultOf(daylong, todo(2, "expected the execution to succeed after the hold")).body).toMatchObject({
        fraud_score: 3,
        result: "SentToFraudDept",
      });
      expect(payments.decisionsFor(501).map((call) => call.action), todo(2, "expected one hand-off")).toEqual([
        "sendToFraudDepartment",
      ]);

      expect(
        holdSeconds(hourlong, 502),
        todo(3, "expected a hold of 3600 s after REVIEW_HOLD_SECONDS=3600: call reviewHoldSeconds() in the handler"),
      ).toBe(3600);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("drops the settlement-window pause: low and high risk finish without any wait", async () => {
    const [low, high] = await Promise.all([
      runFraudCheck(handler, { ...purchase, id: 504, amount: 40 }),
      runFraudCheck(handler, { ...purchase, id: 505, amount: 40_000 }),
    ]);

    expect(operationNames(low), todo(1, 'expected no "settlement-window" wait after authorizing')).toEqual([
      "fraudCheck",
      "authorize-504",
    ]);
    expect(operationNames(high), todo(1, 'expected no "settlement-window" wait after the fraud department')).toEqual([
      "fraudCheck",
      "sendToFraudDepartment-505",
    ]);
    expect(resultOf(low, todo(1, "expected the low-risk execution to succeed")).body.result).toBe("authorized");
    expect(resultOf(high, todo(1, "expected the high-risk execution to succeed")).body.result).toBe("SentToFraudDept");
  });
});

describe("05 · durable waits, on real time", () => {
  // Real time, so that the runtime really stops at the hold and replays the function after it.
  useLocalRuntime({ skipTime: false, replayCheck });
  beforeEach(() => {
    vi.stubEnv("REVIEW_HOLD_SECONDS", "1");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("replays the function after the hold, and still suspends and escalates exactly once", async () => {
    const { runner, finished } = startFraudCheck(handler, { ...purchase, id: 506 });

    // Check the hold's length before waiting for the end: on real time, a day-long hold would
    // outlast the test.
    const hold = await runner
      .getOperation("review-hold-506")
      .waitForData()
      .then(
        (operation) => operation.getWaitDetails()?.waitSeconds,
        () => undefined,
      );
    expect(hold, todo(2, 'expected a wait named "review-hold-506"')).toBeDefined();
    expect(hold, todo(3, "expected a 1 s hold with REVIEW_HOLD_SECONDS=1: { seconds: reviewHoldSeconds() }")).toBe(1);

    const execution = await finished;
    expect(operationNames(execution), todo(1, 'expected no "settlement-window" wait')).not.toContain("settlement-window");
    expect(
      execution.getInvocations(),
      todo(2, "expected two invocations: one up to the hold, one that replays the checkpoints and finishes"),
    ).toHaveLength(2);
    expect(riskScorer.calls, todo(2, "expected the scorer to be asked once across both invocations")).toHaveLength(1);
    expect(payments.callsFor("suspendCard", 506), todo(2, "expected the card to be suspended once")).toHaveLength(1);
    expect(
      payments.decisionsFor(506).map((call) => call.action),
      todo(2, "expected exactly one hand-off to the fraud department, after the hold"),
    ).toEqual(["sendToFraudDepartment"]);
  });
});
