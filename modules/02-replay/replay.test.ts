import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { durableLogs, operationNames, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "payments.sendToFraudDepartment": 1 } };
// Real time: with skipped time, whether the runtime replays at all is not deterministic.
// The one-second pauses overlap: each test uses its own transaction id.
useLocalRuntime({ skipTime: false, concurrent: true, replayCheck });

const watch = { id: 202, amount: 25_000, location: "Geneva", vendor: "Fine Watches" };

describe.concurrent("02 · checkpoints and replay", () => {
  it("runs the function twice: once up to the pause, once from the checkpoints to the end", async () => {
    const execution = await runFraudCheck(handler, { ...watch, id: 201 });

    expect(execution.getInvocations().length, "expected the settlement-window pause to cause a replay").toBe(2);
    const scorings = riskScorer.calls.filter((call) => call.transactionId === 201);
    expect(scorings, "the fraudCheck step is replayed from its checkpoint, not re-run").toHaveLength(1);
  });

  it("escalates a risky transaction once, although the function ran twice", async () => {
    const execution = await runFraudCheck(handler, watch);

    expect(
      payments.callsFor("sendToFraudDepartment", 202),
      todo(1, "expected one call to payments.sendToFraudDepartment across both invocations"),
    ).toHaveLength(1);
    expect(operationNames(execution), todo(1, 'expected a step named "sendToFraudDepartment-202"')).toContain(
      "sendToFraudDepartment-202",
    );
    expect(resultOf(execution, "expected the execution to succeed").body.result).toBe("SentToFraudDept");
  });

  it("logs through the replay-aware logger, once per execution", async () => {
    await runFraudCheck(handler, { ...watch, id: 203 });

    const logged = durableLogs.filter((line) => line.message === "Checking transaction 203");
    expect(logged, todo(2, "expected context.logger to log the line once, not once per invocation")).toHaveLength(1);
  });

  it("still authorizes a low-risk transaction once", async () => {
    const execution = await runFraudCheck(handler, { ...watch, id: 204, amount: 12 });

    expect(payments.callsFor("authorize", 204)).toHaveLength(1);
    expect(resultOf(execution, "expected the execution to succeed").body.result).toBe("authorized");
  });
});
