/**
 * The end-of-day review (module 11): the day's flagged transactions as one batch, checked
 * before anything is reviewed, and the report the batch ends with.
 */
import type { Verdict } from "./review-desk.ts";
import { InvalidTransactionError, quoted, type Transaction, validateTransaction } from "./transaction.ts";

/** The event a batch review starts with. */
export interface ReviewBatch {
  /** The day the transactions were flagged, `YYYY-MM-DD`. */
  date: string;
  transactions: Transaction[];
}

/** The most transactions one batch takes: the whole batch result is one checkpoint (256 KB at most). */
export const MAX_BATCH_SIZE = 500;

/** What one review decided. */
export interface ReviewOutcome {
  id: number;
  verdict: Verdict;
}

export interface BatchReviewReport {
  date: string;
  /** Reviewed and released: the held charge was authorized. */
  legitimate: number[];
  /** Reviewed and blocked: the card was suspended. */
  fraudulent: number[];
  /** Their review failed: someone has to look at these by hand. */
  failed: number[];
  /** Not decided in this batch, because it stopped early: tomorrow's batch takes them again. */
  notDecided: number[];
  /** Why the map completed, as its BatchResult says. */
  completionReason: string;
}

/**
 * Checks an incoming event and returns it as a {@link ReviewBatch}: a date and a list of valid,
 * distinct transactions. The field named in an error is the path, `transactions[2].amount`.
 * @throws InvalidTransactionError naming the first field that is wrong.
 */
export function validateReviewBatch(event: unknown): ReviewBatch {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new InvalidTransactionError("event", `must be a JSON object with date and transactions, got ${quoted(event)}`);
  }
  const { date, transactions } = event as Record<string, unknown>;
  if (typeof date !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new InvalidTransactionError("date", `must be a day as YYYY-MM-DD, got ${quoted(date)}`);
  }
  if (!Array.isArray(transactions)) throw new InvalidTransactionError("transactions", `must be a list, got ${quoted(transactions)}`);
  if (transactions.length > MAX_BATCH_SIZE) {
    throw new InvalidTransactionError("transactions", `must hold at most ${MAX_BATCH_SIZE} transactions, got ${transactions.length}`);
  }
  const seen = new Set<number>();
  const checked = transactions.map((value: unknown, index) => {
    let transaction: Transaction;
    try {
      transaction = validateTransaction(value);
    } catch (error) {
      if (!(error instanceof InvalidTransactionError)) throw error;
      const field = `transactions[${index}]${error.field === "event" ? "" : `.${error.field}`}`;
      throw new InvalidTransactionError(field, error.problem);
    }
    if (seen.has(transaction.id)) throw new InvalidTransactionError(`transactions[${index}].id`, `repeats transaction ${transaction.id}`);
    seen.add(transaction.id);
    return transaction;
  });
  return { date, transactions: checked };
}

/** What the batch found, for the report. */
export interface BatchFindings {
  outcomes: ReviewOutcome[];
  /** The ids of the transactions whose review failed. */
  failed: number[];
  completionReason: string;
}

/** The report a batch review returns: every transaction of the batch in exactly one list. */
export function reviewReport(batch: ReviewBatch, { outcomes, failed, completionReason }: BatchFindings): BatchReviewReport {
  const decided = new Set([...outcomes.map((outcome) => outcome.id), ...failed]);
  const ids = (verdict: Verdict) => outcomes.filter((outcome) => outcome.verdict === verdict).map((outcome) => outcome.id);
  return {
    date: batch.date,
    legitimate: ids("legitimate"),
    fraudulent: ids("fraudulent"),
    failed,
    notDecided: batch.transactions.map((transaction) => transaction.id).filter((id) => !decided.has(id)),
    completionReason,
  };
}
