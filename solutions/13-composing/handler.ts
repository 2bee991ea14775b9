import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorerFunction } from "../../fraud/settings.ts";
import { type Transaction, validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  let score: number;
  try {
    // An execution of the scorer's own function: this one waits for its result without running.
    score = await context.invoke<Transaction, number>(`risk-score-${id}`, riskScorerFunction(), transaction);
  } catch (error) {
    // Fail safe: when the scorer's execution fails, let a human look rather than authorize blindly.
    context.logger.error(`The risk scorer failed for transaction ${id}; treating it as high risk`, error);
    score = 5;
  }

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
    return authorizedResult(transaction, score);
  }
  // Blocking the card and handing it over belong together: one named unit in the history.
  await context.runInChildContext(`escalate-${id}`, async (escalation) => {
    await escalation.step(`suspend-${id}`, () => payments.suspendCard(transaction));
    await escalation.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
  });
  return sentToFraudDeptResult(transaction, score);
});
