import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { operationNames, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "riskScorer.score": 1, "payments.authorize": 2 } };
useLocalRuntime({ replayCheck });

const coffee = { id: 101, amount: 4.5, location: "Seattle", vendor: "Corner Coffee" };

describe("01 · your first durable step", () => {
  it("checkpoints the risk check in a step named fraudCheck", async () => {
    const execution = await runFraudCheck(handler, coffee);

    const names = operationNames(execution);
    expect(names, todo(1, 'expected a step named "fraudCheck" among the operations')).toContain("fraudCheck");
    const step = execution.getOperations().find((operation) => operation.getName() === "fraudCheck");
    expect(step?.getStepDetails()?.result, todo(1, "expected the fraudCheck step to return the score (1 for a coffee)")).toBe(1);
  });

  it("authorizes a low-risk transaction in a step named authorize-<id>", async () => {
    const execution = await runFraudCheck(handler, coffee);

    expect(operationNames(execution), todo(2, 'expected a step named "authorize-101" after fraudCheck')).toEqual([
      "fraudCheck",
      "authorize-101",
    ]);
    expect(payments.callsFor("authorize", 101), todo(2, "expected exactly one call to payments.authorize")).toHaveLength(1);
  });

  it("returns the authorized result with the score", async () => {
    const result = resultOf(await runFraudCheck(handler, coffee), "expected the execution to succeed");

    expect(result).toEqual({
      statusCode: 200,
      body: { transaction_id: 101, amount: 4.5, fraud_score: 1, result: "authorized" },
    });
    expect(riskScorer.calls, "expected the risk scorer to be asked once").toHaveLength(1);
  });

  it("uses the score carried by the event instead of asking the scorer", async () => {
    const result = resultOf(await runFraudCheck(handler, { ...coffee, score: 4 }), "expected the execution to succeed");

    expect(result.body.fraud_score).toBe(4);
    expect(payments.calls, "a risky transaction is not authorized").toHaveLength(0);
  });
});
