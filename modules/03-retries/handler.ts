import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// TODO 1: the risk scorer is a remote service that sometimes fails. Give its step three attempts,
// the first retry after 1 s and each later one twice as long:
//   const scorerRetries = createRetryStrategy({ maxAttempts: ..., initialDelay: ..., backoffRate: ... });
// then pass `{ retryStrategy: scorerRetries }` to the fraudCheck step below.
// Until you do, the step gets the SDK's default: 6 attempts, starting 5 s apart.

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  // TODO 3: when every attempt has failed, the step throws a StepError and the execution fails.
  // Fail safe instead: catch it, log it with `context.logger.error(message, error)` and carry on
  // with a score of 5, so a human looks at the transaction. Only the step goes inside the `try`.
  const score = await context.step("fraudCheck", (stepContext) => {
    // TODO 2: log which attempt this is, read from `stepContext.attempt` (1 on the first try):
    // `stepContext.logger.info(...)` with a message that ends in `attempt ${stepContext.attempt}`.
    return riskScorer.score(transaction);
  });

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
