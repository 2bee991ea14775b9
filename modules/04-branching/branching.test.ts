import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { operationNames, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "payments.suspendCard": 1 } };
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

type Band = "low" | "medium" | "high";

const purchase = { location: "Lisbon", vendor: "Electronics Corner" };

/** The steps each band runs after fraudCheck, in order. */
const stepsFor = (band: Band, id: number): string[] =>
  ({
    low: [`authorize-${id}`],
    medium: [`suspend-${id}`, `sendToFraudDepartment-${id}`],
    high: [`sendToFraudDepartment-${id}`],
  })[band];

/** Runs one transaction and checks the path it took, the side effects and the result. */
async function expectBand(event: { id: number; amount: number; score?: number }, band: Band, score: number) {
  const execution = await runFraudCheck(handler, { ...purchase, ...event });
  const { id } = event;
  // TODO 1 decides which branch runs and starts the medium one; TODO 2 finishes it.
  const pathTodo = band === "medium" ? 2 : 1;

  expect(
    payments.callsFor("suspendCard", id),
    todo(
      1,
      band === "medium"
        ? `expected a score of ${score} to suspend the card once, in a step named suspend-${id}`
        : `expected a score of ${score} to leave the card alone: only 3 and 4 suspend it`,
    ),
  ).toHaveLength(band === "medium" ? 1 : 0);
  expect(operationNames(execution), todo(pathTodo, `expected a score of ${score} to run these steps, in this order`)).toEqual([
    "fraudCheck",
    ...stepsFor(band, id),
    "settlement-window",
  ]);
  expect(
    payments.decisionsFor(id).map((call) => call.action),
    todo(pathTodo, "expected exactly one authorize-or-escalate call for the transaction"),
  ).toEqual([band === "low" ? "authorize" : "sendToFraudDepartment"]);

  const result = resultOf(
    execution,
    todo(
      pathTodo,
      "expected the execution to succeed and to take the same branch when it replays: branch only on what comes back the same every time, such as the score the fraudCheck step returned",
    ),
  );
  expect(result.body, todo(pathTodo, `expected the result of the ${band}-risk branch`)).toMatchObject({
    transaction_id: id,
    fraud_score: score,
    result: band === "low" ? "authorized" : "SentToFraudDept",
  });
}

describe.concurrent("04 · branching on risk", () => {
  const byScore: { score: number; band: Band }[] = [
    { score: 1, band: "low" },
    { score: 2, band: "low" },
    { score: 3, band: "medium" },
    { score: 4, band: "medium" },
    { score: 5, band: "high" },
  ];
  for (const { score, band } of byScore) {
    it(`a score of ${score} in the event takes the ${band}-risk branch`, async () => {
      await expectBand({ id: 400 + score, amount: 250, score }, band, score);
    });
  }

  const byAmount: { id: number; amount: number; score: number; band: Band }[] = [
    { id: 410, amount: 999.99, score: 1, band: "low" },
    { id: 411, amount: 1_000, score: 2, band: "low" },
    { id: 412, amount: 4_999.99, score: 2, band: "low" },
    { id: 413, amount: 5_000, score: 3, band: "medium" },
    { id: 414, amount: 9_999.99, score: 3, band: "medium" },
    { id: 415, amount: 10_000, score: 5, band: "high" },
  ];
  for (const { id, amount, score, band } of byAmount) {
    it(`an amount of ${amount} is scored ${score} by the scorer and takes the ${band}-risk branch`, async () => {
      await expectBand({ id, amount }, band, score);
      const scorings = riskScorer.calls.filter((call) => call.transactionId === id);
      expect(scorings, guide.concept("expected the scorer to be asked once, inside the fraudCheck step")).toHaveLength(1);
    });
  }

  it("fails a score outside 0-5 before any branch: no step, no payment call", async () => {
    const execution = await runFraudCheck(handler, { ...purchase, id: 407, amount: 250, score: 7 });

    expect(
      execution.getStatus(),
      todo(1, "expected a score of 7 to fail the execution: keep validateTransaction(event) before the branches"),
    ).toBe("FAILED");
    expect(execution.getError().errorMessage, todo(1, 'expected the error to name the field "score"')).toContain('"score"');
    expect(operationNames(execution), todo(1, "expected no step at all for bad input")).toEqual([]);
    expect(
      payments.calls.filter((call) => call.transactionId === 407),
      todo(1, "expected no payment call for bad input"),
    ).toEqual([]);
  });
});
