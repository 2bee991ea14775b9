/**
 * Messages to the card holder: a fake that records what would be sent.
 *
 * A verification message carries the callback id the card holder's answer must be
 * sent to, exactly as a real email or SMS would carry a link with it.
 */
import type { Transaction } from "./transaction.ts";

export type Channel = "email" | "sms";

export interface VerificationMessage {
  channel: Channel;
  transactionId: number;
  callbackId: string;
  text: string;
}

/** The fake notification service; every module uses its one instance, {@link notifications}. */
export class Notifications {
  readonly sent: VerificationMessage[] = [];
  /** Receipts sent to the card holder once their transaction was decided (module 15). */
  readonly receipts: { transactionId: number; text: string }[] = [];

  reset(): void {
    this.sent.length = 0;
    this.receipts.length = 0;
  }

  /** Messages sent on one channel, oldest first. */
  sentOn(channel: Channel): VerificationMessage[] {
    return this.sent.filter((message) => message.channel === channel);
  }

  /** Asks the card holder to confirm the transaction; the answer goes to `callbackId`. */
  async sendVerification(channel: Channel, transaction: Transaction, callbackId: string): Promise<void> {
    const text =
      `Did you spend ${transaction.amount} at ${transaction.vendor} (${transaction.location})? ` +
      `Answer {"approved": true} or {"approved": false} to callback ${callbackId}.`;
    this.sent.push({ channel, transactionId: transaction.id, callbackId, text });
  }

  /** Tells the card holder how their transaction was decided. */
  async sendReceipt(transaction: Transaction, decision: string): Promise<void> {
    this.receipts.push({ transactionId: transaction.id, text: `Your ${transaction.amount} at ${transaction.vendor}: ${decision}.` });
  }
}

/** The one notification service every module calls. */
export const notifications = new Notifications();
