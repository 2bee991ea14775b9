import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { riskScorerFunction } from "../../fraud/settings.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { durableLogs, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";
import { handler as scorer } from "./scorer.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = {
  guide,
  todos: { "riskScorer.score": 2, "payments.authorize": 2, "payments.suspendCard": 4, "payments.sendToFraudDepartment": 4 },
};
// One test at a time: the scorer's failures are set for whichever call comes next.
useLocalRuntime({ replayCheck });

const transaction = (id: number, amount: number) => ({ id, amount, location: "Lisbon, PT", vendor: "Laptop Outlet" });

/** Runs the fraud check with the scorer registered as the function it invokes. */
const check = (payload: unknown) => runFraudCheck<FraudCheckResult>(handler, payload, { functions: { [riskScorerFunction()]: scorer } });
/** Runs the scorer alone, as the execution an invoke starts. */
const score = (payload: unknown) =>
  runFraudCheck<number>(scorer, payload, { replay: { file: "scorer.ts", todos: { "riskScorer.score": 1 } } });

const named = (execution: TestResult<FraudCheckResult>, name: string): DurableOperation | undefined =>
  execution.getOperations().find((operation) => operation.getName() === name);

const scorings = (id: number) => riskScorer.calls.filter((call) => call.transactionId === id);

describe("13 · composing durable functions", () => {
  it("asks the risk scorer's own function for the score with context.invoke, named risk-score-<id>", async () => {
    const id = 1301;
    const execution = await check(transaction(id, 42));

    const result = resultOf(execution, todo(2, "expected the fraud check to succeed"));
    expect(
      named(execution, `risk-score-${id}`)?.getType(),
      todo(
        2,
        `expected a context.invoke named "risk-score-${id}" (a CHAINED_INVOKE operation): the scorer is a function of its own, ` +
          "whose execution retries and is checkpointed on its own; a step in this function would score here",
      ),
    ).toBe("CHAINED_INVOKE");
    expect(named(execution, "fraudCheck"), todo(2, "expected no scoring step in the fraud check itself")).toBeUndefined();
    expect(scorings(id).length, todo(2, "expected the scorer's execution to score the transaction once")).toBe(1);
    expect(result.body, todo(2, "expected the low score from the scorer, and an authorization")).toMatchObject({
      fraud_score: 1,
      result: "authorized",
    });
  });

  it("the scorer is a durable function that retries its own step: two failures, then the score", async () => {
    const id = 1302;
    riskScorer.failNextCalls(2);
    const execution = await score(transaction(id, 42));

    const result = resultOf(execution, todo(1, "expected the scorer's execution to succeed after two failures", "scorer.ts"));
    expect(
      execution.getOperations().map((operation) => operation.getName()),
      todo(1, 'expected the scoring in a step named "score"', "scorer.ts"),
    ).toEqual(["score"]);
    expect(
      scorings(id).map((call) => call.outcome),
      todo(1, "expected the step to retry with scorerRetries: two failures, then a score", "scorer.ts"),
    ).toEqual(["unavailable", "unavailable", "scored"]);
    expect(result, todo(1, "expected the real score, from the third attempt", "scorer.ts")).toBe(1);
  });

  it("when the scorer's execution fails for good, the fraud check treats the transaction as high risk and escalates it", async () => {
    const id = 1303;
    riskScorer.failNextCalls(10);
    const execution = await check(transaction(id, 42));

    const result = resultOf(
      execution,
      todo(3, "expected the fraud check to succeed when the scorer fails: catch what context.invoke throws (an InvokeError)"),
    );
    expect(result.body, todo(3, "expected the fail-safe score 5 and the fraud department")).toMatchObject({
      fraud_score: 5,
      result: "SentToFraudDept",
    });
    const errors = durableLogs.filter((line) => line.level === "ERROR");
    expect(errors, todo(3, "expected the scorer's failure logged once with context.logger.error, not swallowed")).toHaveLength(1);
    expect(errors[0], todo(3, "expected the caught InvokeError passed to context.logger.error")).toMatchObject({
      errorType: "InvokeError",
    });
  });

  it("blocks the card and hands it over as one child context named escalate-<id>", async () => {
    const id = 1304;
    const execution = await check(transaction(id, 25_000));

    resultOf(execution, todo(4, "expected the fraud check to succeed"));
    const group = named(execution, `escalate-${id}`);
    expect(
      group?.getType(),
      todo(
        4,
        `expected a context.runInChildContext named "escalate-${id}" around both steps: the history then shows them as one ` +
          "unit under that name, and once the group has completed a replay takes its result without running it again",
      ),
    ).toBe("CONTEXT");
    for (const step of [`suspend-${id}`, `sendToFraudDepartment-${id}`]) {
      expect(
        named(execution, step)?.getParentId(),
        todo(4, `expected the step "${step}" inside escalate-${id}: a step of the child context, not of the handler's context`),
      ).toBe(group?.getId());
    }
    expect(
      payments.calls.filter((call) => call.transactionId === id).map((call) => call.action),
      todo(4, "expected the card blocked first, then the hand-off, each once"),
    ).toEqual(["suspendCard", "sendToFraudDepartment"]);
  });

  it("bad input fails at once, naming the field, before anything is scored", async () => {
    const id = 1305;
    const execution = await check({ ...transaction(id, 42), vendor: 7 });

    expect(execution.getStatus(), "expected bad input to fail the execution: keep validateTransaction(event) first").toBe("FAILED");
    expect(execution.getError().errorMessage, 'expected the error to name "vendor"').toContain('"vendor"');
    expect(scorings(id), "expected no scoring for bad input").toEqual([]);
  });
});
