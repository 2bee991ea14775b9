import { withDurableExecution, type DurableContext, type WaitForConditionDecision } from "@aws/durable-execution-sdk-js";
import { cardNetwork, isResolved } from "../../fraud/card-network.ts";
import { type DisputeResult, type DisputeState, disputeResult } from "../../fraud/disputes.ts";
import { payments } from "../../fraud/payments.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

/** The network decides most disputes within a few days; after this many checks (about five days), people take over. */
export const MAX_CHECKS = 10;

/** Whether to check again, and when. */
export function followUp(state: DisputeState, attempt: number): WaitForConditionDecision {
  if (isResolved(state.status)) return { shouldContinue: false };
  // TODO 2: check again after a delay that doubles: an hour after the first check, then 2 h, 4 h...,
  // never more than a day (24 h). `attempt` counts the checks made, from 1.
  // TODO 3: the deadline: once the state says MAX_CHECKS checks were made, stop checking.
  return { shouldContinue: true, delay: { hours: 1 } };
}

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<DisputeResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  const disputeId = await context.step(`file-dispute-${id}`, () => cardNetwork.fileDispute(transaction));

  // TODO 1: follow the dispute with `context.waitForCondition` named `dispute-status-<id>`. Its
  // check function gets the state of the last check and returns the next one: the status that
  // cardNetwork.disputeStatus(state.disputeId) answers now, and one more check counted. Start
  // from { disputeId, status: "FILED", checks: 0 }, with followUp as the wait strategy.
  const final: DisputeState = { disputeId, status: "FILED", checks: 0 };
  context.logger.info(`Dispute ${disputeId}: ${final.status} after ${final.checks} check(s)`);

  if (final.status === "WON") {
    await context.step(`refund-${id}`, () => payments.refund(transaction));
    return disputeResult(transaction, final, "refunded");
  }
  if (final.status === "LOST") return disputeResult(transaction, final, "closed");
  await context.step(`escalate-${id}`, () => payments.sendToFraudDepartment(transaction));
  return disputeResult(transaction, final, "escalated");
});
