/**
 * `npm run local-api -- --module NN` serves the optional modules' own workflows too: the same
 * endpoint and the same `@aws-sdk/client-lambda` calls, with the module's event and result.
 */
import {
  type Event,
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalApi, type LocalApi } from "../operate/local-api/server.ts";
import { workflowFor } from "../operate/local-api/workflow.ts";
import { loadWorkflow } from "../workshop/workflow-loader.ts";
import { localClient } from "./support/sandbox.ts";

let api: LocalApi | undefined;
let client: LambdaClient | undefined;

async function serve(module: string): Promise<LambdaClient> {
  api = await startLocalApi({
    ...(await loadWorkflow(workflowFor({ module, solution: true }))),
    port: 0,
    executionTimeoutSeconds: () => 3600,
  });
  client = localClient(api.url);
  return client;
}

afterEach(async () => {
  client?.destroy();
  await api?.close();
  api = undefined;
});

const invoke = (lambda: LambdaClient, payload: unknown, type: "RequestResponse" | "Event", name: string) =>
  lambda.send(
    new InvokeCommand({
      FunctionName: "durable-fraud-check:live",
      InvocationType: type,
      DurableExecutionName: name,
      Payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
  );

/** The execution's history once `reached` holds for it, polling the endpoint (10 s at most). */
async function historyOnce(lambda: LambdaClient, arn: string, reached: (events: Event[]) => boolean): Promise<Event[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const events = (await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events ?? [];
    if (reached(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the local endpoint with an optional module's workflow", () => {
  it("module 11: a synchronous invoke of a batch returns its review report", async () => {
    const lambda = await serve("11");
    const day = {
      date: "2026-11-27",
      transactions: [
        { id: 1, amount: 20_000, location: "Geneva, CH", vendor: "Fine Watches" },
        { id: 2, amount: 50, location: "Seattle, WA", vendor: "Corner Coffee" },
      ],
    };
    const response = await invoke(lambda, day, "RequestResponse", "review-2026-11-27");

    expect(response.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(response.Payload))).toMatchObject({
      legitimate: [2],
      fraudulent: [1],
      failed: [],
      completionReason: "ALL_COMPLETED",
    });
  });

  it("module 12: a dispute runs on real time, RUNNING between its hour-long checks, its polling in the history", async () => {
    const lambda = await serve("12");
    const started = await invoke(lambda, { id: 7, amount: 640, location: "Online", vendor: "Gadget Importers" }, "Event", "dispute-7");
    const arn = started.DurableExecutionArn ?? "";

    const succeeded = (events: Event[]) => events.filter((event) => event.EventType === "StepSucceeded").map((event) => event.Name);
    const names = succeeded(await historyOnce(lambda, arn, (events) => succeeded(events).includes("dispute-status-7")));
    expect(names, "the first check of the dispute, checkpointed").toEqual(["file-dispute-7", "dispute-status-7"]);
    const execution = await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(execution.Status, "waiting an hour for the next check").toBe("RUNNING");
  });

  it("module 13: the fraud check invokes the scorer's own function, served beside it", async () => {
    const lambda = await serve("13");
    const response = await invoke(
      lambda,
      { id: 8, amount: 42, location: "Seattle, WA", vendor: "Corner Coffee" },
      "RequestResponse",
      "tx-8",
    );

    expect(response.FunctionError).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(response.Payload)).body).toMatchObject({ fraud_score: 1, result: "authorized" });
    const history = await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: response.DurableExecutionArn }));
    expect((history.Events ?? []).map((event) => event.EventType)).toContain("ChainedInvokeSucceeded");
  });

  it("modules 14 and 15: a card block waits for the investigator, version 2 of the verification for the card holder", async () => {
    for (const [module, id] of [
      ["14", 9],
      ["15", 10],
    ] as const) {
      const lambda = await serve(module);
      const started = await invoke(lambda, { id, amount: 900, location: "Online", vendor: "Gift Cards" }, "Event", `run-${id}`);
      const arn = started.DurableExecutionArn ?? "";
      const history = await historyOnce(lambda, arn, (events) => events.some((event) => event.EventType === "CallbackStarted"));
      const types = history.map((event) => event.EventType);
      expect(types, `module ${module}: someone is asked`).toContain("CallbackStarted");
      expect((await lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe("RUNNING");
      client?.destroy();
      await api?.close();
      api = undefined;
    }
  });
});
