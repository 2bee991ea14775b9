import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;

  const score = await context.step("fraudCheck", () => riskScorer.score(transaction));

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
    return authorizedResult(transaction, score);
  }

  // Risky transactions are only reported for now: module 02 hands them to the fraud department.
  return sentToFraudDeptResult(transaction, score);
});
