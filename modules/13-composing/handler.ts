import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { riskScorerFunction } from "../../fraud/settings.ts";
import { type Transaction, validateTransaction } from "../../fraud/transaction.ts";

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  // TODO 2: the scorer is a durable function of its own now (scorer.ts). Ask it for the score with
  // `context.invoke<Transaction, number>`, named `risk-score-<id>`, calling riskScorerFunction()
  // with the transaction as its input, instead of scoring in a step of this function.
  // TODO 3: when the scorer's execution fails, invoke throws: catch it, log it with
  // context.logger.error, and treat the transaction as high risk (score 5), as module 03 did.
  const score = await context.step("fraudCheck", () => riskScorer.score(transaction));

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
    return authorizedResult(transaction, score);
  }
  // TODO 4: blocking the card and handing it over belong together: run these two steps inside
  // `context.runInChildContext` named `escalate-<id>`, each a step of the child context it gives you.
  await context.step(`suspend-${id}`, () => payments.suspendCard(transaction));
  await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
  return sentToFraudDeptResult(transaction, score);
});
