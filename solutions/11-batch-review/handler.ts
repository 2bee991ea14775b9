import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { type BatchReviewReport, type ReviewOutcome, reviewReport, validateReviewBatch } from "../../fraud/review-batch.ts";
import { REVIEW_DESK_CAPACITY, ReviewDeskBusyError, reviewDesk } from "../../fraud/review-desk.ts";
import type { Transaction } from "../../fraud/transaction.ts";

// A busy desk is worth another try; a missing case file is not, so that review fails at once.
const reviewRetries = createRetryStrategy({ maxAttempts: 3, retryableErrorTypes: [ReviewDeskBusyError] });

/** One flagged transaction, as one item of the batch: the desk's verdict, then what it means for the card. */
async function reviewOne(item: DurableContext, transaction: Transaction): Promise<ReviewOutcome> {
  const { id } = transaction;
  const verdict = await item.step(`review-${id}`, () => reviewDesk.review(transaction), { retryStrategy: reviewRetries });
  if (verdict === "legitimate") await item.step(`release-${id}`, () => payments.authorize(transaction));
  else await item.step(`block-${id}`, () => payments.suspendCard(transaction));
  return { id, verdict };
}

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<BatchReviewReport> => {
  const batch = validateReviewBatch(event);
  context.logger.info(`Reviewing the ${batch.transactions.length} transactions flagged on ${batch.date}`);

  const reviews = await context.map("review-flagged", batch.transactions, (item, transaction) => reviewOne(item, transaction), {
    itemNamer: (transaction) => `tx-${transaction.id}`,
    // The desk takes so many cases at a time; the map starts the next review as one ends.
    maxConcurrency: REVIEW_DESK_CAPACITY,
    // A few failed reviews go to a person; more than one in five means something is wrong: stop.
    completionConfig: { toleratedFailurePercentage: 20 },
  });

  return reviewReport(batch, {
    outcomes: reviews.succeeded().map((item) => item.result),
    // An item's index is its position in the list the map was given.
    failed: reviews.failed().map((item) => batch.transactions[item.index]!.id),
    completionReason: reviews.completionReason,
  });
});
