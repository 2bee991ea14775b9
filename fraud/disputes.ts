/**
 * Following a dispute (module 12): what the workflow keeps between two status checks, and the
 * result it ends with.
 */
import type { DisputeStatus } from "./card-network.ts";
import type { Transaction } from "./transaction.ts";

/** What the polling carries from one check to the next: checkpointed, so it survives every invocation. */
export interface DisputeState {
  disputeId: string;
  status: DisputeStatus;
  /** Status checks made so far. */
  checks: number;
}

/** Won: the money goes back to the card holder. Lost: the case is closed. Unresolved: people take over. */
export type DisputeOutcome = "refunded" | "closed" | "escalated";

export interface DisputeResult {
  transaction_id: number;
  disputeId: string;
  /** The last status the network gave. */
  status: DisputeStatus;
  checks: number;
  outcome: DisputeOutcome;
}

export const disputeResult = (transaction: Transaction, state: DisputeState, outcome: DisputeOutcome): DisputeResult => ({
  transaction_id: transaction.id,
  disputeId: state.disputeId,
  status: state.status,
  checks: state.checks,
  outcome,
});
