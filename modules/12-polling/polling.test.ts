import type { Event } from "@aws-sdk/client-lambda";
import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it } from "vitest";
import { type DisputeStatus, cardNetwork, MAX_STATUS_CHECKS } from "../../fraud/card-network.ts";
import type { DisputeResult } from "../../fraud/disputes.ts";
import { payments } from "../../fraud/payments.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler, MAX_CHECKS } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = {
  guide,
  todos: { "cardNetwork.disputeStatus": 1, "payments.refund": 1, "payments.sendToFraudDepartment": 3 },
};
// Each test uses its own transaction id, so they can run at the same time.
useLocalRuntime({ concurrent: true, replayCheck });

const disputed = (id: number) => ({ id, amount: 640, location: "Online", vendor: "Gadget Importers" });
const HOUR = 3600;
const statusChecks = (id: number) => cardNetwork.callsFor(id, "disputeStatus").length;

/** Runs a dispute whose status checks answer `statuses` (the last repeats), and returns its result. */
async function follow(id: number, statuses: DisputeStatus[]): Promise<{ execution: TestResult<DisputeResult>; result: DisputeResult }> {
  cardNetwork.script(id, statuses);
  const run = runFraudCheck<DisputeResult>(handler, disputed(id));
  const ran = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (statusChecks(id) >= MAX_STATUS_CHECKS) {
    expect.fail(
      todo(
        3,
        `expected the polling to stop after MAX_CHECKS (${MAX_CHECKS}) checks, but it checked until the card network refused ` +
          `(${MAX_STATUS_CHECKS} checks): a wait strategy that never says stop polls forever, so stop once state.checks reaches MAX_CHECKS`,
      ),
    );
  }
  if (ran !== undefined) throw ran;
  const execution = await run;
  return { execution, result: resultOf(execution, todo(1, "expected the dispute to be followed to an end")) };
}

/** The waitForCondition that follows transaction `id`'s dispute; fails as TODO 1 when there is none. */
function polling(execution: TestResult<DisputeResult>, id: number) {
  const operations = execution.getOperations();
  const name = `dispute-status-${id}`;
  const found = operations.find((operation) => operation.getName() === name && operation.getSubType() === "WaitForCondition");
  const waits = operations.filter((operation) => operation.getType() === "WAIT").length;
  const why =
    waits > 0
      ? `expected one waitForCondition named "${name}", not a loop of steps and waits (${waits} waits): a loop writes a step ` +
        "and a wait into the history for every check, so the history grows with each one, and the state between checks " +
        "is yours to carry; waitForCondition is one operation that checkpoints the state of each check and the next delay"
      : `expected a waitForCondition named "${name}" (none ran)`;
  expect(found, todo(1, why)).toBeDefined();
  return found;
}

/** The delays, in seconds, the polling waited between its checks, from the history. */
function delaysOf(execution: TestResult<DisputeResult>, id: number): number[] {
  return execution
    .getHistoryEvents()
    .filter((event: Event) => event.EventType === "StepSucceeded" && event.Name === `dispute-status-${id}`)
    .flatMap((event: Event) => event.StepSucceededDetails?.RetryDetails?.NextAttemptDelaySeconds ?? []);
}

describe.concurrent("12 · polling with waitForCondition", () => {
  it("follows the dispute with one waitForCondition named dispute-status-<id>, and refunds a won dispute once", async () => {
    const id = 1201;
    const { execution, result } = await follow(id, ["UNDER_REVIEW", "UNDER_REVIEW", "WON"]);

    polling(execution, id);
    expect(statusChecks(id), todo(1, "expected a status check each time, until the network says WON: three checks")).toBe(3);
    expect(
      result.checks,
      todo(
        1,
        "expected checks: 3, counted in the state the check function returns (state.checks + 1): a counter kept in the " +
          "handler starts over on every invocation, and each wait between two checks ends one",
      ),
    ).toBe(3);
    expect(result, todo(1, "expected the final state's status to decide: WON is refunded")).toMatchObject({
      status: "WON",
      outcome: "refunded",
    });
    expect(payments.callsFor("refund", id), todo(1, "expected exactly one refund")).toHaveLength(1);
  });

  it("waits an hour before checking again, then twice as long each time, never more than a day", async () => {
    const id = 1202;
    const { execution } = await follow(id, [...Array<DisputeStatus>(8).fill("UNDER_REVIEW"), "LOST"]);

    polling(execution, id);
    expect(
      delaysOf(execution, id),
      todo(
        2,
        "expected delays of 1 h, 2 h, 4 h, 8 h, 16 h, then 24 h each: double the delay with each check (2 ** (attempt - 1) " +
          "hours), and cap it at a day, so a slow dispute costs few checks and an answer is never a day late",
      ),
    ).toEqual([1, 2, 4, 8, 16, 24, 24, 24].map((hours) => hours * HOUR));
  });

  it(`gives up after ${MAX_CHECKS} checks and escalates an unresolved dispute to the fraud department`, async () => {
    const id = 1203;
    const { execution, result } = await follow(id, ["UNDER_REVIEW"]);

    polling(execution, id);

    expect(
      statusChecks(id),
      todo(3, `expected the polling to stop after MAX_CHECKS (${MAX_CHECKS}) checks, read from the state: state.checks`),
    ).toBe(MAX_CHECKS);
    expect(result, todo(3, "expected an unresolved dispute escalated, with the state of the last check")).toMatchObject({
      status: "UNDER_REVIEW",
      checks: MAX_CHECKS,
      outcome: "escalated",
    });
    expect(payments.callsFor("sendToFraudDepartment", id), todo(3, "expected one hand-off to the fraud department")).toHaveLength(1);
  });

  it("closes a lost dispute: no refund and no escalation", async () => {
    const id = 1204;
    const { execution, result } = await follow(id, ["UNDER_REVIEW", "LOST"]);

    polling(execution, id);

    expect(result, todo(1, "expected a LOST dispute closed after two checks")).toMatchObject({
      status: "LOST",
      checks: 2,
      outcome: "closed",
    });
    expect(payments.decisionsFor(id), todo(1, "expected no payment call for a lost dispute")).toEqual([]);
  });

  it("bad input fails at once, naming the field, and files no dispute", async () => {
    const id = 1205;
    const execution = await runFraudCheck<DisputeResult>(handler, { ...disputed(id), amount: "lots" });

    expect(execution.getStatus(), "expected bad input to fail the execution: keep validateTransaction(event) first").toBe("FAILED");
    expect(execution.getError().errorMessage, 'expected the error to name "amount"').toContain('"amount"');
    expect(cardNetwork.callsFor(id), "expected no dispute filed for bad input").toEqual([]);
  });
});
