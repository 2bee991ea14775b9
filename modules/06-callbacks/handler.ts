import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { type CustomerAnswer } from "../../fraud/customer-answer.ts";
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

  if (score < 3) {
    await context.step(`authorize-${id}`, () => payments.authorize(transaction));
    return authorizedResult(transaction, score);
  }
  if (score >= 5) {
    await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
    return sentToFraudDeptResult(transaction, score);
  }

  // Medium risk: block the card first, so no further charge goes through while we look.
  await context.step(`suspend-${id}`, () => payments.suspendCard(transaction));

  // TODO 1: ask the card holder instead of holding the card. Replace the review hold below with a
  // callback named "SendVerificationEmail" (look up `context.waitForCallback`). Its submitter is
  // given the callback id, and must email it to the card holder with `notifications` (channel
  // "email"): the answer can only come back to that id. The callback resolves to the raw string
  // the card holder sent: keep it in `raw`. See Hints 1-3 in modules/06-callbacks/README.md.
  // TODO 2: give the callback a timeout, the time the card holder has to answer, so silence
  // cannot block the card forever: `verificationTimeoutSeconds()`, imported above, reads
  // VERIFICATION_TIMEOUT_SECONDS (a day by default). Read it here, in every execution.
  await context.wait(`review-hold-${id}`, { seconds: reviewHoldSeconds() });
  const raw: string | undefined = undefined;

  // TODO 3: read what the card holder sent: only {"approved": true} approves; anything else,
  // unreadable text included, is a "no". fraud/customer-answer.ts has a parser for this. The line
  // below is the FraudDetection sample's rule, where any answer at all, even {"approved": false},
  // counts as approval. See Hints 1-3 in the guide.
  const answer: CustomerAnswer = raw === undefined ? "declined" : "approved";

  // TODO 4: decide in a single step named `finalize-<id>`, which replaces the step below: an
  // approval authorizes the payment (TransactionApproved), anything else sends the transaction to
  // the fraud department (TransactionDeclined). Keep both outcomes, the payment call and the
  // result it returns, inside that one step, so a replay returns the recorded decision instead of
  // deciding again. The result builders take the verification result as a third argument.
  // See Hints 1-3 in the guide.
  context.logger.info(`Card holder's answer for transaction ${id}: ${answer}`);
  await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
  return sentToFraudDeptResult(transaction, score);
});
