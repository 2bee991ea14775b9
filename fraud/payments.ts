/**
 * The payment system: a fake that records every call instead of moving money.
 *
 * Each call carries an idempotency key derived from the transaction id, as a real
 * payment API would demand. The fake records duplicates rather than hiding them, so a
 * test can prove that a workflow triggers exactly one side effect per transaction.
 */
import type { Transaction } from "./transaction.ts";

export type PaymentAction = "authorize" | "sendToFraudDepartment" | "suspendCard" | "refund" | "reactivateCard";

export interface PaymentCall {
  action: PaymentAction;
  transactionId: number;
  idempotencyKey: string;
  /** True when an earlier call already used the same idempotency key. */
  duplicate: boolean;
}

/** The fake payment system; every module uses its one instance, {@link payments}. */
export class PaymentSystem {
  readonly calls: PaymentCall[] = [];

  reset(): void {
    this.calls.length = 0;
  }

  /** Calls for one action, duplicates included. */
  callsFor(action: PaymentAction, transactionId?: number): PaymentCall[] {
    return this.calls.filter((call) => call.action === action && (transactionId === undefined || call.transactionId === transactionId));
  }

  /** Authorize-or-escalate calls for one transaction: a correct workflow makes exactly one. */
  decisionsFor(transactionId: number): PaymentCall[] {
    return this.calls.filter(
      (call) => call.transactionId === transactionId && call.action !== "suspendCard" && call.action !== "reactivateCard",
    );
  }

  private record(action: PaymentAction, transaction: Transaction): PaymentCall {
    const idempotencyKey = `${action}-${transaction.id}`;
    const duplicate = this.calls.some((call) => call.idempotencyKey === idempotencyKey);
    const call = { action, transactionId: transaction.id, idempotencyKey, duplicate };
    this.calls.push(call);
    return call;
  }

  /** Approves the charge. */
  async authorize(transaction: Transaction): Promise<PaymentCall> {
    return this.record("authorize", transaction);
  }

  /** Hands the transaction to the human fraud team and holds the charge. */
  async sendToFraudDepartment(transaction: Transaction): Promise<PaymentCall> {
    return this.record("sendToFraudDepartment", transaction);
  }

  /** Credits the amount back to the card holder (a dispute won, module 12). */
  async refund(transaction: Transaction): Promise<PaymentCall> {
    return this.record("refund", transaction);
  }

  /** Lifts a suspension: the card works again (module 14 undoes a block with it). */
  async reactivateCard(transaction: Transaction): Promise<PaymentCall> {
    return this.record("reactivateCard", transaction);
  }

  /** Blocks the card until the card holder confirms the transaction. */
  async suspendCard(transaction: Transaction): Promise<PaymentCall> {
    return this.record("suspendCard", transaction);
  }
}

/** The one payment system every module calls. */
export const payments = new PaymentSystem();
