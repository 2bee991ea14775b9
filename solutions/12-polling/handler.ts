import { withDurableExecution, type DurableContext, type WaitForConditionDecision } from "@aws/durable-execution-sdk-js";
import { cardNetwork, isResolved } from "../../fraud/card-network.ts";
import { type DisputeResult, type DisputeState, disputeResult } from "../../fraud/disputes.ts";
import { payments } from "../../fraud/payments.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

/** The network decides most disputes within a few days; after this many checks (about five days), people take over. */
export const MAX_CHECKS = 10;

/** Whether to check again, and when: an hour after the first check, then twice as long each time, never more than a day. */
export function followUp(state: DisputeState, attempt: number): WaitForConditionDecision {
  if (isResolved(state.status) || state.checks >= MAX_CHECKS) return { shouldContinue: false };
  return { shouldContinue: true, delay: { hours: Math.min(2 ** (attempt - 1), 24) } };
}

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<DisputeResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  const disputeId = await context.step(`file-dispute-${id}`, () => cardNetwork.fileDispute(transaction));

  // Each check's state is checkpointed, and each wait between checks ends the invocation.
  const final = await context.waitForCondition(
    `dispute-status-${id}`,
    async (state: DisputeState) => ({ ...state, status: await cardNetwork.disputeStatus(state.disputeId), checks: state.checks + 1 }),
    { initialState: { disputeId, status: "FILED", checks: 0 }, waitStrategy: followUp },
  );
  context.logger.info(`Dispute ${disputeId}: ${final.status} after ${final.checks} check(s)`);

  if (final.status === "WON") {
    await context.step(`refund-${id}`, () => payments.refund(transaction));
    return disputeResult(transaction, final, "refunded");
  }
  if (final.status === "LOST") return disputeResult(transaction, final, "closed");
  await context.step(`escalate-${id}`, () => payments.sendToFraudDepartment(transaction));
  return disputeResult(transaction, final, "escalated");
});
