/**
 * Version 1 of the card holder's verification, as it runs in production today. Do not edit it:
 * executions started by this code wait for card holders' answers right now, and your version 2
 * (handler.ts) must finish them.
 */
import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer } from "../../fraud/customer-answer.ts";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, type FraudCheckResult, sentToFraudDeptResult } from "../../fraud/results.ts";
import { verificationTimeoutSeconds } from "../../fraud/settings.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

/** The transactions this workflow sees were scored 3 already: the card holder decides. */
const SCORE = 3;

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  // The code version an execution started with, recorded once: every replay reads it back.
  await context.step("workflow-version", async () => 1);

  await context.step(`suspend-${id}`, () => payments.suspendCard(transaction));
  const answer = parseCustomerAnswer(
    await context.waitForCallback(
      "SendVerificationEmail",
      (callbackId) => notifications.sendVerification("email", transaction, callbackId),
      {
        timeout: { seconds: verificationTimeoutSeconds() },
      },
    ),
  );
  return context.step(`finalize-${id}`, async () => {
    if (answer === "approved") {
      await payments.authorize(transaction);
      return authorizedResult(transaction, SCORE, "TransactionApproved");
    }
    await payments.sendToFraudDepartment(transaction);
    return sentToFraudDeptResult(transaction, SCORE, "TransactionDeclined");
  });
});
