import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  const score = await context.step("fraudCheck", () => riskScorer.score(transaction));

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
  } else {
    await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
  }

  // Card networks settle in batches. This short pause stands in for the settlement window;
  // here it makes the runtime stop the function and replay it, so you can watch replay.
  await context.wait("settlement-window", { seconds: 1 });

  return score < 3 ? authorizedResult(transaction, score) : sentToFraudDeptResult(transaction, score);
});
