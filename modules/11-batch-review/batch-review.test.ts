import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import type { BatchReviewReport } from "../../fraud/review-batch.ts";
import { REVIEW_DESK_CAPACITY, reviewDesk } from "../../fraud/review-desk.ts";
import type { Transaction } from "../../fraud/transaction.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { forgotAwait, leftOpen } from "../../workshop/testing/hints.ts";
import { resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "reviewDesk.review": 1, "payments.authorize": 1, "payments.suspendCard": 1 } };
// One test at a time: the desk's count of reviews in progress is for the whole process.
useLocalRuntime({ replayCheck });

const MAP = "review-flagged";

/** A day's flagged transactions, ids from `first`: every third one 12,000 (fraudulent), the others 2,500. */
function flaggedDay(first: number, count: number): { date: string; transactions: Transaction[] } {
  const transactions = Array.from({ length: count }, (_, index) => ({
    id: first + index,
    amount: index % 3 === 2 ? 12_000 : 2_500,
    location: "Lisbon, PT",
    vendor: `Vendor ${index + 1}`,
  }));
  return { date: "2026-11-27", transactions };
}

const ids = (transactions: Transaction[]) => transactions.map((transaction) => transaction.id);
const verdictOf = (transaction: Transaction) => (transaction.amount >= 10_000 ? "fraudulent" : "legitimate");

/** Runs the batch and returns its report, after checking that the map was awaited (TODO 1). */
async function review(
  day: ReturnType<typeof flaggedDay>,
): Promise<{ execution: TestResult<BatchReviewReport>; report: BatchReviewReport }> {
  const execution = await runFraudCheck<BatchReviewReport>(handler, day);
  const report = resultOf(execution, todo(1, "expected the batch review to succeed"));
  items(execution); // a map, not something else of that name
  const notAwaited = todo(1, `expected the report to wait for the map "${MAP}": ${forgotAwait("context.map(...)")}`);
  expect(leftOpen(execution, MAP), notAwaited).toBe(false);
  return { execution, report };
}

/** Why the map completed, as its checkpointed BatchResult says (not as the report says). */
function mapCompletion(execution: TestResult<BatchReviewReport>): string | undefined {
  const map = execution.getOperations().find((operation) => operation.getName() === MAP && operation.getSubType() === "Map");
  return (map?.getContextDetails()?.result as { completionReason?: string } | undefined)?.completionReason;
}

/** The map's items, in the order the map started them. */
function items(execution: TestResult<BatchReviewReport>) {
  const operations = execution.getOperations();
  const map = operations.find((operation) => operation.getName() === MAP && operation.getSubType() === "Map");
  const sideBySide = operations.some((operation) => operation.getName()?.startsWith("review-") && operation.getParentId() === undefined);
  const why = sideBySide
    ? `expected the reviews as items of a context.map named "${MAP}", not steps side by side (Promise.all, or ` +
      "context.promise.all or allSettled?): those combine promises that are already running, so every review starts at " +
      "once, however many, and they have no failure tolerance of their own; a map bounds how many run, tolerates " +
      "failures by policy, and checkpoints one BatchResult that says how each item ended"
    : `expected a context.map named "${MAP}" (no map of that name ran)`;
  expect(map, todo(1, why)).toBeDefined();
  return operations.filter((operation) => operation.getParentId() === map?.getId());
}

describe("11 · batch review with map", () => {
  it("reviews every flagged transaction as one item of the map review-flagged, named tx-<id>", async () => {
    const day = flaggedDay(1101, 6);
    const { execution, report } = await review(day);

    const names = items(execution).map((item) => item.getName());
    expect(names, todo(1, "expected one item per transaction, each named tx-<id> by the map's itemNamer")).toEqual(
      day.transactions.map((transaction) => `tx-${transaction.id}`),
    );
    for (const transaction of day.transactions) {
      expect(
        reviewDesk.callsFor(transaction.id).length,
        todo(1, `expected transaction ${transaction.id} reviewed exactly once, by reviewOne in its own item`),
      ).toBe(1);
    }
    const decided = (verdict: string) => ids(day.transactions.filter((transaction) => verdictOf(transaction) === verdict));
    expect(report, todo(4, "expected the report to list each verdict of succeeded() by transaction id")).toMatchObject({
      legitimate: decided("legitimate"),
      fraudulent: decided("fraudulent"),
      failed: [],
      notDecided: [],
      completionReason: "ALL_COMPLETED",
    });
  });

  it("gives the review desk five cases at a time, never more", async () => {
    await review(flaggedDay(1121, 12));
    expect(
      reviewDesk.maxInFlight,
      todo(
        2,
        `expected at most REVIEW_DESK_CAPACITY (${REVIEW_DESK_CAPACITY}) reviews in progress at once, and the desk kept that busy: ` +
          "the map's maxConcurrency. Without it a map starts every item at once, however long the batch",
      ),
    ).toBe(REVIEW_DESK_CAPACITY);
  });

  it("one missing case file in ten stops nothing: the nine others are decided, the failure reported by its id", async () => {
    const day = flaggedDay(1141, 10);
    const lost = day.transactions[1]!.id;
    reviewDesk.loseCaseFile(lost);
    const { execution, report } = await review(day);

    expect(
      mapCompletion(execution),
      todo(
        3,
        "expected the map to complete with ALL_COMPLETED: one failure in ten is within a tolerance of 20 %. Without a " +
          "completion config the first failed item ends the map (FAILURE_TOLERANCE_EXCEEDED) and the items not yet " +
          "started never run; toleratedFailurePercentage is a percentage, 20, not 0.2",
      ),
    ).toBe("ALL_COMPLETED");
    expect(items(execution).length, todo(3, "expected an item for every transaction: the failure must not stop the batch")).toBe(10);
    expect(payments.decisionsFor(lost), todo(3, "expected no payment decision for the transaction whose review failed")).toEqual([]);
    expect(
      report.failed,
      todo(4, `expected failed to name transaction ${lost}: map an item of failed() to batch.transactions[item.index].id, not its index`),
    ).toEqual([lost]);
    const others = day.transactions.filter((transaction) => transaction.id !== lost);
    expect(
      [...report.legitimate, ...report.fraudulent].sort(),
      todo(4, "expected the nine other transactions decided, from the results of succeeded()"),
    ).toEqual(ids(others).sort());
    expect(report, todo(4, "expected nothing left undecided, and the BatchResult's completionReason")).toMatchObject({
      notDecided: [],
      completionReason: "ALL_COMPLETED",
    });
  });

  it("three failures in ten (30 %) stop the batch: the report names what it did not decide, for tomorrow", async () => {
    const day = flaggedDay(1161, 10);
    const lost = ids(day.transactions.slice(0, 3));
    for (const id of lost) reviewDesk.loseCaseFile(id);
    const { execution, report } = await review(day);

    expect(
      mapCompletion(execution),
      todo(3, "expected the map to stop with FAILURE_TOLERANCE_EXCEEDED: three failures in ten are more than the 20 % tolerated"),
    ).toBe("FAILURE_TOLERANCE_EXCEEDED");
    expect(report.failed, todo(4, "expected the three failed transactions, by id, from failed()")).toEqual(lost);
    expect(report.completionReason, todo(4, "expected the report to pass on the BatchResult's completionReason")).toBe(
      "FAILURE_TOLERANCE_EXCEEDED",
    );
    expect(
      report.notDecided.length,
      todo(4, "expected some transactions reported as not decided: a map that stops starts no more items"),
    ).toBeGreaterThan(0);
    const listed = [...report.legitimate, ...report.fraudulent, ...report.failed, ...report.notDecided].sort();
    expect(listed, todo(4, "expected every transaction of the batch in exactly one list of the report")).toEqual(
      ids(day.transactions).sort(),
    );
  });

  it("bad input fails the whole batch at once, naming the field, before any review", async () => {
    const day = flaggedDay(1181, 4);
    const bad = {
      ...day,
      transactions: day.transactions.map((transaction, index) => (index === 2 ? { ...transaction, amount: -5 } : transaction)),
    };
    const execution = await runFraudCheck<BatchReviewReport>(handler, bad);

    expect(execution.getStatus(), "expected a bad transaction to fail the execution: keep validateReviewBatch(event) first").toBe("FAILED");
    expect(execution.getError().errorMessage, 'expected the error to name "transactions[2].amount"').toContain('"transactions[2].amount"');
    expect(reviewDesk.calls, "expected no review for a batch that is not valid").toEqual([]);
    expect(payments.calls, "expected no payment call for a batch that is not valid").toEqual([]);
  });
});
