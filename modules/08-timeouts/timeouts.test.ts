import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { callbackReady, callbackStatus, callbackTimeoutSeconds } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  operationNames,
  resultOf,
  runFraudCheck,
  startFraudCheck,
  useLocalRuntime,
  type FraudRun,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "payments.sendToFraudDepartment": 1 } };
// Each test uses its own transaction id, so they can run at the same time: the one-second
// timeouts overlap with each other and with the rest.
useLocalRuntime({ concurrent: true, replayCheck });

const shop = { location: "Madrid", vendor: "Gran Via Electronics" };
const EMAIL = "SendVerificationEmail";
const SMS = "SendVerificationSMS";
const channels = { email: EMAIL, sms: SMS } as const;
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

/** Waits until both channels have sent their message (the parallel built in module 07). */
async function bothChannels(run: FraudRun): Promise<{ email: DurableOperation; sms: DurableOperation }> {
  const built = (name: string) => `expected a waitForCallback named "${name}" in the parallel built in module 07`;
  const email = await callbackReady(run, EMAIL, built(EMAIL));
  const sms = await callbackReady(run, SMS, built(SMS));
  return { email, sms };
}

/** The calls a transaction made to the payment system, by action, in order. */
const decisions = (id: number) => payments.decisionsFor(id).map((call) => call.action);

/** The messages sent to the card holder about one transaction (undefined: an event without an id). */
const messagesFor = (id: number | undefined) => notifications.sent.filter((message) => message.transactionId === id);

/** The result of a succeeded execution, with a plain explanation when it failed. */
const succeeded = (execution: TestResult<FraudCheckResult>, guidance = "expected the execution to succeed") =>
  resultOf(execution, guidance);

describe.concurrent("08 · timeouts and escalation: the finished workflow", () => {
  // First, so that its second of real time overlaps with the other tests (vitest runs five at once).
  it("escalates in timeout-escalate-<id> when nobody answers in time", async () => {
    const run = startFraudCheck(handler, { id: 806, amount: 50, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    if (callbackTimeoutSeconds(email) !== 1 || callbackTimeoutSeconds(sms) !== 1) {
      // These callbacks would wait far longer than the test: answer them, then fail.
      await Promise.all([email.sendCallbackSuccess(no), sms.sendCallbackSuccess(no)]);
      await run.finished;
      expect.fail("expected both callbacks to time out after VERIFICATION_TIMEOUT_SECONDS (1 here), as in module 07");
    }
    const execution = await run.finished;

    const statuses = [callbackStatus(email), callbackStatus(sms)];
    expect(statuses, "expected both callbacks to time out").toEqual(["TIMED_OUT", "TIMED_OUT"]);
    const escalate = todo(
      1,
      'expected silence to escalate in a step named "timeout-escalate-806", instead of finalize-806; ' +
        "it runs when firstAnswer returns undefined, which TODO 2 makes it do when every branch timed out",
    );
    expect(operationNames(execution), escalate).toContain("timeout-escalate-806");
    expect(operationNames(execution), escalate).not.toContain("finalize-806");
    const result = succeeded(execution, todo(1, "expected the execution to succeed after escalating"));
    expect(result.body, todo(1, 'expected result "SentToFraudDept" with "NoCustomerResponse"')).toEqual({
      transaction_id: 806,
      amount: 50,
      fraud_score: 3,
      result: "SentToFraudDept",
      customerVerificationResult: "NoCustomerResponse",
    });
    const once = todo(1, "expected exactly one sendToFraudDepartment call, made by timeout-escalate-806");
    expect(decisions(806), once).toEqual(["sendToFraudDepartment"]);
  });

  it("authorizes a low-risk transaction at once, without asking anyone", async () => {
    const execution = await runFraudCheck(handler, { id: 801, amount: 12, ...shop });

    expect(succeeded(execution).body).toEqual({ transaction_id: 801, amount: 12, fraud_score: 1, result: "authorized" });
    expect(operationNames(execution)).toEqual(["fraudCheck", "authorize-801"]);
    expect(decisions(801), "expected exactly one authorize call").toEqual(["authorize"]);
    expect(messagesFor(801), "a low-risk transaction asks no one").toHaveLength(0);
  });

  it("sends a high-risk transaction straight to the fraud department", async () => {
    const execution = await runFraudCheck(handler, { id: 802, amount: 25_000, ...shop });

    expect(succeeded(execution).body).toEqual({
      transaction_id: 802,
      amount: 25_000,
      fraud_score: 5,
      result: "SentToFraudDept",
    });
    expect(operationNames(execution)).toEqual(["fraudCheck", "sendToFraudDepartment-802"]);
    expect(decisions(802), "expected exactly one sendToFraudDepartment call").toEqual(["sendToFraudDepartment"]);
    expect(messagesFor(802), "a high-risk transaction asks no one").toHaveLength(0);
  });

  it.each([
    ["email", 803],
    ["sms", 813],
  ] as const)("authorizes a medium-risk transaction approved by %s", async (channel, id) => {
    const run = startFraudCheck(handler, { id, amount: 7_500, ...shop });
    const callbacks = await bothChannels(run);
    await callbacks[channel].sendCallbackSuccess(yes);
    const execution = await run.finished;

    expect(succeeded(execution).body).toEqual({
      transaction_id: id,
      amount: 7_500,
      fraud_score: 3,
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    expect(operationNames(execution)).toEqual(
      expect.arrayContaining(["fraudCheck", `suspend-${id}`, "human-verification", channels[channel], `finalize-${id}`]),
    );
    expect(payments.callsFor("suspendCard", id), "expected the card suspended once").toHaveLength(1);
    expect(decisions(id), `expected exactly one authorize call, made by finalize-${id}`).toEqual(["authorize"]);
    const sent = messagesFor(id)
      .map((message) => message.channel)
      .sort();
    expect(sent, "expected one email and one SMS").toEqual(["email", "sms"]);
  });

  it.each([
    ["email", 804],
    ["sms", 814],
  ] as const)('escalates as declined when the card holder says "no" by %s', async (channel, id) => {
    const run = startFraudCheck(handler, { id, amount: 50, ...shop, score: 4 });
    const callbacks = await bothChannels(run);
    await callbacks[channel].sendCallbackSuccess(no);
    const execution = await run.finished;

    expect(succeeded(execution).body).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(operationNames(execution)).toContain(`finalize-${id}`);
    expect(decisions(id), 'a "no" makes exactly one sendToFraudDepartment call').toEqual(["sendToFraudDepartment"]);
  });

  it("escalates as declined, not as silence, when both channels send a failure", async () => {
    const run = startFraudCheck(handler, { id: 805, amount: 50, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    await Promise.all([email.sendCallbackFailure(failure), sms.sendCallbackFailure(failure)]);
    const execution = await run.finished;

    const answered = todo(
      2,
      "a failure sent to a callback is an answer, not silence: " +
        "only a CallbackTimeoutError (in each failure's error.cause) means nobody answered",
    );
    expect(succeeded(execution).body.customerVerificationResult, answered).toBe("TransactionDeclined");
    expect(operationNames(execution), answered).toContain("finalize-805");
    expect(operationNames(execution), answered).not.toContain("timeout-escalate-805");
    expect(decisions(805), "expected exactly one sendToFraudDepartment call").toEqual(["sendToFraudDepartment"]);
  });

  it.each([
    ["a missing id", { amount: 10, ...shop }, "id"],
    ["an amount that is not a number", { id: 807, amount: "12.50", ...shop }, "amount"],
    ["a negative amount", { id: 808, amount: -5, ...shop }, "amount"],
    ["a score outside 0-5", { id: 809, amount: 10, ...shop, score: 7 }, "score"],
    ["a payload that is not an object", "please check transaction 807", "event"],
  ])("rejects %s, naming the field, before any side effect", async (_case, payload, field) => {
    const execution = await runFraudCheck(handler, payload);
    // The other tests run meanwhile: count only the calls for this event's id. An event without
    // an id would make calls without one, and the other tests' calls all carry theirs.
    const id = typeof payload === "object" && "id" in payload ? payload.id : undefined;

    expect(execution.getStatus(), "expected bad input to fail the execution").toBe("FAILED");
    expect(execution.getError().errorMessage, `expected the error to name the field "${field}"`).toContain(`"${field}"`);
    expect(operationNames(execution), "expected no step at all to run").toEqual([]);
    const paymentCalls = payments.calls.filter((call) => call.transactionId === id);
    expect(paymentCalls, "expected no call to the payment system").toHaveLength(0);
    expect(messagesFor(id), "expected no message to the card holder").toHaveLength(0);
    const scorings = riskScorer.calls.filter((call) => call.transactionId === id);
    expect(scorings, "expected the risk scorer not to be asked").toHaveLength(0);
  });
});
