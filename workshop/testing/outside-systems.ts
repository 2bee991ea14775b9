/**
 * The outside systems the workflows call (the fakes of fraud/), in one list: the replay check
 * reads what each was asked to do, and every module test file resets them all. A new fake is
 * added here, and nowhere else.
 */
import { cardAccounts } from "../../fraud/card-accounts.ts";
import { cardNetwork } from "../../fraud/card-network.ts";
import { fraudDepartment } from "../../fraud/fraud-department.ts";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { reviewDesk } from "../../fraud/review-desk.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";

/** A call to an outside system, as a learner names it in code. */
export type SideEffect =
  | "riskScorer.score"
  | `payments.${(typeof payments.calls)[number]["action"]}`
  | `notifications.sendVerification (${(typeof notifications.sent)[number]["channel"]})`
  | "notifications.sendReceipt"
  | "reviewDesk.review"
  | `cardNetwork.${(typeof cardNetwork.calls)[number]["action"]}`
  | `cardAccounts.${(typeof cardAccounts.calls)[number]["action"]}`
  | `fraudDepartment.${(typeof fraudDepartment.calls)[number]["action"]}`;

export interface SideEffectCall {
  effect: SideEffect;
  transactionId: number;
}

interface OutsideSystem {
  /** Every call since the last reset, oldest first: the list only grows until then. */
  calls(): SideEffectCall[];
  reset(): void;
}

const outsideSystems: OutsideSystem[] = [
  {
    calls: () => riskScorer.calls.map(({ transactionId }) => ({ effect: "riskScorer.score", transactionId })),
    reset: () => riskScorer.reset(),
  },
  {
    calls: () => payments.calls.map(({ action, transactionId }) => ({ effect: `payments.${action}`, transactionId })),
    reset: () => payments.reset(),
  },
  {
    calls: () =>
      notifications.sent.map(({ channel, transactionId }) => ({ effect: `notifications.sendVerification (${channel})`, transactionId })),
    reset: () => notifications.reset(),
  },
  {
    calls: () => notifications.receipts.map(({ transactionId }) => ({ effect: "notifications.sendReceipt", transactionId })),
    reset: () => notifications.reset(),
  },
  {
    calls: () => reviewDesk.calls.map(({ transactionId }) => ({ effect: "reviewDesk.review", transactionId })),
    reset: () => reviewDesk.reset(),
  },
  {
    calls: () => cardNetwork.calls.map(({ action, transactionId }) => ({ effect: `cardNetwork.${action}`, transactionId })),
    reset: () => cardNetwork.reset(),
  },
  {
    calls: () => cardAccounts.calls.map(({ action, transactionId }) => ({ effect: `cardAccounts.${action}`, transactionId })),
    reset: () => cardAccounts.reset(),
  },
  {
    calls: () => fraudDepartment.calls.map(({ action, transactionId }) => ({ effect: `fraudDepartment.${action}`, transactionId })),
    reset: () => fraudDepartment.reset(),
  },
];

/** Clears every fake's record (and its scripted failures). */
export function resetOutsideSystems(): void {
  for (const system of outsideSystems) system.reset();
}

/** Where each system's record stands now; `callsSince` reads what came after. */
export const callCounts = (): number[] => outsideSystems.map((system) => system.calls().length);

/** The calls made to any outside system since `before` (from `callCounts`). */
export const callsSince = (before: number[]): SideEffectCall[] =>
  outsideSystems.flatMap((system, index) => system.calls().slice(before[index] ?? 0));
