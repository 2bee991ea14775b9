import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// TODO 1: the risk scorer is a remote service that sometimes fails, and a card payment cannot
// wait long. Build a retry strategy for the fraudCheck step (look up `createRetryStrategy`):
// three attempts in all, the first retry about 1 s after a failure, each later pause twice as
// long; then hand it to that step through the step's options. Until you do, the step gets the
// SDK's default: 6 attempts, the first pause up to 5 s. See Hints 1-3 in modules/03-retries/README.md.

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  // TODO 3: when every attempt has failed, awaiting the step throws a StepError and the whole
  // execution fails. Fail safe instead: catch that error around this step, and only this step
  // (bad input must still fail), log it at error level with the durable logger, passing the
  // error itself, and carry on as high risk (score 5) so that a human looks at the transaction.
  // See Hints 1-3 in modules/03-retries/README.md.
  const score = await context.step("fraudCheck", (_stepContext) => {
    // TODO 2: log which attempt this is, so the logs show the retries. The function a step runs
    // receives a step context, with its own logger and an attempt counter (1 on the first try);
    // the tests look for a message that ends in "attempt <number>". See Hints 1-3 in the guide.
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
