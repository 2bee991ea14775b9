/**
 * Blocking a card for the fraud department (module 14): the result of the block, whether the
 * case was handed off or everything done was undone.
 */
import type { Transaction } from "./transaction.ts";

export interface CardBlockResult {
  transaction_id: number;
  outcome: "handed-off" | "rolled-back";
  /** The undo steps that ran, in the order they ran. */
  undone: string[];
  /** Why it was rolled back. */
  error?: string;
}

export const handedOff = (transaction: Transaction): CardBlockResult => ({
  transaction_id: transaction.id,
  outcome: "handed-off",
  undone: [],
});

export const rolledBack = (transaction: Transaction, undone: string[], error: unknown): CardBlockResult => ({
  transaction_id: transaction.id,
  outcome: "rolled-back",
  undone,
  error: error instanceof Error ? error.message : String(error),
});
