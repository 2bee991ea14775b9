import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { callbackReady, callbackStatus } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { forgotAwait, leftOpen } from "../../workshop/testing/hints.ts";
import {
  WaitingOperationStatus,
  operationNames,
  resultOf,
  startFraudCheck,
  useLocalRuntime,
  type FraudRun,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "notifications.sendVerification (email)": 1, "notifications.sendVerification (sms)": 1 } };
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

// A medium-risk transaction: the event's score 3 sends it to the card holder.
const concert = (id: number) => ({ id, amount: 2400, location: "Porto", vendor: "Night Market Tickets", score: 3 });
const PARALLEL = "human-verification";
const EMAIL = "SendVerificationEmail";
const SMS = "SendVerificationSMS";
const yes = JSON.stringify({ approved: true });
const no = JSON.stringify({ approved: false });
const failure = { ErrorType: "DeliveryFailed", ErrorMessage: "the message could not be delivered" };

// Callback timeouts run on real time even in tests: keep them at one second, for every test
// of this file (the variable is process-wide and the tests run at the same time).
beforeAll(() => {
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

/** The messages sent to the card holder about transaction `id` on `channel`. */
const sentFor = (id: number, channel: "email" | "sms") => notifications.sentOn(channel).filter((message) => message.transactionId === id);

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
    await email.sendCallbackSuccess(no).catch(() => undefined); // end this execution before failing
    await run.finished;
    const sms = run.runner.getOperation(SMS);
    const sideBySide = sms.getOperationData() !== undefined && sms.isWaitForCallback() && !insideParallel(run, sms);
    expect.fail(
      sideBySide
        ? todo(
            1,
            `expected "${EMAIL}" and "${SMS}" as the two branches of a parallel named "${PARALLEL}", not two callbacks ` +
              "side by side (a Promise.race?): a race of durable operations is not a durable parallel. The first failure " +
              "on either channel rejects it and fails the execution, and no checkpoint holds the outcome of the pair; " +
              "context.parallel runs each channel in a child context of its own and returns a checkpointed BatchResult",
          )
        : todo(1, `expected "${EMAIL}" to run as a branch of a parallel named "${PARALLEL}", not on its own`),
    );
  }
  const sms = await callbackReady(run, SMS, todo(1, `expected a second branch, a waitForCallback named "${SMS}"`));
  return { email, sms };
}

/**
 * Waits for the execution to end and checks that the decision waited for the parallel: an
 * execution that goes on while human-verification is still open never awaited it (TODO 1).
 */
async function ended(run: FraudRun): Promise<TestResult<FraudCheckResult>> {
  const execution = await run.finished;
  const notAwaited = todo(
    1,
    `expected the decision to wait for the parallel "${PARALLEL}", but the execution went on while it was still open: ${forgotAwait("context.parallel(...)")}`,
  );
  expect(leftOpen(execution, PARALLEL), notAwaited).toBe(false);
  return execution;
}

/** Why the parallel completed: MIN_SUCCESSFUL_REACHED, ALL_COMPLETED or FAILURE_TOLERANCE_EXCEEDED. */
function completionReason(run: FraudRun): string | undefined {
  const batch = run.runner.getOperation(PARALLEL).getContextDetails()?.result as { completionReason?: string } | undefined;
  return batch?.completionReason;
}

/** Waits until the handler has seen the failure sent to a channel (its branch failed), or the execution ended. */
async function failureSeen(run: FraudRun, channel: DurableOperation): Promise<void> {
  const seen = () => channel.getStatus() === "FAILED";
  if (seen()) return;
  await Promise.race([channel.waitForData(WaitingOperationStatus.COMPLETED).catch(() => undefined), run.finished.catch(() => undefined)]);
}

/** The result of an execution that went through finalize-<id>, read from the first answer (TODO 3). */
function decided(execution: TestResult<FraudCheckResult>, id: number): FraudCheckResult {
  const result = resultOf(execution, todo(3, "expected the execution to succeed once a channel has answered"));
  const finalize = todo(3, `expected the decision in the step "finalize-${id}"`);
  expect(operationNames(execution), finalize).toContain(`finalize-${id}`);
  return result;
}

describe.concurrent("07 · parallel verification", () => {
  it("asks on both channels, as two branches of the parallel human-verification", async () => {
    const run = startFraudCheck(handler, concert(707));
    const { email, sms } = await bothChannels(run);

    expect(
      sentFor(707, "email").map((message) => message.callbackId),
      todo(1, "expected one email"),
    ).toEqual([email.getCallbackDetails()?.callbackId]);
    expect(
      sentFor(707, "sms").map((message) => message.callbackId),
      todo(1, "expected one SMS"),
    ).toEqual([sms.getCallbackDetails()?.callbackId]);
    expect(email.getCallbackDetails()?.callbackId, todo(1, "expected each channel to have a callback of its own")).not.toBe(
      sms.getCallbackDetails()?.callbackId,
    );
    await email.sendCallbackSuccess(no);
    const names = operationNames(await ended(run));
    expect(names, todo(1, "expected the parallel and both channels among the operations")).toEqual(
      expect.arrayContaining([PARALLEL, EMAIL, SMS]),
    );
  });

  it("authorizes when the SMS approves, with no email answer", async () => {
    const run = startFraudCheck(handler, concert(708));
    const { sms } = await bothChannels(run);
    await sms.sendCallbackSuccess(yes);

    const result = decided(await ended(run), 708);
    const smsWins = todo(
      3,
      "expected the SMS approval to win: take the first succeeded branch, answers.succeeded()[0]?.result; " +
        "answers.all[0] is always the email branch, answered or not",
    );
    expect(result.body, smsWins).toMatchObject({
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    const once = todo(3, "expected exactly one authorize-or-escalate call, made by finalize-708");
    expect(
      payments.decisionsFor(708).map((call) => call.action),
      once,
    ).toEqual(["authorize"]);
  });

  it("declines when the email says no, with no SMS answer", async () => {
    const run = startFraudCheck(handler, concert(709));
    const { email } = await bothChannels(run);
    await email.sendCallbackSuccess(no);

    const result = decided(await ended(run), 709);
    expect(result.body, todo(3, 'expected the email\'s "no" to win')).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    const once = todo(3, "expected exactly one authorize-or-escalate call, made by finalize-709");
    expect(
      payments.decisionsFor(709).map((call) => call.action),
      once,
    ).toEqual(["sendToFraudDepartment"]);
  });

  it("completes on the first answer, without waiting for the other channel", async () => {
    const run = startFraudCheck(handler, concert(710));
    const { email, sms } = await bothChannels(run);
    await sms.sendCallbackSuccess(yes);
    await ended(run);

    const reason = completionReason(run);
    const first = todo(
      2,
      `expected the parallel to complete as soon as one branch succeeded (completionReason MIN_SUCCESSFUL_REACHED, ` +
        `not ${reason ?? "none"}): completionConfig { minSuccessful: 1 }. Without it, with minSuccessful: 2, or with ` +
        "only a toleratedFailureCount, the parallel waits for the other channel too, here until the email timed out",
    );
    expect(reason, first).toBe("MIN_SUCCESSFUL_REACHED");
    const waiting = todo(2, "expected the unanswered email to be left waiting, not waited for until it timed out");
    expect(callbackStatus(email), waiting).toBe("STARTED");
  });

  it("declines when both channels send a failure", async () => {
    const run = startFraudCheck(handler, concert(711));
    const { email, sms } = await bothChannels(run);
    await Promise.all([email.sendCallbackFailure(failure), sms.sendCallbackFailure(failure)]);

    const result = decided(await ended(run), 711);
    const declined = todo(3, 'expected "no succeeded branch" to decline: answers.succeeded()[0]?.result ?? "declined"');
    expect(result.body.customerVerificationResult, declined).toBe("TransactionDeclined");
    expect(
      payments.decisionsFor(711).map((call) => call.action),
      declined,
    ).toEqual(["sendToFraudDepartment"]);
  });

  it("keeps listening after one channel sends a failure: the other can still answer and win", async () => {
    const run = startFraudCheck(handler, concert(712));
    const { email, sms } = await bothChannels(run);
    await email.sendCallbackFailure(failure);
    // Answer on the SMS only once the handler has seen the email fail: the failure came first.
    await failureSeen(run, email);
    await sms.sendCallbackSuccess(yes).catch(() => undefined); // refused only if the SMS callback is closed
    const execution = await ended(run);

    const stillListening = todo(
      2,
      "expected the parallel to wait for the SMS after the email failed: a failed channel is not an answer and must not " +
        "end the verification. With no completion config, or with toleratedFailureCount: 0, the first failed branch " +
        "ends the parallel at once (completionReason FAILURE_TOLERANCE_EXCEEDED); completionConfig { minSuccessful: 1 } " +
        "alone waits for a success, or for every branch to end",
    );
    expect(completionReason(run), stillListening).not.toBe("FAILURE_TOLERANCE_EXCEEDED");
    const result = decided(execution, 712);
    const smsWins = todo(
      3,
      'expected the SMS "yes" to win over the email\'s failure: take the first succeeded branch, ' +
        "answers.succeeded()[0]?.result; answers.all[0] is the email branch, which failed",
    );
    expect(result.body.customerVerificationResult, smsWins).toBe("TransactionApproved");
    const once = todo(3, "expected exactly one authorize-or-escalate call, made by finalize-712");
    expect(
      payments.decisionsFor(712).map((call) => call.action),
      once,
    ).toEqual(["authorize"]);
  });
});
