import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notifications, type Channel } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { callbackReady, callbackStatus, callbackTimeoutSeconds } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import {
  operationNames,
  ReplayCheckError,
  resultOf,
  startFraudCheck,
  useLocalRuntime,
  WaitingOperationStatus,
  type FraudRun,
} from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo, concept } = guide;
// Every finished execution is replayed from its checkpoints. The same outside call belongs to
// different steps on different paths (sendToFraudDepartment: timeout-escalate-<id> for silence,
// finalize-<id> for a "no"), so no call is tied to one TODO here: `finish` puts each test's own
// guidance, naming the step of its path, before what the replay did.
const replayCheck = { guide, todos: {} };
// Each test uses its own transaction id, so they can run at the same time: the one-second
// timeouts overlap with each other and with the rest.
useLocalRuntime({ concurrent: true, replayCheck });

const shop = { location: "Madrid", vendor: "Gran Via Electronics" };
const PARALLEL = "human-verification";
const EMAIL = "SendVerificationEmail";
const SMS = "SendVerificationSMS";
const channels = { email: EMAIL, sms: SMS } as const;
/** The branch index of each channel in the parallel: email first, SMS second. */
const branchIndex = { email: 0, sms: 1 } as const;
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
async function bothChannels(run: FraudRun): Promise<Record<Channel, DurableOperation>> {
  const built = (name: string) => concept(`expected a waitForCallback named "${name}" in the parallel built in module 07`);
  const email = await callbackReady(run, EMAIL, built(EMAIL));
  const sms = await callbackReady(run, SMS, built(SMS));
  return { email, sms };
}

/**
 * The ended execution. When replaying it from its checkpoints called something again or ended
 * differently, fails with `path` (which step this path's side effect belongs in) first.
 */
async function finish(run: FraudRun, path: string): Promise<TestResult<FraudCheckResult>> {
  try {
    return await run.finished;
  } catch (error) {
    if (error instanceof ReplayCheckError) throw new ReplayCheckError(`${path}\n  ${error.message}`);
    throw error;
  }
}

/** Replay guidance for a path whose one side effect is made by the step `step` (taught before this module). */
const replaysIn = (step: string) =>
  concept(
    `expected this path to replay from its checkpoints without calling anything again: its payment call ` +
      `belongs inside the step "${step}" (a call outside a step runs again on every replay)`,
  );

/** Replay guidance for the silent path, this module's TODO 1. */
const escalationReplays = (id: number) =>
  todo(
    1,
    `expected the escalation to replay from its checkpoints without calling anything again: ` +
      `payments.sendToFraudDepartment belongs inside the step "timeout-escalate-${id}", not before or after it`,
  );

/** The calls a transaction made to the payment system, by action, in order. */
const decisions = (id: number) => payments.decisionsFor(id).map((call) => call.action);

/** The messages sent to the card holder about one transaction (undefined: an event without an id). */
const messagesFor = (id: number | undefined) => notifications.sent.filter((message) => message.transactionId === id);

/** How many operations of the execution carry `name`. */
const countOf = (execution: TestResult<FraudCheckResult>, name: string) =>
  operationNames(execution).filter((operation) => operation === name).length;

interface Batch {
  completionReason?: string;
  all?: { index: number; status: string }[];
}

/** What the parallel human-verification returned: why it completed, and each branch's status. */
const batchOf = (run: FraudRun): Batch => (run.runner.getOperation(PARALLEL).getContextDetails()?.result ?? {}) as Batch;

/** The status of one channel's branch in the parallel's batch (undefined: not in the batch). */
const branchStatus = (run: FraudRun, channel: Channel) => batchOf(run).all?.find((item) => item.index === branchIndex[channel])?.status;

/** Waits until the workflow has taken in the answer of `operation` (or the execution ended). */
async function takenIn(run: FraudRun, operation: DurableOperation): Promise<void> {
  const done = () => operation.getStatus() === "SUCCEEDED" || operation.getStatus() === "FAILED";
  if (done()) return;
  await Promise.race([operation.waitForData(WaitingOperationStatus.COMPLETED).catch(() => undefined), run.finished.catch(() => undefined)]);
}

const firstAnswerWins = concept(
  "the first answer wins: the parallel completes as soon as one channel answers, with " +
    "completionConfig { minSuccessful: 1 } (module 07), leaving the other channel waiting",
);
const failureReachesTheParallel = (channel: Channel) =>
  concept(
    `expected the ${channel} failure to reach the parallel as a failed branch: a branch that catches its ` +
      "callback's error turns a failure or a timeout into a success with no answer; let it throw, and read it " +
      "in firstAnswer from answers.failed()",
  );
const failureIsNotDecisive = concept(
  "a failure on one channel is not decisive on its own: the parallel must keep waiting for the other channel " +
    "(completionConfig { minSuccessful: 1 } waits past a failed branch for the first success)",
);

describe.concurrent("08 · timeouts and escalation: the finished workflow", () => {
  // The tests that wait for a one-second timeout come first, so that their second of real time
  // overlaps with the other tests (vitest runs five at once).
  it("escalates in timeout-escalate-<id> when nobody answers in time", async () => {
    const run = startFraudCheck(handler, { id: 806, amount: 50, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    if (callbackTimeoutSeconds(email) !== 1 || callbackTimeoutSeconds(sms) !== 1) {
      // These callbacks would wait far longer than the test: answer them, then fail.
      await Promise.all([email.sendCallbackSuccess(no), sms.sendCallbackSuccess(no)]);
      await run.finished.catch(() => undefined);
      expect.fail(concept("expected both callbacks to time out after VERIFICATION_TIMEOUT_SECONDS (1 here), as in module 07"));
    }
    const execution = await finish(run, escalationReplays(806));

    const statuses = [callbackStatus(email), callbackStatus(sms)];
    const bothWaited = concept(
      "expected the parallel to wait until both callbacks timed out: a timed-out branch must fail (not be caught " +
        "inside the branch), and minSuccessful 1 then keeps waiting for the other channel",
    );
    expect(statuses, bothWaited).toEqual(["TIMED_OUT", "TIMED_OUT"]);
    const escalate = todo(
      1,
      'expected silence to escalate in a step named "timeout-escalate-806"; it runs when firstAnswer returns ' +
        "undefined, which TODO 2 makes it do when every failed branch's error.cause (not error itself) is a CallbackTimeoutError",
    );
    expect(operationNames(execution), escalate).toContain("timeout-escalate-806");
    const ends = todo(
      1,
      'expected the escalation to end the execution: return sentToFraudDeptResult(transaction, score, "NoCustomerResponse") ' +
        "right after timeout-escalate-806, so that finalize-806 never runs",
    );
    expect(operationNames(execution), ends).not.toContain("finalize-806");
    const result = resultOf(execution, todo(1, "expected the execution to succeed after escalating"));
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

  it.each([
    ["email", "sms", 815],
    ["sms", "email", 825],
  ] as const)("declines when the %s sends a failure and the %s stays silent", async (failing, silent, id) => {
    const run = startFraudCheck(handler, { id, amount: 90, ...shop, score: 4 });
    const callbacks = await bothChannels(run);
    await callbacks[failing].sendCallbackFailure(failure);
    const execution = await finish(run, replaysIn(`finalize-${id}`));

    expect(branchStatus(run, failing), failureReachesTheParallel(failing)).toBe("FAILED");
    expect(callbackStatus(callbacks[silent]), failureIsNotDecisive).toBe("TIMED_OUT");
    const declined = todo(
      2,
      `a failure on one channel and silence on the other is a "no" (TransactionDeclined, decided in finalize-${id}): ` +
        "it is silence only when every failed branch's error.cause is a CallbackTimeoutError, not when one is",
    );
    const result = resultOf(execution, declined);
    expect(result.body, declined).toEqual({
      transaction_id: id,
      amount: 90,
      fraud_score: 4,
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(operationNames(execution), declined).toContain(`finalize-${id}`);
    expect(operationNames(execution), declined).not.toContain(`timeout-escalate-${id}`);
    const once = concept(`expected exactly one sendToFraudDepartment call, made by finalize-${id}`);
    expect(decisions(id), once).toEqual(["sendToFraudDepartment"]);
  });

  it.each([
    ["email", "sms", 817],
    ["sms", "email", 827],
  ] as const)("authorizes when the %s sends a failure and the %s then approves", async (failing, approving, id) => {
    const run = startFraudCheck(handler, { id, amount: 90, ...shop, score: 3 });
    const callbacks = await bothChannels(run);
    await callbacks[failing].sendCallbackFailure(failure);
    // Let the workflow take the failure in before the approval arrives.
    await takenIn(run, callbacks[failing]);
    await callbacks[approving].sendCallbackSuccess(yes);
    const execution = await finish(run, replaysIn(`finalize-${id}`));

    expect(branchStatus(run, failing), failureReachesTheParallel(failing)).toBe("FAILED");
    // The approval reached the parallel: it had not ended at the failure.
    expect(branchStatus(run, approving), failureIsNotDecisive).toBe("SUCCEEDED");
    const approved = todo(
      2,
      `a failure is not decisive on its own: when the ${approving} approves after the ${failing} failed, ` +
        "firstAnswer must return the approval: read answers.succeeded() before any failure, and never pick a " +
        "branch by its place in answers.all (the email branch is always first there, whatever answered first)",
    );
    const result = resultOf(execution, approved);
    expect(result.body, approved).toEqual({
      transaction_id: id,
      amount: 90,
      fraud_score: 3,
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    const once = concept(`expected exactly one authorize call, made by finalize-${id}`);
    expect(decisions(id), once).toEqual(["authorize"]);
  });

  it("still decides when a channel sends a failure too long to checkpoint (40 KB)", async () => {
    const run = startFraudCheck(handler, { id: 828, amount: 90, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    // The service takes a failure message this long; a checkpointed error over 32 KB it refuses.
    await email.sendCallbackFailure({ ErrorType: "DeliveryFailed", ErrorMessage: "x".repeat(40_000) });
    await takenIn(run, email);
    await sms.sendCallbackSuccess(yes);
    const execution = await finish(run, replaysIn("finalize-828"));

    const decided = concept(
      "expected a suspended card to end decided whatever a channel sends: a failure over 32 KB cannot be " +
        "checkpointed, so the channel (askOneChannel) keeps only the start of its message; a plain " +
        "waitForCallback would fail the whole execution and leave the card suspended",
    );
    expect(resultOf(execution, decided).body, decided).toMatchObject({
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    expect(decisions(828), decided).toEqual(["authorize"]);
  });

  it("decides on the first answer without waiting for the other channel to time out", async () => {
    const run = startFraudCheck(handler, { id: 816, amount: 640, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    await sms.sendCallbackSuccess(no);
    const execution = await finish(run, replaysIn("finalize-816"));

    expect(batchOf(run).completionReason, firstAnswerWins).toBe("MIN_SUCCESSFUL_REACHED");
    expect(callbackStatus(email), firstAnswerWins).toBe("STARTED");
    const declined = concept('expected the SMS "no" to decide: "SentToFraudDept" with "TransactionDeclined", in finalize-816');
    expect(resultOf(execution, declined).body, declined).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(operationNames(execution), declined).toContain("finalize-816");
    const once = concept("expected exactly one sendToFraudDepartment call, made by finalize-816");
    expect(decisions(816), once).toEqual(["sendToFraudDepartment"]);
  });

  it("ignores an answer that arrives after the decision", async () => {
    const run = startFraudCheck(handler, { id: 818, amount: 640, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    await email.sendCallbackSuccess(yes);
    const execution = await finish(run, replaysIn("finalize-818"));
    // What the execution did, read again below: the runner's operations are live.
    const snapshot = () => ({ status: execution.getStatus(), operations: operationNames(execution), decisions: decisions(818) });
    const before = snapshot();

    // The SMS says "no" once the transaction is decided. The service refuses an answer to a
    // callback that is no longer open; the local runtime takes it without complaint (it marks
    // the callback answered and invokes nothing).
    await sms.sendCallbackSuccess(no).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 250));

    const unchanged = concept(
      "expected an answer after the decision to change nothing: the transaction was decided once, by the first answer",
    );
    expect(snapshot(), unchanged).toEqual(before);
    expect(before.decisions, concept("expected exactly one authorize call, made by finalize-818")).toEqual(["authorize"]);
    const approved = concept('expected the email approval to decide: "authorized" with "TransactionApproved"');
    expect(resultOf(execution, approved).body, approved).toMatchObject({
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
  });

  it("decides once when the same answer arrives twice on one channel", async () => {
    const run = startFraudCheck(handler, { id: 819, amount: 640, ...shop, score: 4 });
    const { email } = await bothChannels(run);
    await Promise.all([email.sendCallbackSuccess(yes), email.sendCallbackSuccess(yes)]);
    const execution = await finish(run, replaysIn("finalize-819"));

    const approved = concept('expected the email approval to decide: "authorized" with "TransactionApproved"');
    expect(resultOf(execution, approved).body, approved).toMatchObject({
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    const once = concept("expected one decision, in one finalize-819 step, however often the answer arrives");
    expect(countOf(execution, "finalize-819"), once).toBe(1);
    expect(decisions(819), once).toEqual(["authorize"]);
  });

  it("authorizes a low-risk transaction at once, without asking anyone", async () => {
    const run = startFraudCheck(handler, { id: 801, amount: 12, ...shop });
    const execution = await finish(run, replaysIn("authorize-801"));

    const low = concept('expected a low-risk transaction (score 1) to be "authorized" in the step authorize-801 alone');
    expect(resultOf(execution, low).body, low).toEqual({ transaction_id: 801, amount: 12, fraud_score: 1, result: "authorized" });
    expect(operationNames(execution), low).toEqual(["fraudCheck", "authorize-801"]);
    expect(decisions(801), concept("expected exactly one authorize call, made by authorize-801")).toEqual(["authorize"]);
    expect(messagesFor(801), concept("expected a low-risk transaction to ask no one")).toHaveLength(0);
  });

  it("sends a high-risk transaction straight to the fraud department", async () => {
    const run = startFraudCheck(handler, { id: 802, amount: 25_000, ...shop });
    const execution = await finish(run, replaysIn("sendToFraudDepartment-802"));

    const high = concept('expected a high-risk transaction (score 5) to be "SentToFraudDept" in the step sendToFraudDepartment-802 alone');
    expect(resultOf(execution, high).body, high).toEqual({
      transaction_id: 802,
      amount: 25_000,
      fraud_score: 5,
      result: "SentToFraudDept",
    });
    expect(operationNames(execution), high).toEqual(["fraudCheck", "sendToFraudDepartment-802"]);
    const once = concept("expected exactly one sendToFraudDepartment call, made by sendToFraudDepartment-802");
    expect(decisions(802), once).toEqual(["sendToFraudDepartment"]);
    expect(messagesFor(802), concept("expected a high-risk transaction to ask no one")).toHaveLength(0);
  });

  it.each([
    ["email", 803],
    ["sms", 813],
  ] as const)("authorizes a medium-risk transaction approved by %s", async (channel, id) => {
    const run = startFraudCheck(handler, { id, amount: 7_500, ...shop });
    const callbacks = await bothChannels(run);
    await callbacks[channel].sendCallbackSuccess(yes);
    const execution = await finish(run, replaysIn(`finalize-${id}`));

    const approved = concept(
      `expected the ${channel} approval to win, whichever channel it came by: read the first succeeded branch ` +
        "(answers.succeeded()), not the first item of answers.all, which is always the email branch",
    );
    expect(resultOf(execution, approved).body, approved).toEqual({
      transaction_id: id,
      amount: 7_500,
      fraud_score: 3,
      result: "authorized",
      customerVerificationResult: "TransactionApproved",
    });
    const path = concept(`expected the card suspended in suspend-${id}, both channels asked, and the decision in finalize-${id}`);
    expect(operationNames(execution), path).toEqual(
      expect.arrayContaining(["fraudCheck", `suspend-${id}`, PARALLEL, channels[channel], `finalize-${id}`]),
    );
    expect(payments.callsFor("suspendCard", id), concept("expected the card suspended once")).toHaveLength(1);
    expect(decisions(id), concept(`expected exactly one authorize call, made by finalize-${id}`)).toEqual(["authorize"]);
    const sent = messagesFor(id)
      .map((message) => message.channel)
      .sort();
    expect(sent, concept("expected one email and one SMS")).toEqual(["email", "sms"]);
  });

  it.each([
    ["email", 804],
    ["sms", 814],
  ] as const)('escalates as declined when the card holder says "no" by %s', async (channel, id) => {
    const run = startFraudCheck(handler, { id, amount: 50, ...shop, score: 4 });
    const callbacks = await bothChannels(run);
    await callbacks[channel].sendCallbackSuccess(no);
    const execution = await finish(run, replaysIn(`finalize-${id}`));

    const declined = concept(
      `expected the ${channel} "no" to decide: "SentToFraudDept" with "TransactionDeclined", in finalize-${id} ` +
        "(the first succeeded branch wins, whichever channel it came by)",
    );
    expect(resultOf(execution, declined).body, declined).toMatchObject({
      result: "SentToFraudDept",
      customerVerificationResult: "TransactionDeclined",
    });
    expect(operationNames(execution), declined).toContain(`finalize-${id}`);
    const once = concept(`expected a "no" to make exactly one sendToFraudDepartment call, in finalize-${id}`);
    expect(decisions(id), once).toEqual(["sendToFraudDepartment"]);
  });

  it("escalates as declined, not as silence, when both channels send a failure", async () => {
    const run = startFraudCheck(handler, { id: 805, amount: 50, ...shop, score: 3 });
    const { email, sms } = await bothChannels(run);
    await Promise.all([email.sendCallbackFailure(failure), sms.sendCallbackFailure(failure)]);
    const execution = await finish(run, replaysIn("finalize-805"));

    expect(branchStatus(run, "email"), failureReachesTheParallel("email")).toBe("FAILED");
    expect(branchStatus(run, "sms"), failureReachesTheParallel("sms")).toBe("FAILED");
    const answered = todo(
      2,
      "a failure sent to a callback is an answer, not silence: " +
        "only a CallbackTimeoutError (in each failure's error.cause) means nobody answered",
    );
    expect(resultOf(execution, answered).body.customerVerificationResult, answered).toBe("TransactionDeclined");
    expect(operationNames(execution), answered).toContain("finalize-805");
    expect(operationNames(execution), answered).not.toContain("timeout-escalate-805");
    const once = concept("expected exactly one sendToFraudDepartment call, made by finalize-805");
    expect(decisions(805), once).toEqual(["sendToFraudDepartment"]);
  });

  it.each([
    ["a missing id", { amount: 10, ...shop }, "id"],
    ["an amount that is not a number", { id: 807, amount: "12.50", ...shop }, "amount"],
    ["a negative amount", { id: 808, amount: -5, ...shop }, "amount"],
    ["a score outside 0-5", { id: 809, amount: 10, ...shop, score: 7 }, "score"],
    ["a payload that is not an object", "please check transaction 807", "event"],
  ])("rejects %s, naming the field, before any side effect", async (_case, payload, field) => {
    const run = startFraudCheck(handler, payload);
    const execution = await finish(run, concept("expected bad input to end the execution the same way on every replay"));
    // The other tests run meanwhile: count only the calls for this event's id. An event without
    // an id would make calls without one, and the other tests' calls all carry theirs.
    const id = typeof payload === "object" && "id" in payload ? payload.id : undefined;

    const early = concept(`expected bad input to fail the execution, naming the field "${field}", before any step runs`);
    expect(execution.getStatus(), early).toBe("FAILED");
    expect(execution.getError().errorMessage, early).toContain(`"${field}"`);
    expect(operationNames(execution), early).toEqual([]);
    const paymentCalls = payments.calls.filter((call) => call.transactionId === id);
    expect(paymentCalls, concept("expected bad input to make no call to the payment system")).toHaveLength(0);
    expect(messagesFor(id), concept("expected bad input to send no message to the card holder")).toHaveLength(0);
    const scorings = riskScorer.calls.filter((call) => call.transactionId === id);
    expect(scorings, concept("expected bad input not to ask the risk scorer")).toHaveLength(0);
  });
});
