/**
 * The local durable-lambda endpoint under load, in process on 127.0.0.1: payloads are capped
 * as Lambda caps them, after a few hundred executions have ended its memory settles
 * (ended executions release their runtime, and only the most recent are kept), and on a busy
 * machine an ended execution's history still has every event.
 *
 * The workflow here is a one-line durable handler, not the fraud check: what is measured is
 * what the endpoint keeps per execution, not what a workflow does.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GetDurableExecutionCommand, GetDurableExecutionHistoryCommand, InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { withDurableExecution, type DurableContext, type DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecutionRegistry, MAX_ENDED_EXECUTIONS } from "../operate/local-api/registry.ts";
import { checkpointWorker } from "../operate/local-api/runtime-environment.ts";
import { startLocalApi, type LocalApi } from "../operate/local-api/server.ts";
import { localClient } from "./support/sandbox.ts";

const EXECUTIONS = 200;
const PAD_BYTES = 100 * 1024;
const AT_ONCE = 25;
const MB = 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** The main thread's heap after two full collections, in bytes. */
function settledHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const handler = withDurableExecution(async (event: { pad?: string }) => ({
  length: event.pad?.length ?? 0,
})) as unknown as DurableLambdaHandler;

let api: LocalApi;
let client: LambdaClient;

beforeAll(async () => {
  api = await startLocalApi({ handler, port: 0, executionTimeoutSeconds: () => 3600 });
  client = localClient(api.url);
});

afterAll(async () => {
  client?.destroy();
  await api?.close();
});

async function invoke(body: string | Uint8Array, type: "Event" | "RequestResponse") {
  const response = await fetch(`${api.url}/2015-03-31/functions/durable-fraud-check%3Alive/invocations`, {
    method: "POST",
    headers: { "x-amz-invocation-type": type },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    code: response.headers.get("x-amzn-errortype"),
    arn: response.headers.get("x-amz-durable-execution-arn"),
    text,
  };
}

describe("local endpoint under load", () => {
  it("caps payloads as Lambda does: 1 MB started asynchronously, 6 MB synchronously", async () => {
    const overAsync = await invoke(JSON.stringify({ pad: "x".repeat(MB) }), "Event");
    expect(overAsync).toMatchObject({ status: 413, code: "RequestTooLargeException" });
    expect(JSON.parse(overAsync.text).message).toContain("1048576");
    const overSync = await invoke(new Uint8Array(6 * MB + 1), "RequestResponse");
    expect(overSync).toMatchObject({ status: 413, code: "RequestTooLargeException" });
    expect(JSON.parse(overSync.text).message).toContain("6291456");
    const atAsync = await invoke(JSON.stringify({ pad: "x".repeat(MB - 10) }), "Event");
    expect(atAsync.status, "exactly 1 MB is taken").toBe(202);
  });

  it(`after ${EXECUTIONS} executions have ended, memory settles and only the most recent are kept`, async () => {
    const before = settledHeap();
    const pad = "x".repeat(PAD_BYTES);
    const arns: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        while (next < EXECUTIONS) {
          const index = next++;
          const started = await invoke(JSON.stringify({ index, pad }), "Event");
          expect(started.status).toBe(202);
          arns[index] = started.arn ?? "";
        }
      }),
    );
    const deadline = Date.now() + 30_000;
    while (api.registry.executions().some((execution) => execution.status === "RUNNING")) {
      if (Date.now() > deadline) throw new Error("the executions did not end within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // the runtime's last polls

    const grown = settledHeap() - before;
    expect(
      grown / MB,
      `the heap grew by ${(grown / MB).toFixed(1)} MB for ${EXECUTIONS} executions of ${PAD_BYTES / 1024} KB`,
    ).toBeLessThan(40);
    expect(api.registry.executions().length, "ended executions kept").toBe(MAX_ENDED_EXECUTIONS);

    const last = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arns.at(-1) }));
    expect(last).toMatchObject({ Status: "SUCCEEDED", Result: JSON.stringify({ length: PAD_BYTES }) });
    await expect(
      client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arns[0] })),
      "the oldest is forgotten, as after its retention period",
    ).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });

    // The checkpoint worker keeps every execution it has run; once nothing runs, a fresh one takes over.
    const worker = await (async () => {
      for (let tries = 0; tries < 50; tries++) {
        const current = checkpointWorker();
        const stats = await current?.getHeapStatistics().catch(() => undefined);
        if (stats && stats.used_heap_size < 32 * MB) return stats;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return await checkpointWorker()?.getHeapStatistics();
    })();
    expect((worker?.used_heap_size ?? Infinity) / MB, "the checkpoint worker's heap").toBeLessThan(32);
  }, 60_000);

  it("keeps fewer ended executions when their data passes the size limit", async () => {
    const registry = new ExecutionRegistry({ handler, executionTimeoutSeconds: () => 3600, maxRetainedSize: 250_000 });
    const pad = "x".repeat(40_000);
    const executions = Array.from({ length: 5 }, (_, index) => {
      const payload = { index, pad };
      return registry.start({
        functionName: "f",
        version: "1",
        region: "us-east-1",
        name: `sized-${index}`,
        input: JSON.stringify(payload),
        payload,
      }).execution;
    });
    const deadline = Date.now() + 10_000;
    while (executions.some((execution) => execution.retainedSize === 0)) {
      if (Date.now() > deadline) throw new Error("the executions were not released within 10 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const kept = registry.executions();
    expect(kept.length, `kept ${kept.length} of 5, each about ${executions[0]!.retainedSize} characters`).toBeLessThan(5);
    expect(kept.reduce((total, execution) => total + execution.retainedSize, 0)).toBeLessThanOrEqual(250_000);
    expect(kept.length, "the one that ended last is kept, even alone over the limit").toBeGreaterThanOrEqual(1);
  });

  // A busy machine, made certain: the answers of the runtime's checkpoint server reach the
  // runner 300 ms late, past the 100 ms the runner waits for its last poll once the workflow
  // has returned. (The worker manager is the testing SDK's, pinned; the endpoint reaches it too.)
  it.each([
    ["only the answer that ends the execution comes late", "end"],
    ["every answer comes late", "every"],
  ])("on a busy machine an ended execution's history still has every event: %s", async (_, late) => {
    const steps = withDurableExecution(async (event: { n: number }, context: DurableContext) => {
      const doubled = await context.step("double", async () => event.n * 2);
      return context.step("add-one", async () => doubled + 1);
    }) as unknown as DurableLambdaHandler;
    const busy = await startLocalApi({ handler: steps, port: 0, executionTimeoutSeconds: () => 3600 });
    const busyClient = localClient(busy.url);
    const manager = (
      LocalDurableTestRunner as unknown as { createCheckpointApiClient(): { workerManager: PollSender } }
    ).createCheckpointApiClient().workerManager;
    const send = manager.sendApiRequest;
    manager.sendApiRequest = (apiType, params) => {
      const answer = send.call(manager, apiType, params);
      if (apiType !== "PollCheckpointData") return answer;
      return answer.then((value) => {
        const ends = (value as PollAnswer | undefined)?.operations?.some(
          (update) => update.operation?.Type === "EXECUTION" && update.operation.Status === "SUCCEEDED",
        );
        return late === "every" || ends ? new Promise((resolve) => setTimeout(() => resolve(value), 300)) : value;
      });
    };
    try {
      const started = await busyClient.send(
        new InvokeCommand({
          FunctionName: "durable-fraud-check:live",
          DurableExecutionName: `busy-${late}`,
          Payload: JSON.stringify({ n: 20 }),
        }),
      );
      expect(new TextDecoder().decode(started.Payload)).toBe("41");
      const arn = started.DurableExecutionArn!;
      const history = await busyClient.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }));
      expect((history.Events ?? []).map((event) => event.EventType)).toEqual([
        "ExecutionStarted",
        "StepStarted",
        "StepSucceeded",
        "StepStarted",
        "StepSucceeded",
        "InvocationCompleted",
        "ExecutionSucceeded",
      ]);
      expect(history.Events?.at(-1)?.ExecutionSucceededDetails?.Result?.Payload).toBe("41");
    } finally {
      manager.sendApiRequest = send;
      busyClient.destroy();
      await busy.close();
    }
  });
});

interface PollSender {
  sendApiRequest(apiType: string, params: unknown): Promise<unknown>;
}
interface PollAnswer {
  operations?: { operation?: { Type?: string; Status?: string } }[];
}
