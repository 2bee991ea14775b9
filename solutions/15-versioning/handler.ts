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
  // New executions record 2; an execution that started under version 1 reads back its 1.
  const version = await context.step("workflow-version", async () => 2);

  if (version === 1) {
    // The path version 1 checkpointed: its replays must meet the same names, in the same order.
    await context.step(`suspend-${id}`, () => payments.suspendCard(transaction));
  } else {
    await context.step(`block-card-${id}`, () => payments.suspendCard(transaction));
  }
  const answer = parseCustomerAnswer(
    await context.waitForCallback(
      "SendVerificationEmail",
      (callbackId) => notifications.sendVerification("email", transaction, callbackId),
      {
        timeout: { seconds: verificationTimeoutSeconds() },
      },
    ),
  );
  const result = await context.step(`finalize-${id}`, async () => {
    if (answer === "approved") {
      await payments.authorize(transaction);
      return authorizedResult(transaction, SCORE, "TransactionApproved");
    }
    await payments.sendToFraudDepartment(transaction);
    return sentToFraudDeptResult(transaction, SCORE, "TransactionDeclined");
  });
  // A new step after everything version 1 checkpointed: executions of both versions send it.
  await context.step(`receipt-${id}`, () => notifications.sendReceipt(transaction, result.body.result));
  return result;
});
