import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import type { Transaction } from "../../fraud/transaction.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  durableLogs,
  operationNames,
  resultOf,
  runFraudCheck,
  useLocalRuntime,
  type DurableLogLine,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: {} };

const coffee = { id: 301, amount: 4.5, location: "Seattle", vendor: "Corner Coffee" };

/** More failures than any retry strategy here will try: the scorer is down for good. */
const DOWN_FOR_GOOD = 10;

/**
 * Failures still to come, by transaction id. The fake scorer's own `failNextCalls` counts
 * for whichever transaction calls next; tests that run at the same time need their own.
 */
const failuresLeft = new Map<number, number>();

/** Makes the scorer fail the next `count` calls for transaction `id` only. */
const failScoring = (id: number, count: number) => failuresLeft.set(id, count);

/** Routes every scoring through {@link failuresLeft}, for the tests of one describe block. */
function useScorerFailuresById(): void {
  let spy: MockInstance<typeof riskScorer.score> | undefined;
  beforeAll(() => {
    const score = riskScorer.score.bind(riskScorer);
    spy = vi.spyOn(riskScorer, "score").mockImplementation((transaction: Transaction) => {
      const left = failuresLeft.get(transaction.id) ?? 0;
      if (left > 0) {
        failuresLeft.set(transaction.id, left - 1);
        // The fake fails (and records) this very call: nothing runs between the two lines.
        riskScorer.failNextCalls(1);
      }
      return score(transaction);
    });
  });
  afterAll(() => {
    spy?.mockRestore();
  });
}

/** Whether the SDK (not its testing package) is the caller: its only use of Math.random is jitter. */
function calledByTheSdk(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  return /[\\/]@aws[\\/]durable-execution-sdk-js[\\/]/.test(stack);
}

/**
 * Pins the random factor of the SDK's full jitter, which multiplies each retry delay. Only the
 * SDK's calls are pinned: the test runner draws request ids from Math.random too, and ids that
 * all came out the same would leave its requests unanswered.
 */
function useJitter(value: number): void {
  let spy: MockInstance<typeof Math.random> | undefined;
  beforeAll(() => {
    const random = Math.random.bind(Math);
    spy = vi.spyOn(Math, "random").mockImplementation(() => (calledByTheSdk() ? value : random()));
  });
  afterAll(() => {
    spy?.mockRestore();
  });
}

/** The scorer's outcomes for one transaction, oldest first. */
const outcomesFor = (id: number) => riskScorer.calls.filter((call) => call.transactionId === id).map((call) => call.outcome);

/**
 * The lines one execution logged. Every line of an execution carries its ARN; the execution of
 * transaction `id` is the one whose lines mention the id (its "Checking transaction <id>" line).
 */
function logsOf(id: number): DurableLogLine[] {
  const mentions = new RegExp(`\\b${id}\\b`);
  const arn = durableLogs.find((line) => typeof line.message === "string" && mentions.test(line.message))?.executionArn;
  return arn === undefined ? [] : durableLogs.filter((line) => line.executionArn === arn);
}

/** The attempt numbers an execution logged, from messages that end in "attempt <number>". */
const attemptsLogged = (id: number): number[] =>
  logsOf(id)
    .map((line) => (typeof line.message === "string" ? /attempt (\d+)\s*$/.exec(line.message)?.[1] : undefined))
    .filter((attempt) => attempt !== undefined)
    .map(Number);

/** The delays, in seconds, the fraudCheck step asked for before each retry. */
function retryDelays(execution: TestResult<FraudCheckResult>): number[] {
  return execution
    .getHistoryEvents()
    .filter((event) => event.EventType === "StepFailed" && event.Name === "fraudCheck")
    .map((event) => event.StepFailedDetails?.RetryDetails?.NextAttemptDelaySeconds)
    .filter((delay): delay is number => delay !== undefined);
}

// The two blocks run one after the other (skipped time and real time cannot share the
// process); the tests inside each run at the same time, each with its own transaction id.
describe.concurrent("03 · retries and failure", () => {
  // Retry delays are skipped, so the tests run in well under a second.
  useLocalRuntime({ concurrent: true, replayCheck });
  useScorerFailuresById();
  // Full jitter picks each delay between 0 and the computed one; pinning Math.random just
  // below 1 makes every delay the computed one, so a test can read the configuration.
  useJitter(0.999);

  it("retries a flaky scorer and uses the score of the attempt that worked", async () => {
    const { id } = coffee;
    failScoring(id, 2);

    const result = resultOf(
      await runFraudCheck(handler, coffee),
      todo(1, "expected a scorer that fails twice to be retried until it answers"),
    );

    expect(
      outcomesFor(id),
      todo(1, "expected two failed attempts, then a third that scores (catch inside the step, and it never retries)"),
    ).toEqual(["unavailable", "unavailable", "scored"]);
    expect(result.body, todo(1, "expected the real score (1 for a coffee) once the scorer recovers")).toMatchObject({
      fraud_score: 1,
      result: "authorized",
    });
    expect(
      payments.decisionsFor(id).map((call) => call.action),
      todo(1, "expected one authorization"),
    ).toEqual(["authorize"]);
  });

  it("logs every attempt with its number, read from stepContext.attempt, in every execution", async () => {
    // Two executions in a row: a counter kept outside the step context carries on from the first.
    for (const id of [302, 303]) {
      failScoring(id, 2);
      await runFraudCheck(handler, { ...coffee, id });

      expect(
        attemptsLogged(id),
        todo(
          2,
          `expected execution ${id - 301} of 2 to log "attempt 1", "attempt 2" and "attempt 3" from its fraudCheck step: read stepContext.attempt, which the SDK keeps for each step of each execution. A counter of your own carries over into the next execution when it lives at the top of the file, and starts over at each invocation when it lives in the handler`,
        ),
      ).toEqual([1, 2, 3]);
    }
  });

  it("gives a scorer that stays down exactly three attempts, 1 s then 2 s apart", async () => {
    const id = 304;
    failScoring(id, DOWN_FOR_GOOD);

    const execution = await runFraudCheck(handler, { ...coffee, id });

    expect(
      outcomesFor(id),
      todo(1, "expected exactly 3 attempts (6 means the fraudCheck step still uses the SDK default: pass it { retryStrategy })"),
    ).toHaveLength(3);
    expect(
      retryDelays(execution),
      todo(1, "expected retries 1 s then 2 s after a failure (initialDelay 1 s, backoffRate 2; the default initialDelay is 5 s)"),
    ).toEqual([1, 2]);
  });

  it("fails safe when the scorer stays down: score 5, sent to the fraud department, logged", async () => {
    const id = 305;
    failScoring(id, DOWN_FOR_GOOD);

    const execution = await runFraudCheck(handler, { ...coffee, id });

    const result = resultOf(
      execution,
      todo(3, "expected the execution to succeed: catch the StepError around the fraudCheck step and use a score of 5"),
    );
    expect(result, todo(3, "expected the fail-safe score 5 and the fraud department")).toEqual({
      statusCode: 200,
      body: { transaction_id: id, amount: coffee.amount, fraud_score: 5, result: "SentToFraudDept" },
    });
    expect(operationNames(execution), todo(3, "expected the fail-safe to take the usual fraud-department step")).toContain(
      `sendToFraudDepartment-${id}`,
    );
    expect(
      payments.decisionsFor(id).map((call) => call.action),
      todo(3, "expected exactly one hand-off to the fraud department and no authorization"),
    ).toEqual(["sendToFraudDepartment"]);

    const errors = logsOf(id).filter((line) => line.level === "ERROR");
    expect(errors, todo(3, "expected the give-up to be logged once with context.logger.error, not swallowed")).toHaveLength(1);
    expect(
      errors[0],
      todo(3, "expected the caught error passed to context.logger.error: a StepError with the scorer's message"),
    ).toMatchObject({ errorType: "StepError", errorMessage: expect.stringContaining("risk service unavailable") });
  });

  it("fails bad input at once: a negative amount is neither scored nor sent anywhere", async () => {
    const id = 306;
    const execution = await runFraudCheck(handler, { ...coffee, id, amount: -20 });

    expect(
      execution.getStatus(),
      todo(3, "expected bad input to fail the execution: keep validateTransaction(event) out of the try/catch"),
    ).toBe("FAILED");
    expect(execution.getError().errorMessage, todo(3, 'expected the error to name the field "amount"')).toContain('"amount"');
    expect(outcomesFor(id), todo(3, "bad input is not a flaky scorer: expected no attempt at all")).toEqual([]);
    expect(
      payments.calls.filter((call) => call.transactionId === id),
      todo(3, "expected no payment call for bad input"),
    ).toEqual([]);
  });
});

describe("03 · retries on real time", () => {
  // Real time: here each retry delay really passes, and ends the invocation, as on AWS.
  useLocalRuntime({ skipTime: false, concurrent: true, replayCheck });
  useScorerFailuresById();
  // Math.random at 0 makes every delay the SDK's minimum, 1 s, whatever the strategy.
  useJitter(0);

  it("a scorer failing once costs an invocation of its own, and each attempt knows its number", async () => {
    const id = 311;
    // One retry is enough to see it: the delay ends the invocation, and the next one starts the handler over.
    failScoring(id, 1);

    const execution = await runFraudCheck(handler, { ...coffee, id });

    expect(
      attemptsLogged(id),
      todo(
        2,
        'expected "attempt 1" then "attempt 2": the retry starts a new invocation, which runs the handler from the top, so a counter declared in it starts over; stepContext.attempt does not',
      ),
    ).toEqual([1, 2]);
    // One invocation per attempt (the retry delay ends the first), one after the settlement window.
    expect(
      execution.getInvocations().length,
      todo(1, "expected 3 invocations: one per attempt, as a retry delay ends the invocation, and one after the settlement window"),
    ).toBe(3);
    expect(resultOf(execution, todo(1, "expected the execution to succeed")).body.fraud_score, todo(1, "expected the real score")).toBe(1);
  });
});
