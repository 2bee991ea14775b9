import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer } from "../../fraud/customer-answer.ts";
import { notifications, type Channel } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { verificationTimeoutSeconds } from "../../fraud/settings.ts";
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

  // Ask on both channels at once; the first answer, yes or no, wins.
  const timeout = { seconds: verificationTimeoutSeconds() };
  const ask = (name: string, channel: Channel) => async (branch: DurableContext) =>
    parseCustomerAnswer(
      await branch.waitForCallback(name, (callbackId) => notifications.sendVerification(channel, transaction, callbackId), {
        timeout,
      }),
    );
  const answers = await context.parallel("human-verification", [ask("SendVerificationEmail", "email"), ask("SendVerificationSMS", "sms")], {
    completionConfig: { minSuccessful: 1 },
  });
  // No answer at all counts as "no" for now; module 08 tells silence apart and escalates it.
  const answer = answers.succeeded()[0]?.result ?? "declined";

  return context.step(`finalize-${id}`, async () => {
    if (answer === "approved") {
      await payments.authorize(transaction);
      return authorizedResult(transaction, score, "TransactionApproved");
    }
    await payments.sendToFraudDepartment(transaction);
    return sentToFraudDeptResult(transaction, score, "TransactionDeclined");
  });
});
