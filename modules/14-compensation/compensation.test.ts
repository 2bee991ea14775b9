import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cardAccounts } from "../../fraud/card-accounts.ts";
import type { CardBlockResult } from "../../fraud/card-block.ts";
import { fraudDepartment } from "../../fraud/fraud-department.ts";
import { payments } from "../../fraud/payments.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { resultOf, runFraudCheck, startFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = {
  guide,
  todos: { "payments.reactivateCard": 2, "cardAccounts.unfreeze": 2, "fraudDepartment.closeCase": 2 },
};
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

// Callback timeouts run on real time: an investigator has two seconds here, for every test of this file.
beforeAll(() => {
  vi.stubEnv("ACCEPTANCE_TIMEOUT_SECONDS", "2");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const transaction = (id: number) => ({ id, amount: 900, location: "Online", vendor: "Gift Cards Unlimited" });

/** What the investigator does with the case once it is handed to them. */
type Investigator = "accepts" | "refuses" | "stays silent";

/**
 * Blocks the card of transaction `id`. Once the hand-off has carried a callback id, the
 * investigator answers the callback `accept-<id>` as told.
 */
const block = async (id: number, investigator: Investigator = "accepts") => {
  const run = startFraudCheck<CardBlockResult>(handler, transaction(id));
  let ended = false;
  void run.finished.then(
    () => (ended = true),
    () => (ended = true),
  );
  const handedOffWith = () => fraudDepartment.callsFor(id).find((call) => call.action === "handOff" && call.outcome === "ok")?.callbackId;
  const acceptance = run.runner.getOperation(`accept-${id}`);
  // The hand-off runs in the handler; the runner learns of the callback from the checkpoint
  // server a moment later, and cannot answer it before.
  const answerable = () => handedOffWith() !== undefined && acceptance.getOperationData() !== undefined;
  while (!ended && !answerable()) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!ended && investigator === "accepts") await acceptance.sendCallbackSuccess("accepted");
  if (!ended && investigator === "refuses") {
    await acceptance.sendCallbackFailure({ ErrorType: "CaseRefused", ErrorMessage: "Not an investigator's case: wrong region." });
  }
  const execution = await run.finished;
  return { execution, result: resultOf(execution, todo(2, "expected the block to end, handed off or rolled back")) };
};

/** Fails as TODO 4 unless the hand-off carried the id of the callback `accept-<id>`. */
function acceptanceAsked(execution: TestResult<CardBlockResult>, id: number): void {
  const callback = execution.getOperations().find((operation) => operation.getName() === `accept-${id}`);
  const sent = fraudDepartment.callsFor(id).find((call) => call.action === "handOff")?.callbackId;
  expect(callback?.getType(), todo(4, `expected a callback named accept-${id}, made with context.createCallback before the hand-off`)).toBe(
    "CALLBACK",
  );
  expect(
    sent,
    todo(4, "expected the hand-off to carry the callback's id (the second value createCallback gives), for the investigator to answer"),
  ).toBe(callback?.getCallbackDetails()?.callbackId);
}

/** The undo steps that ran, in the order they started. */
const undoSteps = (execution: TestResult<CardBlockResult>) =>
  execution
    .getOperations()
    .map((operation) => operation.getName() ?? "")
    .filter((name) => /^(reactivate|unfreeze|close-case)-/.test(name));

/** Fails as TODO 1 when a failed block undid nothing at all. */
function somethingUndone(execution: TestResult<CardBlockResult>): void {
  if (undoSteps(execution).length > 0) return;
  expect.fail(
    todo(
      1,
      "expected what was done undone after the block failed, but nothing was: push each compensation onto done once its " +
        "step has succeeded (TODO 1), and run them in the catch (TODO 2)",
    ),
  );
}

/** Every call to an outside system for transaction `id`, in order, as `system.action`. */
const callsFor = (id: number) => [
  ...payments.calls.filter((call) => call.transactionId === id).map((call) => `payments.${call.action}`),
  ...cardAccounts.calls.filter((call) => call.transactionId === id).map((call) => `cardAccounts.${call.action}`),
  ...fraudDepartment.callsFor(id).map((call) => `fraudDepartment.${call.action}`),
];

describe.concurrent("14 · compensation", () => {
  it("blocks the card, freezes the amount, opens a case and hands it off; nothing is undone", async () => {
    const id = 1401;
    const { execution, result } = await block(id);

    acceptanceAsked(execution, id);
    expect(result, "expected the case handed off").toEqual({ transaction_id: id, outcome: "handed-off", undone: [] });
    expect(undoSteps(execution), "expected nothing undone when everything worked").toEqual([]);
    expect(cardAccounts.frozen(transaction(id)), "expected the amount frozen").toBe(900);
  });

  it("when the hand-off fails for good, undoes what was done, last first: close the case, unfreeze, reactivate", async () => {
    const id = 1402;
    fraudDepartment.goDown(id);
    const { execution, result } = await block(id);

    const expected = [`close-case-${id}`, `unfreeze-${id}`, `reactivate-${id}`];
    somethingUndone(execution);
    expect(
      undoSteps(execution),
      todo(2, "expected the undo steps last first, each a step named by its compensation: what was done last depends on what came before"),
    ).toEqual(expected);
    expect(result, todo(2, "expected the result to list the undo steps that ran")).toMatchObject({
      outcome: "rolled-back",
      undone: expected,
    });
    expect(
      callsFor(id).filter((call) => /reactivateCard|unfreeze|closeCase/.test(call)),
      todo(2, "expected each undo called once"),
    ).toEqual(["payments.reactivateCard", "cardAccounts.unfreeze", "fraudDepartment.closeCase"]);
    expect(cardAccounts.frozen(transaction(id)), todo(2, "expected nothing left frozen")).toBe(0);
  });

  it("when the bank refuses the freeze, only the suspension is undone: what failed was never done", async () => {
    const id = 1403;
    cardAccounts.refuse(id, "freeze");
    const { execution } = await block(id);

    somethingUndone(execution);
    expect(
      undoSteps(execution),
      todo(
        1,
        "expected only reactivate-<id>: push a compensation once its step has succeeded, not before it runs; an unfreeze " +
          "of a freeze that never happened, or a case closed that was never opened, is a change of its own",
      ),
    ).toEqual([`reactivate-${id}`]);
    expect(fraudDepartment.callsFor(id), todo(1, "expected no case opened or closed")).toEqual([]);
  });

  it("a lost answer to the freeze does not freeze twice: every attempt carries the same idempotency key", async () => {
    const id = 1404;
    cardAccounts.loseNextResponse(id, "freeze");
    const { result } = await block(id);

    expect(result.outcome, "expected the retry of the freeze to let the block go on").toBe("handed-off");
    const freezes = cardAccounts.calls.filter((call) => call.transactionId === id && call.action === "freeze");
    expect(freezes.length, "expected the freeze step to retry once after the lost answer").toBe(2);
    expect(
      cardAccounts.frozen(transaction(id)),
      todo(
        3,
        "expected the amount frozen once, not twice: the step's retry repeats a freeze the bank already applied; with an " +
          "idempotency key that is the same on every attempt (freeze-<id>, not a random or timed one) the bank applies it once",
      ),
    ).toBe(900);
  });

  it("an investigator who refuses the case: everything is undone, the case closed first", async () => {
    const id = 1406;
    const { execution, result } = await block(id, "refuses");

    acceptanceAsked(execution, id);
    expect(
      result,
      todo(4, "expected a refusal to undo the block: await the callback, and its failure throws into the catch"),
    ).toMatchObject({ outcome: "rolled-back", undone: [`close-case-${id}`, `unfreeze-${id}`, `reactivate-${id}`] });
    expect(result.error, todo(4, "expected the refusal's own message as the reason: the error the awaited callback throws")).toBe(
      "Not an investigator's case: wrong region.",
    );
  });

  it("an investigator who does not answer in time: the callback times out and the block is undone", async () => {
    const id = 1407;
    const { execution, result } = await block(id, "stays silent");

    acceptanceAsked(execution, id);
    expect(result, todo(4, "expected no answer within acceptanceTimeoutSeconds() to undo the block")).toMatchObject({
      outcome: "rolled-back",
      undone: [`close-case-${id}`, `unfreeze-${id}`, `reactivate-${id}`],
    });
    expect(
      result.error,
      todo(4, "expected the callback's timeout as the reason: give the callback acceptanceTimeoutSeconds() as its timeout"),
    ).toMatch(/timed out/i);
  });

  it("bad input fails at once, naming the field, and blocks nothing", async () => {
    const id = 1405;
    const execution = await runFraudCheck<CardBlockResult>(handler, { ...transaction(id), location: 42 });

    expect(execution.getStatus(), "expected bad input to fail the execution: keep validateTransaction(event) first").toBe("FAILED");
    expect(execution.getError().errorMessage, 'expected the error to name "location"').toContain('"location"');
    expect(callsFor(id), "expected no call for bad input").toEqual([]);
  });
});
