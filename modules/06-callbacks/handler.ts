import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer, type CustomerAnswer } from "../../fraud/customer-answer.ts";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { reviewHoldSeconds, verificationTimeoutSeconds } from "../../fraud/settings.ts";
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

  // TODO 1: ask the card holder instead of holding the card. Replace the review hold below with
  // `context.waitForCallback("SendVerificationEmail", submitter, options)`. The submitter gets the
  // callback id and must send it in the email:
  // `(callbackId) => notifications.sendVerification("email", transaction, callbackId)`.
  // waitForCallback resolves to the raw string the card holder sent: assign it to `raw`.
  // TODO 2: give the callback a timeout, the time the card holder has to answer:
  // `{ timeout: { seconds: verificationTimeoutSeconds() } }`, read here, once per execution.
  await context.wait(`review-hold-${id}`, { seconds: reviewHoldSeconds() });
  const raw: string | undefined = undefined;

  // TODO 3: read the answer with `parseCustomerAnswer(raw)`: only {"approved": true} approves.
  // The line below is the FraudDetection sample's rule, where any answer at all, even
  // {"approved": false}, counts as approval.
  const answer: CustomerAnswer = raw === undefined ? "declined" : "approved";

  // TODO 4: decide once, in a step named `finalize-${id}`: when `answer` is "approved", authorize
  // and return `authorizedResult(transaction, score, "TransactionApproved")`; otherwise send the
  // transaction to the fraud department and return
  // `sentToFraudDeptResult(transaction, score, "TransactionDeclined")`. It replaces the step below.
  context.logger.info(`Card holder's answer for transaction ${id}: ${answer}`);
  await context.step(`sendToFraudDepartment-${id}`, () => payments.sendToFraudDepartment(transaction));
  return sentToFraudDeptResult(transaction, score);
});
