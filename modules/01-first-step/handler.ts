import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, _context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;

  // TODO 1: run the risk check as a durable step named "fraudCheck", so its result is
  // checkpointed. The guide's first hint shows the shape of a step.
  const score = await riskScorer.score(transaction);

  if (score < 3) {
    // TODO 2: authorize inside a durable step named `authorize-${id}`, so the payment system
    // is called once per transaction, however often this function runs.
    await payments.authorize(transaction);
    return authorizedResult(transaction, score);
  }

  // Risky transactions are only reported for now: module 02 hands them to the fraud department.
  return sentToFraudDeptResult(transaction, score);
});
