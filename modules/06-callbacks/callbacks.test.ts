import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { answerCallback, callbackReady, callbackStatus, callbackTimeoutSeconds, failCallback } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { forgotAwait, leftOpen } from "../../workshop/testing/hints.ts";
import { operationNames, resultOf, startFraudCheck, useLocalRuntime, type FraudRun } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = {
  guide,
  todos: { "notifications.sendVerification (email)": 1, "payments.authorize": 4, "payments.sendToFraudDepartment": 4 },
};
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

// A medium-risk transaction: the event's score 4 sends it to the card holder.
const laptop = (id: number) => ({ id, amount: 1899, location: "Lisbon", vendor: "Tech Corner", score: 4 });
const EMAIL = "SendVerificationEmail";
const askGuide = todo(1, `expected a waitForCallback named "${EMAIL}" that emails the card holder`);

/**
 * Waits for the execution to end and checks that it waited for the card holder: an execution
 * that ends with the callback still open never awaited it (TODO 1).
 */
async function ended(run: FraudRun): Promise<TestResult<FraudCheckResult>> {
  const execution = await run.finished;
  const notAwaited = todo(
    1,
    `expected the decision to wait for the card holder's answer, but the execution went on while "${EMAIL}" was still open: ${forgotAwait("context.waitForCallback(...)")}`,
  );
  expect(leftOpen(execution, EMAIL), notAwaited).toBe(false);
  return execution;
}

/** The result of an execution that went through finalize-<id> (TODO 4). */
function decided(execution: TestResult<FraudCheckResult>, id: number): FraudCheckResult {
  const result = resultOf(execution, todo(4, "expected the execution to succeed once the card holder answered"));
  const finalize = todo(4, `expected the decision in a step named "finalize-${id}"`);
  expect(operationNames(execution), finalize).toContain(`finalize-${id}`);
  return result;
}

// Callback timeouts run on real time even in tests: keep them at one second, for every test
// of this file (the variable is process-wide and the tests run at the same time).
beforeAll(() => {
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe.concurrent("06 · asking the card holder", () => {
  // Nobody answers this execution, and its callback takes a second of real time to time out: it
  // starts before the first test that runs, so that this second passes while the others run.
  let unanswered: FraudRun | undefined;
  beforeEach(() => {
    unanswered ??= startFraudCheck(handler, laptop(612));
  });
  // Until it has sent its email, it may still read VERIFICATION_TIMEOUT_SECONDS.
  const unansweredAsked = () => (unanswered ? callbackReady(unanswered, EMAIL, askGuide).catch(() => undefined) : undefined);
  // When its test did not run (the maintainer check runs one test a mistake), end it now.
  afterAll(async () => {
    if (unanswered === undefined) return;
    const callback = unanswered.runner.getOperation(EMAIL);
    if (callbackStatus(callback) === "STARTED") {
      await callback.sendCallbackSuccess(JSON.stringify({ approved: false })).catch(() => undefined);
    }
    await unanswered.finished.catch(() => undefined);
  });

  it("emails the card holder the callback id to answer", async () => {
    const run = startFraudCheck(handler, laptop(606));
    const callback = await callbackReady(run, EMAIL, askGuide);

    const emails = notifications.sentOn("email").filter((message) => message.transactionId === 606);
    expect(emails, todo(1, "expected exactly one verification email, sent by the submitter")).toHaveLength(1);
    expect(emails[0]?.callbackId, todo(1, "expected the email to carry the callback id the submitter was given")).toBe(
      callback.getCallbackDetails()?.callbackId,
    );
    await callback.sendCallbackSuccess(JSON.stringify({ approved: false })); // let the execution end
    const names = operationNames(await ended(run));
    expect(names.slice(0, 3), todo(1, "expected the card to be suspended before the email goes out")).toEqual([
      "fraudCheck",
      "suspend-606",
      EMAIL,
    ]);
  });

  it("authorizes once, in finalize-<id>, when the card holder approves", async () => {
    const run = startFraudCheck(handler, laptop(607));
    await answerCallback(run, EMAIL, { approved: true }, askGuide);
    const execution = await ended(run);

    const result = resultOf(execution, todo(4, "expected the execution to succeed after an approval"));
    expect(result, todo(4, "expected an approval to authorize the transaction")).toEqual({
      statusCode: 200,
      body: {
        transaction_id: 607,
        amount: 1899,
        fraud_score: 4,
        result: "authorized",
        customerVerificationResult: "TransactionApproved",
      },
    });
    expect(operationNames(execution), todo(4, 'expected the decision in a step named "finalize-607"')).toEqual([
      "fraudCheck",
      "suspend-607",
      EMAIL,
      "finalize-607",
    ]);
    expect(
      payments.decisionsFor(607).map((call) => call.action),
      todo(4, "expected exactly one authorize-or-escalate call, made by finalize-607"),
    ).toEqual(["authorize"]);
  });

  it('escalates once when the card holder answers {"approved": false}', async () => {
    const run = startFraudCheck(handler, laptop(608));
    await answerCallback(run, EMAIL, { approved: false }, askGuide);

    const result = decided(await ended(run), 608);
    const guidance = todo(3, 'expected {"approved": false} to decline: parse the answer, do not just check that one came');
    expect(result.body, guidance).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(payments.callsFor("authorize", 608), todo(3, 'a "no" must never authorize')).toHaveLength(0);
    const once = todo(4, "expected exactly one authorize-or-escalate call, made by finalize-608");
    expect(payments.decisionsFor(608), once).toHaveLength(1);
  });

  it("does not take an unreadable answer for an approval", async () => {
    const run = startFraudCheck(handler, laptop(609));
    await answerCallback(run, EMAIL, "yes please", askGuide);

    const result = decided(await ended(run), 609);
    expect(result.body.customerVerificationResult, todo(3, 'expected "yes please" (not JSON) to decline')).toBe("TransactionDeclined");
    expect(payments.callsFor("authorize", 609), todo(3, "an unreadable answer must never authorize")).toHaveLength(0);
  });

  it("never authorizes when the channel sends a failure instead of an answer", async () => {
    const run = startFraudCheck(handler, laptop(610));
    await failCallback(run, EMAIL, askGuide);
    const execution = await ended(run);

    const never = todo(
      3,
      "a failure sent to the callback must never authorize: waitForCallback throws a CallbackExternalError; do not catch it and carry on as if the card holder approved",
    );
    expect(payments.callsFor("authorize", 610), never).toHaveLength(0);
    if (execution.getStatus() === "SUCCEEDED") {
      expect(execution.getResult()?.body.result, todo(3, "a failure is not an approval")).toBe("SentToFraudDept");
    }
  });

  // Alone, after the others: it changes VERIFICATION_TIMEOUT_SECONDS, which every execution reads.
  it.sequential("gives the card holder VERIFICATION_TIMEOUT_SECONDS to answer, read per execution", async () => {
    let timeout: number | undefined;
    await unansweredAsked();
    try {
      vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "42");
      const run = startFraudCheck(handler, laptop(611));
      const callback = await callbackReady(run, EMAIL, askGuide);
      timeout = callbackTimeoutSeconds(callback);
      await callback.sendCallbackSuccess(JSON.stringify({ approved: false })); // end the execution either way
      await run.finished;
    } finally {
      vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
    }

    const guidance = todo(2, "expected the callback's timeout to be verificationTimeoutSeconds(), read inside the handler");
    expect(timeout, guidance).toBe(42);
  });

  // Alone, after the others: it unsets VERIFICATION_TIMEOUT_SECONDS, which every execution reads.
  it.sequential("gives the card holder a day when VERIFICATION_TIMEOUT_SECONDS is unset", async () => {
    let timeout: number | undefined;
    await unansweredAsked();
    try {
      vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", undefined);
      const run = startFraudCheck(handler, laptop(613));
      let callback: DurableOperation;
      try {
        callback = await callbackReady(run, EMAIL, askGuide);
      } catch (error) {
        // A timeout that is not a number can end the callback before its message is out: read
        // the callback that was started, if there is one.
        callback = run.runner.getOperation(EMAIL);
        if (callbackStatus(callback) === undefined) throw error;
      }
      timeout = callbackTimeoutSeconds(callback);
      // End the execution either way; a callback with a broken timeout may have ended already.
      await callback.sendCallbackSuccess(JSON.stringify({ approved: false })).catch(() => undefined);
      await run.finished;
    } finally {
      vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
    }

    const guidance = todo(
      2,
      "expected the default of one day (86400 s) when VERIFICATION_TIMEOUT_SECONDS is unset: verificationTimeoutSeconds() " +
        "supplies it; Number(process.env.VERIFICATION_TIMEOUT_SECONDS) is NaN when the variable is unset, not a duration",
    );
    expect(timeout, guidance).toBe(86_400);
  });

  // Last: its execution started before the first test, and most of its second has passed.
  it.sequential("stops waiting when the card holder does not answer in time", async () => {
    const run = unanswered as FraudRun;
    const callback = await callbackReady(run, EMAIL, askGuide);
    const timeout = callbackTimeoutSeconds(callback);
    if (timeout !== 1) {
      // Without the right timeout this execution would wait a day: end it before failing.
      await callback.sendCallbackSuccess(JSON.stringify({ approved: false })).catch(() => undefined);
      await run.finished;
    }
    const unit =
      timeout === 60 ? ": a duration names its unit, and the variable counts seconds, { seconds: ... }, not { minutes: ... }" : "";
    expect(timeout, todo(2, `expected a callback timeout of VERIFICATION_TIMEOUT_SECONDS (1 in this test)${unit}`)).toBe(1);

    await ended(run);
    const timedOut = todo(2, "expected the callback to time out after VERIFICATION_TIMEOUT_SECONDS");
    expect(callbackStatus(callback), timedOut).toBe("TIMED_OUT");
    const silence = todo(
      2,
      "silence must never authorize: a timeout (CallbackTimeoutError) is not an answer; do not catch it and carry on as if the card holder approved",
    );
    expect(payments.callsFor("authorize", 612), silence).toHaveLength(0);
  });
});
