import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { describe, expect, it } from "vitest";
import { payments } from "../../fraud/payments.ts";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { durableLogs, operationNames, resultOf, runFraudCheck, useLocalRuntime } from "../../workshop/testing/local-runtime.ts";
import { replayProblem } from "../../workshop/testing/replay.ts";
import { handler } from "./handler.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
// Every finished execution is replayed from its checkpoints; an outside call it repeats names its TODO.
const replayCheck = { guide, todos: { "payments.sendToFraudDepartment": 1 } };
// Real time: with skipped time, whether the runtime replays at all is not deterministic.
// The one-second pauses overlap: each test uses its own transaction id.
useLocalRuntime({ skipTime: false, concurrent: true, replayCheck });

const watch = { id: 202, amount: 25_000, location: "Geneva", vendor: "Fine Watches" };

/**
 * The handler as a new Lambda instance loads it: its module runs again, so anything it keeps
 * in module-level variables starts over, as it does when the service replays an execution on
 * another instance. A query of its own makes the import a module of its own; what it imports
 * (the fakes) stays the same, so the calls it makes are still counted.
 */
let instances = 0;
async function handlerOnANewInstance(): Promise<DurableLambdaHandler> {
  instances += 1;
  const module: typeof import("./handler.ts") = await import(`./handler.ts?instance=${instances}`);
  return module.handler;
}

describe.concurrent("02 · checkpoints and replay", () => {
  it("runs the function twice: once up to the pause, once from the checkpoints to the end", async () => {
    const execution = await runFraudCheck(handler, { ...watch, id: 201 });

    resultOf(
      execution,
      guide.concept(
        "expected the execution to survive its own replay: the replay must meet the same operations under the same names, so build a name from the transaction, never from Date.now() or Math.random()",
      ),
    );
    expect(execution.getInvocations().length, guide.concept("expected the settlement-window pause to cause a replay")).toBe(2);
    const scorings = riskScorer.calls.filter((call) => call.transactionId === 201);
    expect(scorings, guide.concept("the fraudCheck step is replayed from its checkpoint, not re-run")).toHaveLength(1);
  });

  it("escalates a risky transaction once, although the function ran twice", async () => {
    const execution = await runFraudCheck(handler, watch);

    expect(
      payments.callsFor("sendToFraudDepartment", 202),
      todo(1, "expected one call to payments.sendToFraudDepartment across both invocations"),
    ).toHaveLength(1);
    expect(operationNames(execution), todo(1, 'expected a step named "sendToFraudDepartment-202"')).toContain("sendToFraudDepartment-202");
    expect(resultOf(execution, todo(1, "expected the execution to succeed")).body.result).toBe("SentToFraudDept");
  });

  it("escalates once even when the replay runs on a new Lambda instance", async () => {
    const payload = { ...watch, id: 205 };
    const execution = await runFraudCheck(handler, payload);

    const problem = await replayProblem(await handlerOnANewInstance(), payload, execution, {
      folder: guide.folder,
      todos: replayCheck.todos,
    });
    expect(
      problem,
      todo(
        1,
        "expected a replay on a new Lambda instance to call nothing again. Module-level variables start over on every instance; only a step's checkpoint remembers that the fraud department was called",
      ),
    ).toBeUndefined();
  });

  it("logs through the replay-aware logger, once per execution", async () => {
    await runFraudCheck(handler, { ...watch, id: 203 });

    const logged = durableLogs.filter((line) => line.message === "Checking transaction 203");
    expect(logged, todo(2, "expected context.logger to log the line once, not once per invocation")).toHaveLength(1);
  });

  it("still authorizes a low-risk transaction once", async () => {
    const execution = await runFraudCheck(handler, { ...watch, id: 204, amount: 12 });

    expect(
      payments.callsFor("authorize", 204),
      guide.concept("expected one call to payments.authorize, in its step authorize-204"),
    ).toHaveLength(1);
    expect(resultOf(execution, guide.concept("expected the execution to succeed")).body.result).toBe("authorized");
  });
});
