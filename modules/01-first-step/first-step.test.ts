import { describe, expect, it, vi } from "vitest";
import { payments } from "../../fraud/payments.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import type { Transaction } from "../../fraud/transaction.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { operationNames, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "riskScorer.score": 1, "payments.authorize": 2 } };
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

const coffee = { id: 101, amount: 4.5, location: "Seattle", vendor: "Corner Coffee" };

/** The risk scorer's calls for one transaction. */
const scoringsOf = (id: number) => riskScorer.calls.filter((call) => call.transactionId === id);

describe.concurrent("01 · your first durable step", () => {
  it("checkpoints the risk check in a step named fraudCheck", async () => {
    const execution = await runFraudCheck(handler, coffee);

    const names = operationNames(execution);
    expect(names, todo(1, 'expected a step named "fraudCheck" among the operations')).toContain("fraudCheck");
    const step = execution.getOperations().find((operation) => operation.getName() === "fraudCheck");
    expect(
      step?.getStepDetails()?.result,
      todo(1, "expected the fraudCheck step to return the score (1 for a coffee): a step's checkpoint is what it returns"),
    ).toBe(1);
  });

  it("authorizes a low-risk transaction in a step named authorize-<id>", async () => {
    const execution = await runFraudCheck(handler, { ...coffee, id: 102 });

    expect(operationNames(execution), todo(2, 'expected a step named "authorize-102" after fraudCheck')).toEqual([
      "fraudCheck",
      "authorize-102",
    ]);
    expect(payments.callsFor("authorize", 102), todo(2, "expected exactly one call to payments.authorize")).toHaveLength(1);
  });

  it("returns the authorized result with the score", async () => {
    const result = resultOf(await runFraudCheck(handler, { ...coffee, id: 103 }), todo(1, "expected the execution to succeed"));

    expect(result, todo(1, "expected the authorized result with the score from the fraudCheck step")).toEqual({
      statusCode: 200,
      body: { transaction_id: 103, amount: 4.5, fraud_score: 1, result: "authorized" },
    });
    expect(scoringsOf(103), todo(1, "expected the risk scorer to be asked once, inside the fraudCheck step")).toHaveLength(1);
  });

  it("uses the score carried by the event instead of asking the scorer", async () => {
    const result = resultOf(await runFraudCheck(handler, { ...coffee, id: 104, score: 4 }), todo(1, "expected the execution to succeed"));

    expect(result.body.fraud_score, todo(1, "expected the score of 4 carried by the event, returned by fraudCheck")).toBe(4);
    expect(
      payments.calls.filter((call) => call.transactionId === 104),
      todo(2, "expected no authorization for a score of 4"),
    ).toEqual([]);
  });

  it("does not report a transaction authorized when the payment system refuses it", async () => {
    const refused = 105;
    const authorize = payments.authorize.bind(payments);
    // The payment system refuses this one transaction (the other tests run at the same time).
    const spy = vi.spyOn(payments, "authorize").mockImplementation(async (transaction: Transaction) => {
      if (transaction.id === refused) throw new Error(`payment system refused transaction ${refused}`);
      return authorize(transaction);
    });
    try {
      const execution = await runFraudCheck(handler, { ...coffee, id: refused });

      expect(
        execution.getStatus(),
        todo(
          2,
          "expected a refused authorization to fail the execution: await the authorize step, so its failure reaches the handler before it returns",
        ),
      ).toBe("FAILED");
    } finally {
      spy.mockRestore();
    }
  });
});
