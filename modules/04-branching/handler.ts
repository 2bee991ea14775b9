import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// Three attempts, 1 s then 2 s apart (with jitter): enough for a blip, short enough for a card payment.
const scorerRetries = createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 1 }, backoffRate: 2 });

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  context.logger.info(`Checking transaction ${id}`);

  let score: number;
  try {
    score = await context.step(
      "fraudCheck",
      (stepContext) => {
        stepContext.logger.info(`Scoring transaction ${id}, attempt ${stepContext.attempt}`);
        return riskScorer.score(transaction);
      },
      { retryStrategy: scorerRetries },
    );
  } catch (error) {
    // Fail safe: when the scorer stays down, let a human look rather than authorize blindly.
    context.logger.error(`Risk scorer gave up on transaction ${id}; treating it as high risk`, error);
    score = 5;
  }

  let result: FraudCheckResult;
  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
    result = authorizedResult(transaction, score);
  } else {
    // TODO 1: this branch takes every score from 3 up, but only a 5 goes straight to the fraud
    // department. Make it `else if (score >= 5)`, and add a last `else` for medium risk (3 and 4)
    // that first suspends the card in a step named `suspend-${id}` (payments.suspendCard).
    // TODO 2: in the medium-risk branch, after the suspension, hand the transaction to the fraud
    // department in its own step named `sendToFraudDepartment-${id}`, and set the result.
    await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
    result = sentToFraudDeptResult(transaction, score);
  }

  // Card networks settle in batches. This short pause stands in for the settlement window;
  // here it makes the runtime stop the function and replay it, so you can watch replay.
  await context.wait("settlement-window", { seconds: 1 });

  return result;
});
