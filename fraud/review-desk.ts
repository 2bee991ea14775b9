/**
 * The fraud team's review desk: a fake that decides flagged transactions at the end of the day
 * (module 11), one case file at a time.
 *
 * A review takes a moment (a few turns of the event loop), so reviews started together are in
 * progress together: `maxInFlight` shows how many the desk was given at once. A case file can
 * go missing (`loseCaseFile`), and no retry brings it back; a busy desk is worth retrying.
 */
import type { Transaction } from "./transaction.ts";

/** The desk's answer: release the held charge, or block the card. */
export type Verdict = "legitimate" | "fraudulent";

/** How many cases the desk takes at a time; more at once and reviews queue up or time out. */
export const REVIEW_DESK_CAPACITY = 5;

/** The review cannot be done: the transaction's case file is missing. Retrying does not help. */
export class CaseFileMissingError extends Error {
  override readonly name = "CaseFileMissingError";
}

/** The desk is busy; a later attempt usually goes through. */
export class ReviewDeskBusyError extends Error {
  override readonly name = "ReviewDeskBusyError";
}

export interface ReviewCall {
  transactionId: number;
  outcome: Verdict | "case file missing";
}

/** The fake review desk; module 11 uses its one instance, {@link reviewDesk}. */
export class ReviewDesk {
  readonly calls: ReviewCall[] = [];
  /** The most reviews that were in progress at the same moment since the last reset. */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly missing = new Set<number>();

  reset(): void {
    this.calls.length = 0;
    this.maxInFlight = 0;
    this.inFlight = 0;
    this.missing.clear();
  }

  /** Makes every review of transaction `id` fail with {@link CaseFileMissingError}. */
  loseCaseFile(id: number): void {
    this.missing.add(id);
  }

  /** Reviews for one transaction, failed ones included. */
  callsFor(transactionId: number): ReviewCall[] {
    return this.calls.filter((call) => call.transactionId === transactionId);
  }

  /** Reviews a flagged transaction: 10,000 or more is fraudulent, anything less legitimate. */
  async review(transaction: Transaction): Promise<Verdict> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      for (let turn = 0; turn < 3; turn++) await Promise.resolve();
      if (this.missing.has(transaction.id)) {
        this.calls.push({ transactionId: transaction.id, outcome: "case file missing" });
        throw new CaseFileMissingError(`The case file of transaction ${transaction.id} is missing.`);
      }
      const verdict: Verdict = transaction.amount >= 10_000 ? "fraudulent" : "legitimate";
      this.calls.push({ transactionId: transaction.id, outcome: verdict });
      return verdict;
    } finally {
      this.inFlight -= 1;
    }
  }
}

export const reviewDesk = new ReviewDesk();
