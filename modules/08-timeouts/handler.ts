import {
  CallbackExternalError,
  CallbackTimeoutError,
  createRetryStrategy,
  OperationSubType,
  withDurableExecution,
  type BatchResult,
  type DurableContext,
  type Duration,
} from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer, type CustomerAnswer } from "../../fraud/customer-answer.ts";
import { notifications, type Channel } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, sentToFraudDeptResult, type FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { verificationTimeoutSeconds } from "../../fraud/settings.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// Three attempts, 1 s then 2 s apart (with jitter): enough for a blip, short enough for a card payment.
const scorerRetries = createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 1 }, backoffRate: 2 });

/**
 * The finished fraud check: scores the transaction, authorizes low risk, sends high risk to the
 * fraud department, and asks the card holder by email and SMS about the rest, the first answer
 * winning. Silence until `VERIFICATION_TIMEOUT_SECONDS` escalates the transaction.
 */
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
  const ask = (name: string, channel: Channel) =>
    askOneChannel(name, (callbackId) => notifications.sendVerification(channel, transaction, callbackId), timeout);
  const answers = await context.parallel("human-verification", [ask("SendVerificationEmail", "email"), ask("SendVerificationSMS", "sms")], {
    completionConfig: { minSuccessful: 1 },
  });
  const answer = firstAnswer(answers);

  // TODO 1: silence must not reach finalize. When `answer` is undefined (no channel answered in
  // time; TODO 2 makes firstAnswer say so), escalate in a step of its own, named after the
  // transaction like the other side-effect steps, that hands it to the fraud department; then
  // end with the fraud department's result and "NoCustomerResponse". The FraudDetection sample
  // expected parallel to throw on timeouts, so its escalation never ran: parallel returns a
  // batch of failed branches instead. See the hints in modules/08-timeouts/README.md.

  return context.step(`finalize-${id}`, async () => {
    if (answer === "approved") {
      await payments.authorize(transaction);
      return authorizedResult(transaction, score, "TransactionApproved");
    }
    await payments.sendToFraudDepartment(transaction);
    return sentToFraudDeptResult(transaction, score, "TransactionDeclined");
  });
});

/**
 * One verification channel, as a branch of the parallel: module 07's `waitForCallback`, built
 * from its parts (a callback, a step that sends its id, the wait for the answer) so that a
 * failure sent to the callback is kept small. A failed operation's error is checkpointed, and
 * the service refuses an error over 32 KB: a channel that sent a long failure message would
 * fail the whole execution and leave the card suspended, whatever the other channel said.
 */
function askOneChannel(name: string, send: (callbackId: string) => Promise<void>, timeout: Duration) {
  return (branch: DurableContext) =>
    branch.runInChildContext(
      name,
      async (waiting) => {
        const [reply, callbackId] = await waiting.createCallback({ timeout });
        await waiting.step(() => send(callbackId));
        try {
          return parseCustomerAnswer(await reply);
        } catch (error) {
          if (error instanceof CallbackTimeoutError) throw error;
          // Whatever the channel sent: keep the start of its message, and nothing else.
          const message = error instanceof Error ? error.message : String(error);
          throw new CallbackExternalError(message.length > 500 ? `${message.slice(0, 500)}… (cut)` : message);
        }
      },
      // The same operation as waitForCallback's, passing the callback's own error on.
      { subType: OperationSubType.WAIT_FOR_CALLBACK, errorMapper: (error) => error },
    );
}

/** The first answer wins; a failure the card holder sent counts as "no"; silence is `undefined`. */
function firstAnswer(answers: BatchResult<CustomerAnswer>): CustomerAnswer | undefined {
  const [first] = answers.succeeded();
  if (first) return first.result;
  // TODO 2: tell silence apart from a "no". Here no branch succeeded, so every branch failed.
  // Each of `answers.failed()` carries an `error`: the branch's error, whose `cause` is the
  // callback's own typed error. Return undefined (silence) only when every branch timed out;
  // a failure a channel sent counts as "declined". See the hints in the guide.
  return "declined";
}
