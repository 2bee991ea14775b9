/**
 * The card network's disputes: a fake (module 12). The bank files a dispute for a transaction
 * the card holder did not make, and the network decides it days later. It has no callback:
 * the only way to learn the outcome is to ask for the dispute's status, again and again.
 *
 * Each status check answers the next status of the dispute's script (the last one repeats).
 * Like a real network, it refuses a dispute checked too often: more than `MAX_STATUS_CHECKS`.
 */
import type { Transaction } from "./transaction.ts";

export type DisputeStatus = "FILED" | "UNDER_REVIEW" | "WON" | "LOST";

/** A dispute the network has decided: it stays so. */
export const isResolved = (status: DisputeStatus): boolean => status === "WON" || status === "LOST";

/** How many status checks of one dispute the network answers before it refuses (rate limiting). */
export const MAX_STATUS_CHECKS = 30;

/** What the network answers when a dispute is not scripted: under review twice, then won. */
const DEFAULT_SCRIPT: DisputeStatus[] = ["UNDER_REVIEW", "UNDER_REVIEW", "WON"];

export class TooManyStatusChecksError extends Error {
  override readonly name = "TooManyStatusChecksError";
}

export interface DisputeCall {
  action: "fileDispute" | "disputeStatus";
  transactionId: number;
  /** What a status check answered. */
  status?: DisputeStatus;
}

/** The fake card network; module 12 uses its one instance, {@link cardNetwork}. */
export class CardNetwork {
  readonly calls: DisputeCall[] = [];
  private readonly scripts = new Map<number, DisputeStatus[]>();

  reset(): void {
    this.calls.length = 0;
    this.scripts.clear();
  }

  /** The statuses the checks of transaction `id`'s dispute answer, in order; the last one repeats. */
  script(id: number, statuses: DisputeStatus[]): void {
    this.scripts.set(id, statuses);
  }

  /** Calls for one transaction, in order. */
  callsFor(transactionId: number, action?: DisputeCall["action"]): DisputeCall[] {
    return this.calls.filter((call) => call.transactionId === transactionId && (action === undefined || call.action === action));
  }

  /** Files a dispute for a transaction; returns its id. Filing twice files two disputes. */
  async fileDispute(transaction: Transaction): Promise<string> {
    this.calls.push({ action: "fileDispute", transactionId: transaction.id });
    return `dispute-${transaction.id}`;
  }

  /** The dispute's status now. @throws TooManyStatusChecksError past {@link MAX_STATUS_CHECKS} checks. */
  async disputeStatus(disputeId: string): Promise<DisputeStatus> {
    const transactionId = Number(disputeId.replace(/^dispute-/, ""));
    const checks = this.callsFor(transactionId, "disputeStatus").length;
    if (checks >= MAX_STATUS_CHECKS) {
      throw new TooManyStatusChecksError(`The card network refuses: dispute ${disputeId} was checked ${checks} times.`);
    }
    const script = this.scripts.get(transactionId) ?? DEFAULT_SCRIPT;
    const status = script[Math.min(checks, script.length - 1)] as DisputeStatus;
    this.calls.push({ action: "disputeStatus", transactionId, status });
    return status;
  }
}

export const cardNetwork = new CardNetwork();
