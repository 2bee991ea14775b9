import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { parseCustomerAnswer } from "../../fraud/customer-answer.ts";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import { authorizedResult, type FraudCheckResult, sentToFraudDeptResult } from "../../fraud/results.ts";
import { verificationTimeoutSeconds } from "../../fraud/settings.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

/** The transactions this workflow sees were scored 3 already: the card holder decides. */
const SCORE = 3;

// Version 2, a copy of version 1 (v1.ts) to change. Executions that version 1 started are
// waiting for card holders' answers now, and this code will replay them when the answers come.
export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<FraudCheckResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  // TODO 1: this is version 2: record 2 for new executions, and keep what the step returns in
  // `version`. An execution that started under version 1 reads back the 1 it recorded.
  await context.step("workflow-version", async () => 1);

  // TODO 2: the product team wants version 2 to block the card in a step named `block-card-<id>`,
  // and to send the card holder a receipt (notifications.sendReceipt with the decision,
  // result.body.result) in a step named `receipt-<id>` once the transaction is decided.
  // TODO 3: an execution of version 1 must replay the names it checkpointed: keep `suspend-<id>`
  // when the recorded version is 1. Add new steps only after what version 1 checkpointed.
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
