/**
 * The fraud department's case system: a fake (module 14). A case is opened for a blocked card,
 * then handed off to an investigator, with the id of the callback the investigator answers to
 * accept or refuse it; a case opened by mistake is closed again. The hand-off can be down
 * (`goDown`), and stays down for that transaction.
 */
import type { Transaction } from "./transaction.ts";

export type CaseAction = "openCase" | "handOff" | "closeCase";

export interface CaseCall {
  action: CaseAction;
  transactionId: number;
  outcome: "ok" | "down";
  /** A hand-off's callback id: where the investigator's answer goes. */
  callbackId?: string;
}

/** The hand-off service is down. */
export class HandOffUnavailableError extends Error {
  override readonly name = "HandOffUnavailableError";
}

/** The fake case system; module 14 uses its one instance, {@link fraudDepartment}. */
export class FraudDepartment {
  readonly calls: CaseCall[] = [];
  private readonly down = new Set<number>();

  reset(): void {
    this.calls.length = 0;
    this.down.clear();
  }

  /** Every hand-off of transaction `id`'s case fails. */
  goDown(id: number): void {
    this.down.add(id);
  }

  /** Calls for one transaction, in order. */
  callsFor(transactionId: number): CaseCall[] {
    return this.calls.filter((call) => call.transactionId === transactionId);
  }

  /** Opens a case for the transaction; returns its id. */
  async openCase(transaction: Transaction): Promise<string> {
    this.calls.push({ action: "openCase", transactionId: transaction.id, outcome: "ok" });
    return `case-${transaction.id}`;
  }

  /**
   * Hands a case to an investigator, who answers `callbackId` to accept or refuse it.
   * @throws HandOffUnavailableError while the service is down for it.
   */
  async handOff(caseId: string, callbackId?: string): Promise<void> {
    const transactionId = Number(caseId.replace(/^case-/, ""));
    const down = this.down.has(transactionId);
    this.calls.push({ action: "handOff", transactionId, outcome: down ? "down" : "ok", callbackId });
    if (down) throw new HandOffUnavailableError(`The hand-off service is down: case ${caseId} was not handed off.`);
  }

  /** Closes a case that should not have been opened. */
  async closeCase(caseId: string): Promise<void> {
    this.calls.push({ action: "closeCase", transactionId: Number(caseId.replace(/^case-/, "")), outcome: "ok" });
  }
}

export const fraudDepartment = new FraudDepartment();
