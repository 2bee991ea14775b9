import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it } from "vitest";
import { payments } from "../fraud/payments.ts";
import { riskScorer } from "../fraud/risk-scorer.ts";
import { validateTransaction } from "../fraud/transaction.ts";
import { useLocalRuntime } from "../workshop/testing/local-runtime.ts";
import { replayProblem, type ReplayGuide } from "../workshop/testing/replay.ts";

const guide: ReplayGuide = { folder: "modules/01-first-step", todos: { "riskScorer.score": 1, "payments.authorize": 2 } };

/** Runs `body` as a durable handler to its end, then replays it from its checkpoints. */
async function problemOf(id: number, body: (event: unknown, context: DurableContext) => Promise<unknown>) {
  const handler = withDurableExecution(body);
  const payload = { id, amount: 10, location: "Lyon", vendor: "Bakery" };
  const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload });
  return { status: execution.getStatus(), problem: await replayProblem(handler, payload, execution, guide) };
}

useLocalRuntime({ concurrent: true });

describe.concurrent("the replay check", () => {
  it("passes a workflow whose every outside call is inside a step", async () => {
    const { status, problem } = await problemOf(9001, async (event, context) => {
      const transaction = validateTransaction(event);
      const score = await context.step("fraudCheck", () => riskScorer.score(transaction));
      await context.step(`authorize-${transaction.id}`, () => payments.authorize(transaction));
      return { score };
    });
    expect(status).toBe("SUCCEEDED");
    expect(problem).toBeUndefined();
  });

  it("names the call made outside a step, and its TODO, lowest first", async () => {
    const { problem } = await problemOf(9002, async (event, context) => {
      const transaction = validateTransaction(event);
      await payments.authorize(transaction);
      const score = await riskScorer.score(transaction);
      await context.step("fraudCheck", async () => score);
      return { score };
    });
    expect(problem).toMatch(/^TODO 1 in modules\/01-first-step\/handler\.ts: /);
    expect(problem).toContain("riskScorer.score (TODO 1), payments.authorize (TODO 2) again");
  });

  it("fails a result that changes between replays, such as a random number drawn outside a step", async () => {
    const { problem } = await problemOf(9003, async (event, context) => {
      const transaction = validateTransaction(event);
      await context.step("fraudCheck", () => riskScorer.score(transaction));
      return { checkedAt: Math.random() };
    });
    expect(problem).toMatch(/^In modules\/01-first-step\/handler\.ts: replaying the execution from its checkpoints ended differently/);
  });

  it("fails a replay that takes another path than the first run", async () => {
    let runs = 0;
    const { problem } = await problemOf(9004, async (event, context) => {
      validateTransaction(event);
      runs += 1;
      await context.step("fraudCheck", async () => 1);
      if (runs > 1) await context.step("only-on-replay", async () => 2);
      return {};
    });
    expect(problem).toContain("took another path: it started only-on-replay");
  });

  it("replays a failed execution too: the same bad input fails the same way", async () => {
    const handler = withDurableExecution(async (event: unknown) => validateTransaction(event));
    const payload = { id: 9005, amount: -1, location: "Lyon", vendor: "Bakery" };
    const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload });
    expect(execution.getStatus()).toBe("FAILED");
    expect(await replayProblem(handler, payload, execution, guide)).toBeUndefined();
  });
});
