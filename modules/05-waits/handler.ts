import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { reviewHoldSeconds } from "../../fraud/settings.ts";
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
  } else if (score >= 5) {
    await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
    result = sentToFraudDeptResult(transaction, score);
  } else {
    // Medium risk: block the card first, so no further charge goes through while we look.
    await context.step(`suspend-${id}`, () => payments.suspendCard(transaction));
    // TODO 2: hold the suspended card for review before the fraud team takes it: a durable wait
    // named `review-hold-${id}`, with `await context.wait(name, duration)`.
    // TODO 3: take the hold's length from configuration, `{ seconds: reviewHoldSeconds() }`
    // (REVIEW_HOLD_SECONDS, one day by default), read here, each time an execution runs.
    // For now the fraud team decides; module 06 asks the card holder instead.
    await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
    result = sentToFraudDeptResult(transaction, score);
  }

  // TODO 1: remove this pause. It stood in for a settlement window so that module 02 could show
  // replay; the review hold replaces it, and every transaction would still wait a second for
  // nothing. Without it, each branch can return its result directly.
  await context.wait("settlement-window", { seconds: 1 });

  return result;
});
