import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { callbackReady, callbackStatus } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  operationNames,
  resultOf,
  startFraudCheck,
  useLocalRuntime,
  type FraudRun,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const { todo } = guideFor(import.meta.url);
useLocalRuntime();

// A medium-risk transaction: the event's score 3 sends it to the card holder.
const concert = { id: 707, amount: 2400, location: "Porto", vendor: "Night Market Tickets", score: 3 };
const PARALLEL = "human-verification";
const EMAIL = "SendVerificationEmail";
const SMS = "SendVerificationSMS";
const yes = JSON.stringify({ approved: true });
const no = JSON.stringify({ approved: false });

// Callback timeouts run on real time even in tests: keep them at one second.
beforeEach(() => {
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** True when `operation` runs inside the parallel named human-verification. */
function insideParallel(run: FraudRun, operation: DurableOperation): boolean {
  let parentId = operation.getParentId();
  while (parentId !== undefined) {
    const parent = run.runner.getOperationById(parentId);
    if (parent.getName() === PARALLEL && parent.getSubType() === "Parallel") return true;
    parentId = parent.getParentId();
  }
  return false;
}

/** Waits until both channels have sent their message; fails fast, as TODO 1, when they do not. */
async function bothChannels(run: FraudRun): Promise<{ email: DurableOperation; sms: DurableOperation }> {
  const email = await callbackReady(run, EMAIL, todo(1, `expected a waitForCallback named "${EMAIL}" inside the parallel`));
  if (!insideParallel(run, email)) {
    await email.sendCallbackSuccess(no); // end this execution before failing
    await run.finished;
    expect.fail(todo(1, `expected "${EMAIL}" to run as a branch of a parallel named "${PARALLEL}", not on its own`));
  }
  const sms = await callbackReady(run, SMS, todo(1, `expected a second branch, a waitForCallback named "${SMS}"`));
  return { email, sms };
}

/** The result of an execution that went through finalize-707, read from the first answer (TODO 3). */
function decided(execution: TestResult<FraudCheckResult>): FraudCheckResult {
  const result = resultOf(execution, todo(3, "expected the execution to succeed once a channel has answered"));
  expect(operationNames(execution), todo(3, 'expected the decision in the step "finalize-707"')).toContain("finalize-707");
  return result;
}

describe("07 · parallel verification", () => {
  it("asks on both channels, as two branches of the parallel human-verification", async () => {
    const run = startFraudCheck(handler, concert);
    const { email, sms } = await bothChannels(run);

    expect(notifications.sentOn("email").map((message) => message.callbackId), todo(1, "expected one email")).toEqual([
      email.getCallbackDetails()?.callbackId,
    ]);
    expect(notifications.sentOn("sms").map((message) => message.callbackId), todo(1, "expected one SMS")).toEqual([
      sms.getCallbackDetails()?.callbackId,
    ]);
    expect(email.getCallbackDetails()?.callbackId, todo(1, "expected each channel to have a callback of its own")).not.toBe(
      sms.getCallbackDetails()?.callbackId,
    );
    await email.sendCallbackSuccess(no);
    const names = operationNames(await run.finished);
    expect(names, todo(1, "expected the parallel and both channels among the operations")).toEqual(
      expect.arrayContaining([PARALLEL, EMAIL, SMS]),
    );
  });

  it("authorizes when the SMS approves, with no email answer", async () => {
    const run = startFraudCheck(handler, concert);
    const { sms } = await bothChannels(run);
    await sms.sendCallbackSuccess(yes);

    const result = decided(await run.finished);
    expect(result.body, todo(3, "expected the SMS approval to win")).toMatchObject({
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    const once = todo(3, "expected exactly one authorize-or-escalate call, made by finalize-707");
    expect(payments.decisionsFor(707).map((call) => call.action), once).toEqual(["authorize"]);
  });

  it("declines when the email says no, with no SMS answer", async () => {
    const run = startFraudCheck(handler, concert);
    const { email } = await bothChannels(run);
    await email.sendCallbackSuccess(no);

    const result = decided(await run.finished);
    expect(result.body, todo(3, 'expected the email\'s "no" to win')).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    const once = todo(3, "expected exactly one authorize-or-escalate call, made by finalize-707");
    expect(payments.decisionsFor(707).map((call) => call.action), once).toEqual(["sendToFraudDepartment"]);
  });

  it("completes on the first answer, without waiting for the other channel", async () => {
    const run = startFraudCheck(handler, concert);
    const { email, sms } = await bothChannels(run);
    await sms.sendCallbackSuccess(yes);
    await run.finished;

    const batch = run.runner.getOperation(PARALLEL).getContextDetails()?.result as { completionReason?: string } | undefined;
    const first = todo(
      2,
      "expected the parallel to complete as soon as one branch succeeded: completionConfig { minSuccessful: 1 }",
    );
    expect(batch?.completionReason, first).toBe("MIN_SUCCESSFUL_REACHED");
    const waiting = todo(2, "expected the unanswered email to be left waiting, not waited for until it timed out");
    expect(callbackStatus(email), waiting).toBe("STARTED");
  });

  it("declines when both channels send a failure", async () => {
    const run = startFraudCheck(handler, concert);
    const { email, sms } = await bothChannels(run);
    const failure = { ErrorType: "DeliveryFailed", ErrorMessage: "the message could not be delivered" };
    await Promise.all([email.sendCallbackFailure(failure), sms.sendCallbackFailure(failure)]);

    const result = decided(await run.finished);
    const declined = todo(3, 'expected "no succeeded branch" to decline: answers.succeeded()[0]?.result ?? "declined"');
    expect(result.body.customerVerificationResult, declined).toBe("TransactionDeclined");
    expect(payments.decisionsFor(707).map((call) => call.action), declined).toEqual(["sendToFraudDepartment"]);
  });
});
