import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer, type CustomerAnswer } from "../../fraud/customer-answer.ts";
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

  // One verification channel, as a function of a durable context: it sends the message with the
  // callback id, waits for the card holder and reads the answer. Any context will do: the
  // handler's own, or a branch's inside a parallel.
  const timeout = { seconds: verificationTimeoutSeconds() };
  const ask = (name: string, channel: Channel) => async (branch: DurableContext) =>
    parseCustomerAnswer(
      await branch.waitForCallback(name, (callbackId) => notifications.sendVerification(channel, transaction, callbackId), {
        timeout,
      }),
    );

  // TODO 1: ask on both channels at once. Replace the single email below with a parallel named
  // "human-verification" (look up `context.parallel`) with two branches built by `ask`: the email
  // channel as "SendVerificationEmail" and the SMS channel as "SendVerificationSMS". Each branch
  // runs in a child context of its own. See Hints 1-3 in modules/07-parallel/README.md.
  // TODO 2: the first answer wins. Give the parallel a completion config that ends it on the first
  // branch that succeeds (a "no" is a success too: the card holder answered). Without one, the
  // first branch that fails ends the parallel, so a channel reporting a failure would end the
  // verification while the other could still say yes, and a yes would wait for the other channel.
  // TODO 3: parallel returns a BatchResult, not an answer: take the result of the first branch that
  // succeeded (look up the BatchResult's methods). When no channel succeeded (failures, timeouts,
  // or one of each), decline for now: module 08 tells silence apart. See Hints 1-3 in the guide.
  const answer: CustomerAnswer = await ask("SendVerificationEmail", "email")(context);

  return context.step(`finalize-${id}`, async () => {
    if (answer === "approved") {
      await payments.authorize(transaction);
      return authorizedResult(transaction, score, "TransactionApproved");
    }
    await payments.sendToFraudDepartment(transaction);
    return sentToFraudDeptResult(transaction, score, "TransactionDeclined");
  });
});
