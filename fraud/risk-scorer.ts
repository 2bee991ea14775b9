/**
 * The risk scorer: a deterministic stand-in for a remote fraud-scoring service.
 *
 * It can be told to fail its next calls, the way a real remote service times out
 * or throttles, so that retries (module 03) have something to retry.
 */
import type { Transaction } from "./transaction.ts";

/** 1 and 2 are low risk, 3 and 4 need the card holder, 5 goes to the fraud department. */
export type RiskScore = 1 | 2 | 3 | 4 | 5;

/** The score bands by amount, used when the event carries no score of its own. */
export function scoreByAmount(amount: number): RiskScore {
  if (amount < 1_000) return 1;
  if (amount < 5_000) return 2;
  if (amount < 10_000) return 3;
  return 5;
}

/** What the remote scorer throws while it is "down". */
export class RiskServiceUnavailableError extends Error {
  override readonly name = "RiskServiceUnavailableError";
}

/** A record of every call, so tests can count how often the "remote" service was hit. */
export interface RiskScorerCall {
  transactionId: number;
  outcome: "scored" | "unavailable";
}

/** The fake risk scorer; every module uses its one instance, {@link riskScorer}. */
export class RiskScorer {
  readonly calls: RiskScorerCall[] = [];
  private failuresLeft = 0;

  /** Makes the next `count` calls throw {@link RiskServiceUnavailableError}. */
  failNextCalls(count: number): void {
    this.failuresLeft = count;
  }

  /** Forgets every call and injected failure (tests call it before each run). */
  reset(): void {
    this.calls.length = 0;
    this.failuresLeft = 0;
  }

  /** Scores a transaction: its own `score` when it has one, otherwise by amount. */
  async score(transaction: Transaction): Promise<RiskScore> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      this.calls.push({ transactionId: transaction.id, outcome: "unavailable" });
      throw new RiskServiceUnavailableError(`risk service unavailable while scoring transaction ${transaction.id}`);
    }
    this.calls.push({ transactionId: transaction.id, outcome: "scored" });
    return (transaction.score as RiskScore | undefined) ?? scoreByAmount(transaction.amount);
  }
}

/** The one risk scorer every module calls. */
export const riskScorer = new RiskScorer();
