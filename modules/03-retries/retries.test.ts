import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  durableLogs,
  operationNames,
  resultOf,
  runFraudCheck,
  useLocalRuntime,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: {} };
useLocalRuntime({ replayCheck });
afterEach(() => {
  vi.restoreAllMocks();
});

const coffee = { id: 303, amount: 4.5, location: "Seattle", vendor: "Corner Coffee" };

/** More failures than any retry strategy here will try: the scorer is down for good. */
const DOWN_FOR_GOOD = 10;

/** The delays, in seconds, the fraudCheck step asked for before each retry. */
function retryDelays(execution: TestResult<FraudCheckResult>): number[] {
  return execution
    .getHistoryEvents()
    .filter((event) => event.EventType === "StepFailed" && event.Name === "fraudCheck")
    .map((event) => event.StepFailedDetails?.RetryDetails?.NextAttemptDelaySeconds)
    .filter((delay): delay is number => delay !== undefined);
}

describe("03 · retries and failure", () => {
  it("retries a flaky scorer and uses the score of the attempt that worked", async () => {
    riskScorer.failNextCalls(2);

    const result = resultOf(
      await runFraudCheck(handler, coffee),
      todo(1, "expected a scorer that fails twice to be retried until it answers"),
    );

    expect(
      riskScorer.calls.map((call) => call.outcome),
      todo(1, "expected two failed attempts, then a third that scores (catch inside the step, and it never retries)"),
    ).toEqual(["unavailable", "unavailable", "scored"]);
    expect(result.body, todo(1, "expected the real score (1 for a coffee) once the scorer recovers")).toMatchObject({
      fraud_score: 1,
      result: "authorized",
    });
    expect(payments.decisionsFor(coffee.id).map((call) => call.action), todo(1, "expected one authorization")).toEqual([
      "authorize",
    ]);
  });

  it("logs every attempt with its number, read from stepContext.attempt", async () => {
    riskScorer.failNextCalls(2);

    await runFraudCheck(handler, coffee);

    const attempts = durableLogs
      .map((entry) => (typeof entry.message === "string" ? /attempt (\d+)/.exec(entry.message)?.[1] : undefined))
      .filter((attempt) => attempt !== undefined)
      .map(Number);
    expect(
      attempts,
      todo(2, 'expected the fraudCheck step to log "attempt 1", "attempt 2" and "attempt 3" (stepContext.attempt)'),
    ).toEqual([1, 2, 3]);
  });

  it("gives a scorer that stays down exactly three attempts, 1 s then 2 s apart", async () => {
    riskScorer.failNextCalls(DOWN_FOR_GOOD);
    // Full jitter picks each delay between 0 and the computed one; pinning Math.random just
    // below 1 makes every delay the computed one, so the test can read the configuration.
    vi.spyOn(Math, "random").mockReturnValue(0.999);

    const execution = await runFraudCheck(handler, coffee);

    expect(
      riskScorer.calls,
      todo(1, "expected exactly 3 attempts (6 means the step still uses the SDK default: pass { retryStrategy })"),
    ).toHaveLength(3);
    expect(retryDelays(execution), todo(1, "expected retries 1 s then 2 s after a failure (initialDelay 1 s, backoffRate 2)")).toEqual([
      1, 2,
    ]);
  });

  it("fails safe when the scorer stays down: score 5, sent to the fraud department, logged", async () => {
    riskScorer.failNextCalls(DOWN_FOR_GOOD);

    const execution = await runFraudCheck(handler, coffee);

    const result = resultOf(
      execution,
      todo(3, "expected the execution to succeed: catch the StepError around the fraudCheck step and use a score of 5"),
    );
    expect(result, todo(3, "expected the fail-safe score 5 and the fraud department")).toEqual({
      statusCode: 200,
      body: { transaction_id: coffee.id, amount: coffee.amount, fraud_score: 5, result: "SentToFraudDept" },
    });
    expect(operationNames(execution), todo(3, "expected the fail-safe to take the usual fraud-department step")).toContain(
      `sendToFraudDepartment-${coffee.id}`,
    );
    expect(
      payments.decisionsFor(coffee.id).map((call) => call.action),
      todo(3, "expected exactly one hand-off to the fraud department and no authorization"),
    ).toEqual(["sendToFraudDepartment"]);

    const errors = durableLogs.filter((entry) => entry.level === "ERROR");
    expect(errors, todo(3, "expected the give-up to be logged once with context.logger.error, not swallowed")).toHaveLength(1);
    expect(
      errors[0],
      todo(3, "expected the caught error passed to context.logger.error: a StepError with the scorer's message"),
    ).toMatchObject({ errorType: "StepError", errorMessage: expect.stringContaining("risk service unavailable") });
  });

  it("fails bad input at once: a negative amount is neither scored nor sent anywhere", async () => {
    const execution = await runFraudCheck(handler, { ...coffee, amount: -20 });

    expect(
      execution.getStatus(),
      todo(3, "expected bad input to fail the execution: keep validateTransaction(event) out of the try/catch"),
    ).toBe("FAILED");
    expect(execution.getError().errorMessage, todo(3, 'expected the error to name the field "amount"')).toContain(
      '"amount"',
    );
    expect(riskScorer.calls, todo(3, "bad input is not a flaky scorer: expected no attempt at all")).toHaveLength(0);
    expect(payments.calls, todo(3, "expected no payment call for bad input")).toHaveLength(0);
  });
});
