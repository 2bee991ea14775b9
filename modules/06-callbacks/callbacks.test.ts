import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import {
  answerCallback,
  callbackReady,
  callbackStatus,
  callbackTimeoutSeconds,
  failCallback,
} from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { operationNames, resultOf, startFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const { todo } = guideFor(import.meta.url);
useLocalRuntime();

// A medium-risk transaction: the event's score 4 sends it to the card holder.
const laptop = { id: 606, amount: 1899, location: "Lisbon", vendor: "Tech Corner", score: 4 };
const EMAIL = "SendVerificationEmail";
const askGuide = todo(1, `expected a waitForCallback named "${EMAIL}" that emails the card holder`);

/** The result of an execution that went through finalize-606 (TODO 4). */
function decided(execution: TestResult<FraudCheckResult>): FraudCheckResult {
  const result = resultOf(execution, todo(4, "expected the execution to succeed once the card holder answered"));
  const finalize = todo(4, 'expected the decision in a step named "finalize-606"');
  expect(operationNames(execution), finalize).toContain("finalize-606");
  return result;
}

// Callback timeouts run on real time even in tests: keep them at one second.
beforeEach(() => {
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("06 · asking the card holder", () => {
  it("emails the card holder the callback id to answer", async () => {
    const run = startFraudCheck(handler, laptop);
    const callback = await callbackReady(run, EMAIL, askGuide);

    const emails = notifications.sentOn("email");
    expect(emails, todo(1, "expected exactly one verification email, sent by the submitter")).toHaveLength(1);
    expect(emails[0]?.callbackId, todo(1, "expected the email to carry the callback id the submitter was given")).toBe(
      callback.getCallbackDetails()?.callbackId,
    );
    await callback.sendCallbackSuccess(JSON.stringify({ approved: false })); // let the execution end
    const names = operationNames(await run.finished);
    expect(names.slice(0, 3), todo(1, "expected the card to be suspended before the email goes out")).toEqual([
      "fraudCheck",
      "suspend-606",
      EMAIL,
    ]);
  });

  it("authorizes once, in finalize-<id>, when the card holder approves", async () => {
    const run = startFraudCheck(handler, laptop);
    await answerCallback(run, EMAIL, { approved: true }, askGuide);
    const execution = await run.finished;

    const result = resultOf(execution, todo(4, "expected the execution to succeed after an approval"));
    expect(result, todo(4, "expected an approval to authorize the transaction")).toEqual({
      statusCode: 200,
      body: {
        transaction_id: 606,
        amount: 1899,
        fraud_score: 4,
        result: "authorized",
        customerVerificationResult: "TransactionApproved",
      },
    });
    expect(operationNames(execution), todo(4, 'expected the decision in a step named "finalize-606"')).toEqual([
      "fraudCheck",
      "suspend-606",
      EMAIL,
      "finalize-606",
    ]);
    expect(
      payments.decisionsFor(606).map((call) => call.action),
      todo(4, "expected exactly one authorize-or-escalate call, made by finalize-606"),
    ).toEqual(["authorize"]);
  });

  it('escalates once when the card holder answers {"approved": false}', async () => {
    const run = startFraudCheck(handler, laptop);
    await answerCallback(run, EMAIL, { approved: false }, askGuide);

    const result = decided(await run.finished);
    const guidance = todo(3, 'expected {"approved": false} to decline: parse the answer, do not just check that one came');
    expect(result.body, guidance).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(payments.callsFor("authorize", 606), todo(3, 'a "no" must never authorize')).toHaveLength(0);
    const once = todo(4, "expected exactly one authorize-or-escalate call, made by finalize-606");
    expect(payments.decisionsFor(606), once).toHaveLength(1);
  });

  it("does not take an unreadable answer for an approval", async () => {
    const run = startFraudCheck(handler, laptop);
    await answerCallback(run, EMAIL, "yes please", askGuide);

    const result = decided(await run.finished);
    expect(result.body.customerVerificationResult, todo(3, 'expected "yes please" (not JSON) to decline')).toBe(
      "TransactionDeclined",
    );
    expect(payments.callsFor("authorize", 606), todo(3, "an unreadable answer must never authorize")).toHaveLength(0);
  });

  it("never authorizes when the channel sends a failure instead of an answer", async () => {
    const run = startFraudCheck(handler, laptop);
    await failCallback(run, EMAIL, askGuide);
    const execution = await run.finished;

    const never = todo(3, "a failure sent to the callback must never authorize");
    expect(payments.callsFor("authorize", 606), never).toHaveLength(0);
    if (execution.getStatus() === "SUCCEEDED") {
      expect(execution.getResult()?.body.result, todo(3, "a failure is not an approval")).toBe("SentToFraudDept");
    }
  });

  it("gives the card holder VERIFICATION_TIMEOUT_SECONDS to answer, read per execution", async () => {
    vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "42");
    const run = startFraudCheck(handler, laptop);
    const callback = await callbackReady(run, EMAIL, askGuide);
    const timeout = callbackTimeoutSeconds(callback);
    await callback.sendCallbackSuccess(JSON.stringify({ approved: false })); // end the execution either way
    await run.finished;

    const guidance = todo(2, "expected the callback's timeout to be verificationTimeoutSeconds(), read inside the handler");
    expect(timeout, guidance).toBe(42);
  });

  it("stops waiting when the card holder does not answer in time", async () => {
    const run = startFraudCheck(handler, laptop);
    const callback = await callbackReady(run, EMAIL, askGuide);
    const timeout = callbackTimeoutSeconds(callback);
    if (timeout !== 1) {
      // Without the right timeout this execution would wait a day: end it before failing.
      await callback.sendCallbackSuccess(JSON.stringify({ approved: false }));
      await run.finished;
    }
    expect(timeout, todo(2, "expected a callback timeout of VERIFICATION_TIMEOUT_SECONDS (1 in this test)")).toBe(1);

    await run.finished;
    const timedOut = todo(2, "expected the callback to time out after VERIFICATION_TIMEOUT_SECONDS");
    expect(callbackStatus(callback), timedOut).toBe("TIMED_OUT");
    expect(payments.callsFor("authorize", 606), todo(2, "silence must never authorize")).toHaveLength(0);
  });
});
