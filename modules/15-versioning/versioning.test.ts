import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notifications } from "../../fraud/notifications.ts";
import { payments } from "../../fraud/payments.ts";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { callbackReady } from "../../workshop/testing/callbacks.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { resultOf, startFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";
import { handler as version1 } from "./v1.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints, under your version 2.
const replayCheck = { guide, todos: { "payments.suspendCard": 2, "notifications.sendReceipt": 2 } };
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

// Callback timeouts run on real time: long enough here for each test to answer.
beforeAll(() => {
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "30");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const transaction = (id: number) => ({ id, amount: 2_400, location: "Porto", vendor: "Night Market Tickets" });
const yes = JSON.stringify({ approved: true });

/**
 * Starts an execution under `started`, waits until it asks the card holder, then ships `resumed`
 * (as a deploy of $LATEST would) and answers: the rest of the execution replays under `resumed`.
 */
async function answered(id: number, started: DurableLambdaHandler, resumed: DurableLambdaHandler): Promise<TestResult<FraudCheckResult>> {
  let current = started;
  const shipped: DurableLambdaHandler = (event, context) => current(event, context);
  const run = startFraudCheck(shipped, transaction(id));
  const email = await callbackReady(run, "SendVerificationEmail", todo(2, "expected the card holder asked by email, as version 1 does"));
  current = resumed;
  await email.sendCallbackSuccess(yes);
  return run.finished;
}

const names = (execution: TestResult<FraudCheckResult>) => execution.getOperations().map((operation) => operation.getName());
const versionOf = (execution: TestResult<FraudCheckResult>) =>
  execution
    .getOperations()
    .find((operation) => operation.getName() === "workflow-version")
    ?.getStepDetails()?.result;

describe.concurrent("15 · changing code while executions run", () => {
  it("new executions are version 2: the card is blocked with block-card-<id>, and a receipt follows the decision", async () => {
    const id = 1501;
    const execution = await answered(id, handler, handler);

    resultOf(execution, todo(2, "expected a new execution of version 2 to succeed"));
    expect(versionOf(execution), todo(1, 'expected the step "workflow-version" to record 2 for a new execution')).toBe(2);
    expect(names(execution), todo(2, `expected version 2 to block the card in a step named block-card-${id}, not suspend-${id}`)).toContain(
      `block-card-${id}`,
    );
    expect(names(execution).at(-1), todo(2, `expected a last step receipt-${id}, after finalize-${id}`)).toBe(`receipt-${id}`);
    expect(
      notifications.receipts.filter((receipt) => receipt.transactionId === id),
      todo(2, "expected one receipt"),
    ).toHaveLength(1);
  });

  it("an execution version 1 started finishes under version 2, replaying the path it started on", async () => {
    const id = 1502;
    const execution = await answered(id, version1, handler);

    if (execution.getStatus() === "FAILED" && execution.getError().errorType === "NonDeterministicExecutionError") {
      expect.fail(
        todo(
          3,
          "expected the execution version 1 started to finish under version 2, but replaying it failed: keep suspend-<id> " +
            "when the recorded version is 1, read that version from the step's result, and add new steps only after what " +
            "version 1 checkpointed, since a replay meets each operation where the execution checkpointed it, by name and in " +
            `order (${execution.getError().errorMessage})`,
        ),
      );
    }
    const result = resultOf(execution, todo(3, "expected the execution version 1 started to finish under version 2"));
    expect(versionOf(execution), todo(3, "expected the version recorded when it started, 1, read back on replay")).toBe(1);
    expect(names(execution), todo(3, `expected the step version 1 checkpointed, suspend-${id}`)).toContain(`suspend-${id}`);
    expect(result.body.customerVerificationResult, todo(3, "expected the card holder's yes to approve it")).toBe("TransactionApproved");
    expect(
      payments.calls.filter((call) => call.transactionId === id).map((call) => call.action),
      todo(3, "expected the card blocked once and the transaction authorized once"),
    ).toEqual(["suspendCard", "authorize"]);
    expect(
      notifications.receipts.filter((receipt) => receipt.transactionId === id),
      todo(2, "expected the receipt for this execution too: a step after everything version 1 checkpointed replays safely"),
    ).toHaveLength(1);
  });

  it("bad input fails at once, naming the field, and blocks nothing", async () => {
    const id = 1503;
    const run = startFraudCheck(handler, { ...transaction(id), id: "1503" });
    const execution = await run.finished;

    expect(execution.getStatus(), "expected bad input to fail the execution: keep validateTransaction(event) first").toBe("FAILED");
    expect(execution.getError().errorMessage, 'expected the error to name "id"').toContain('"id"');
    expect(
      payments.calls.filter((call) => call.transactionId === id),
      "expected no payment call for bad input",
    ).toEqual([]);
  });
});
