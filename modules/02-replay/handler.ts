import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  // TODO 2: this line prints again on every replay. Log with `context.logger.info(...)`
  // instead: the durable logger knows when it is replaying and stays quiet.
  console.log(`Checking transaction ${id}`);

  const score = await context.step("fraudCheck", () => riskScorer.score(transaction));

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
  } else {
    // New: risky transactions go to the fraud department.
    // TODO 1: this call is outside any step, so it runs again on every replay and the fraud
    // department hears about the transaction twice. Run it in a step named `sendToFraudDepartment-${id}`.
    await payments.sendToFraudDepartment(transaction);
  }

  // Card networks settle in batches. This short pause stands in for the settlement window;
  // here it makes the runtime stop the function and replay it, so you can watch replay.
  await context.wait("settlement-window", { seconds: 1 });

  return score < 3 ? authorizedResult(transaction, score) : sentToFraudDeptResult(transaction, score);
});
