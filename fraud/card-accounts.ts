/**
 * The bank's card accounts: a fake (module 14) where a suspicious amount can be frozen, and
 * unfrozen again. Every call takes an idempotency key: a call whose key the bank has seen is
 * answered as the first one was and changes nothing, the way real payment APIs make retries safe.
 *
 * A response can get lost (`loseNextResponse`): the bank applies the call, and the caller
 * sees an error, as when the network drops the answer. The caller's retry then repeats a call
 * that already happened.
 */
import type { Transaction } from "./transaction.ts";

export type AccountAction = "freeze" | "unfreeze";

export interface AccountCall {
  action: AccountAction;
  transactionId: number;
  idempotencyKey: string | undefined;
  /** False when the key was seen before: the bank changed nothing. */
  applied: boolean;
}

/** The bank applied the call, but its answer never arrived. */
export class ResponseLostError extends Error {
  override readonly name = "ResponseLostError";
}

/** The bank refuses the call for good (the account is closed, say). */
export class AccountRefusedError extends Error {
  override readonly name = "AccountRefusedError";
}

/** The fake card accounts; module 14 uses its one instance, {@link cardAccounts}. */
export class CardAccounts {
  readonly calls: AccountCall[] = [];
  private readonly lost = new Set<string>();
  private readonly refused = new Set<string>();

  reset(): void {
    this.calls.length = 0;
    this.lost.clear();
    this.refused.clear();
  }

  /** The next `action` for transaction `id` is applied, and its answer lost. */
  loseNextResponse(id: number, action: AccountAction): void {
    this.lost.add(`${action}-${id}`);
  }

  /** Every `action` for transaction `id` is refused. */
  refuse(id: number, action: AccountAction): void {
    this.refused.add(`${action}-${id}`);
  }

  /** How much of transaction `id`'s amount is frozen now: applied freezes minus applied unfreezes. */
  frozen(transaction: Transaction): number {
    const applied = (action: AccountAction) =>
      this.calls.filter((call) => call.transactionId === transaction.id && call.action === action && call.applied).length;
    return (applied("freeze") - applied("unfreeze")) * transaction.amount;
  }

  /** Freezes the transaction's amount on the account, so it cannot be spent again. */
  async freeze(transaction: Transaction, options: { idempotencyKey?: string } = {}): Promise<void> {
    this.call("freeze", transaction, options.idempotencyKey);
  }

  /** Releases a frozen amount. */
  async unfreeze(transaction: Transaction, options: { idempotencyKey?: string } = {}): Promise<void> {
    this.call("unfreeze", transaction, options.idempotencyKey);
  }

  private call(action: AccountAction, transaction: Transaction, idempotencyKey: string | undefined): void {
    const slot = `${action}-${transaction.id}`;
    if (this.refused.has(slot)) throw new AccountRefusedError(`The bank refuses to ${action} transaction ${transaction.id}.`);
    const seen = idempotencyKey !== undefined && this.calls.some((call) => call.idempotencyKey === idempotencyKey);
    this.calls.push({ action, transactionId: transaction.id, idempotencyKey, applied: !seen });
    if (this.lost.delete(slot)) throw new ResponseLostError(`The bank's answer to ${action} transaction ${transaction.id} was lost.`);
  }
}

export const cardAccounts = new CardAccounts();
