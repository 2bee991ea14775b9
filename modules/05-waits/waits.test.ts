import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { DEFAULT_REVIEW_HOLD_SECONDS } from "../../fraud/settings.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { forgotAwait, leftOpen, realDelay } from "../../workshop/testing/hints.ts";
import { operationNames, resultOf, runFraudCheck, startFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: {} };

const purchase = { amount: 7_500, location: "Oslo", vendor: "Camera Store" };

/** Why a JavaScript timer cannot stand in for `context.wait`, for a handler that slept through the hold. */
const TIMER_IS_NOT_A_WAIT =
  "a JavaScript timer (setTimeout, a sleep) is not a durable wait: the function stays running, and billed, for the " +
  "whole hold, an invocation cannot last a day (Lambda stops it after 15 minutes), and a restart forgets the timer. " +
  "`await context.wait(name, duration)` checkpoints the hold and ends the invocation; the service invokes the " +
  "function again when the time is up";

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
      // hold (or has ended without one), then let both run to the end. A handler that sleeps
      // in a timer does neither for a real day: give up on it after a few seconds.
      const progress = await Promise.race([
        daylongRun.runner
          .getOperation("review-hold-501")
          .waitForData()
          .then(
            () => "held",
            () => "ended",
          ),
        daylongRun.finished.then(
          () => "ended",
          () => "ended",
        ),
        realDelay(5000).then(() => "stuck"),
      ]);
      const stuck = todo(
        2,
        `expected a durable wait named "review-hold-501", but after 5 s the execution had neither started it nor ended: ${TIMER_IS_NOT_A_WAIT}`,
      );
      expect(progress, stuck).not.toBe("stuck");
      vi.stubEnv("REVIEW_HOLD_SECONDS", "3600");
      const hourlongRun = startFraudCheck(handler, { ...purchase, id: 502 });
      const [daylong, hourlong] = await Promise.all([daylongRun.finished, hourlongRun.finished]);

      const names = operationNames(daylong);
      const waits = daylong.getOperations().filter((operation) => operation.getType() === "WAIT");
      const unnamed = waits.some((wait) => wait.getName()?.startsWith("review-hold") && wait.getName() !== "review-hold-501");
      const named = unnamed ? ": name the hold after its transaction, review-hold-<id>, as suspend-<id> is" : "";
      expect(names, todo(2, `expected a wait named "review-hold-501" for a medium-risk transaction${named}`)).toContain("review-hold-501");
      expect(
        names.filter((name) => name !== "settlement-window"),
        todo(
          2,
          "expected the hold after the suspension (block the card first, or it stays usable for the whole hold) " +
            "and before the fraud department takes the transaction",
        ),
      ).toEqual(["fraudCheck", "suspend-501", "review-hold-501", "sendToFraudDepartment-501"]);
      expect(
        holdSeconds(daylong, 501),
        todo(3, `expected the default hold of ${DEFAULT_REVIEW_HOLD_SECONDS} s (one day): { seconds: reviewHoldSeconds() }`),
      ).toBe(DEFAULT_REVIEW_HOLD_SECONDS);
      expect(resultOf(daylong, todo(2, "expected the execution to succeed after the hold")).body).toMatchObject({
        fraud_score: 3,
        result: "SentToFraudDept",
      });
      expect(
        payments.decisionsFor(501).map((call) => call.action),
        todo(2, "expected one hand-off"),
      ).toEqual(["sendToFraudDepartment"]);

      expect(
        holdSeconds(hourlong, 502),
        todo(
          3,
          "expected a hold of 3600 s after REVIEW_HOLD_SECONDS=3600: call reviewHoldSeconds() in the handler, for every " +
            "execution; a `const` at the top of the file reads the variable once, when the file loads",
        ),
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

    expect(operationNames(low), todo(1, 'expected no "settlement-window" wait after authorizing')).toEqual(["fraudCheck", "authorize-504"]);
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
    const startedAt = Date.now();
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
    if (hold === undefined) {
      // No durable hold. Did the function stay running through the second instead?
      const execution = await finished;
      const sleptThrough =
        execution.getInvocations().length === 1 &&
        Date.now() - startedAt >= 1000 &&
        payments.callsFor("sendToFraudDepartment", 506).length === 1 &&
        !execution.getOperations().some((operation) => operation.getType() === "WAIT");
      const missing = sleptThrough
        ? `expected a durable wait named "review-hold-506", but the function stayed running through the 1 s hold in a single invocation: ${TIMER_IS_NOT_A_WAIT}`
        : 'expected a wait named "review-hold-506"';
      expect(hold, todo(2, missing)).toBeDefined();
    }
    expect(hold, todo(3, "expected a 1 s hold with REVIEW_HOLD_SECONDS=1: { seconds: reviewHoldSeconds() }")).toBe(1);

    const execution = await finished;
    const notAwaited = todo(
      2,
      `expected the hand-off to wait for "review-hold-506", but the execution ended while the hold was still open: ${forgotAwait("context.wait(...)")}`,
    );
    expect(leftOpen(execution, "review-hold-506"), notAwaited).toBe(false);
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
