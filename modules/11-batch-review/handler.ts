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

  // TODO 1: review every transaction of the batch as one durable batch: `context.map` named
  // "review-flagged" over batch.transactions, each item running reviewOne with the item's own
  // context. Name each item `tx-<id>` (the `itemNamer` option), so the history reads by transaction.
  // TODO 2: the desk takes REVIEW_DESK_CAPACITY cases at a time: set the map's `maxConcurrency`.
  // TODO 3: a failed review must not stop the others, up to one in five (20 %) of the batch:
  // a `completionConfig` that tolerates that share of failures.
  const outcomes: ReviewOutcome[] = [];

  // TODO 4: report what the map's BatchResult says: the outcomes of succeeded(), the ids of the
  // transactions whose item failed() (an item has the `index` of its transaction in the list),
  // and the result's completionReason.
  return reviewReport(batch, { outcomes, failed: [], completionReason: "ALL_COMPLETED" });
});
