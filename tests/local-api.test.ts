/**
 * The local durable-lambda endpoint (`npm run local-api`), end to end, on 127.0.0.1 only:
 * the finished workflow runs on the local durable runtime behind it, and
 * `@aws-sdk/client-lambda` and the real AWS CLI with `service.json` (throwaway HOME, dummy
 * credentials) operate it as they would operate Lambda.
 *
 * The cases run at the same time. The AWS CLI commands (v1: all in one Python process, see
 * `openAwsCli`) run one after the other; the module 10 guide's "No AWS account? Practise
 * locally" walk-through is one of them, run as written. Callback timeouts are real time: the
 * timeout cases start first, with VERIFICATION_TIMEOUT_SECONDS=1, and everything else with
 * 60 s, which nothing reaches.
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  GetDurableExecutionStateCommand,
  InvokeCommand,
  type LambdaClient,
  ListDurableExecutionsByFunctionCommand,
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  StopDurableExecutionCommand,
  type Event,
  type GetDurableExecutionCommandOutput,
  type InvocationType,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { payments } from "../fraud/payments.ts";
import { callbackMain } from "../operate/callback.ts";
import { invokeMain } from "../operate/invoke.ts";
import { DEFAULT_PORT, localApiCommand } from "../operate/local-api.ts";
import type { ServiceError } from "../operate/local-api/errors.ts";
import { LocalFunction } from "../operate/local-api/names.ts";
import { type OperationContext, operations } from "../operate/local-api/operations.ts";
import { route } from "../operate/local-api/routes.ts";
import { startLocalApi, type LocalApi } from "../operate/local-api/server.ts";
import { shutdown } from "../operate/local-api/shutdown.ts";
import type { ApiRequest } from "../operate/local-api/wire.ts";
import { durations, executionTimeoutSeconds } from "../operate/local-api/workflow.ts";
import { findAwsClis, describeEachAwsCli, makeCliHome, openAwsCli, type AwsCliRunner, type CliHome } from "./support/aws-cli.ts";
import { run, type RunResult } from "./support/run.ts";
import { shellCommandsIn, type ShellCommand } from "./support/shell-commands.ts";
import { captureIo, localClient } from "./support/sandbox.ts";
import { handler } from "../solutions/08-timeouts/handler.ts";
import { captureDurableLogs } from "../workshop/durable-logs.ts";
import { repoRoot } from "../workshop/manifest.ts";
import { inlineCode } from "../workshop/markdown.ts";

const FUNCTION = "durable-fraud-check";
const LIVE = `${FUNCTION}:live`;
const tx = (id: number, amount: number) => ({ id, amount, location: "Seattle, WA", vendor: "Outdoor Gear Co" });
const encode = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const parsedResult = (execution: { Result?: string | undefined }) =>
  JSON.parse(execution.Result ?? "null") as { body: Record<string, unknown> };

/** Polls `probe` every 50 ms until it returns something truthy; fails after `ms`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The error a rejected SDK call carries: its name (the error code) and HTTP status. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error("expected the call to fail");
}

let api: LocalApi;
let client: LambdaClient;
const serverLog: string[] = [];
let stopCapturing = () => {};
/** Executions started with a one-second callback timeout, before everything else. */
const timeoutArns: { sdk: string; cli: string } = { sdk: "", cli: "" };

async function invoke(
  payload: unknown,
  { name, type = "Event", functionName = LIVE }: { name?: string; type?: InvocationType; functionName?: string } = {},
) {
  return client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: type,
      Payload: encode(payload),
      ...(name ? { DurableExecutionName: name } : {}),
    }),
  );
}

async function history(arn: string): Promise<Event[]> {
  return (await client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events ?? [];
}

/** The execution's two verification callbacks, email first, once both have started. */
async function callbackIds(arn: string): Promise<[string, string]> {
  return waitFor(`the callbacks of ${arn}`, async () => {
    const events = await history(arn);
    const names = new Map(events.map((event) => [event.Id, event.Name]));
    const started = events.filter((event) => event.EventType === "CallbackStarted");
    if (started.length < 2) return undefined;
    const idOf = (channel: string) =>
      started.find((event) => names.get(event.ParentId) === channel)?.CallbackStartedDetails?.CallbackId ?? "";
    return [idOf("SendVerificationEmail"), idOf("SendVerificationSMS")] as [string, string];
  });
}

async function ended(arn: string, ms = 10_000): Promise<GetDurableExecutionCommandOutput> {
  return waitFor(
    `${arn} to end`,
    async () => {
      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
      return execution.Status === "RUNNING" ? undefined : execution;
    },
    ms,
  );
}

beforeAll(async () => {
  stopCapturing = captureDurableLogs(() => {});
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
  api = await startLocalApi({
    handler,
    port: 0,
    executionTimeoutSeconds: () => executionTimeoutSeconds(),
    log: (line) => serverLog.push(line),
  });
  expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  client = localClient(api.url);
  // The timeout cases read VERIFICATION_TIMEOUT_SECONDS=1 when their callbacks start...
  const [sdk, cli] = await Promise.all([invoke(tx(3001, 6500), { name: "timeout-sdk" }), invoke(tx(3002, 6500), { name: "timeout-cli" })]);
  timeoutArns.sdk = sdk.DurableExecutionArn ?? "";
  timeoutArns.cli = cli.DurableExecutionArn ?? "";
  await Promise.all([callbackIds(timeoutArns.sdk), callbackIds(timeoutArns.cli)]);
  // ...everything after them with 60 s, which no case waits out.
  vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "60");
});

afterAll(async () => {
  client?.destroy();
  await api?.close();
  vi.unstubAllEnvs();
  stopCapturing();
});

describe.concurrent("local endpoint, with @aws-sdk/client-lambda", () => {
  it("a low-risk transaction is authorized, synchronously", async () => {
    const response = await invoke(tx(1101, 42), { type: "RequestResponse", name: "sdk-low" });
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe("1");
    expect(response.DurableExecutionArn).toMatch(
      /^arn:aws:lambda:us-east-1:\d{12}:function:durable-fraud-check:1\/durable-execution\/sdk-low\/[\w-]+$/,
    );
    expect(JSON.parse(decode(response.Payload))).toMatchObject({ body: { transaction_id: 1101, result: "authorized", fraud_score: 1 } });
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: response.DurableExecutionArn }));
    expect(execution).toMatchObject({
      Status: "SUCCEEDED",
      DurableExecutionName: "sdk-low",
      Version: "1",
      InputPayload: JSON.stringify(tx(1101, 42)),
    });
    expect(execution.EndTimestamp!.getTime()).toBeGreaterThanOrEqual(execution.StartTimestamp!.getTime());
    const compact = await client.send(
      new GetDurableExecutionCommand({ DurableExecutionArn: response.DurableExecutionArn, IncludeExecutionData: false }),
    );
    expect(compact).toMatchObject({ Status: "SUCCEEDED", ExecutionDataIncluded: false });
    expect(compact.InputPayload ?? compact.Result).toBeUndefined();
    const events = (
      await client.send(
        new GetDurableExecutionHistoryCommand({ DurableExecutionArn: response.DurableExecutionArn, IncludeExecutionData: false }),
      )
    ).Events;
    expect(events?.find((event) => event.EventType === "ExecutionSucceeded")?.ExecutionSucceededDetails?.Result).toBeUndefined();
  });

  it("an invalid transaction fails the execution, and a synchronous invoke reports the function error", async () => {
    const response = await invoke({ id: 1109 }, { type: "RequestResponse", name: "sdk-invalid" });
    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe("Unhandled");
    expect(JSON.parse(decode(response.Payload))).toMatchObject({
      errorType: "InvalidTransactionError",
      errorMessage: expect.stringContaining('"amount" is missing'),
    });
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: response.DurableExecutionArn }));
    expect(execution).toMatchObject({ Status: "FAILED", Error: { ErrorType: "InvalidTransactionError" } });
    expect((await history(response.DurableExecutionArn!)).at(-1)?.EventType).toBe("ExecutionFailed");
    const failed = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, Statuses: ["FAILED"] }));
    expect(failed.DurableExecutions?.map((e) => e.DurableExecutionName)).toContain("sdk-invalid");
  });

  it("a high-risk transaction goes to the fraud department", async () => {
    const response = await invoke(tx(1102, 25_000), { type: "RequestResponse" });
    expect(JSON.parse(decode(response.Payload))).toMatchObject({ body: { result: "SentToFraudDept", fraud_score: 5 } });
    const execution = await ended(response.DurableExecutionArn!);
    expect(execution.Status).toBe("SUCCEEDED");
    expect(execution.DurableExecutionName, "a generated name when none is given").toMatch(/^[\w-]{36}$/);
  });

  it("a medium-risk transaction waits, and the card holder approves through the callback id in the history", async () => {
    const started = await invoke(tx(1103, 6500), { name: "sdk-approve" });
    expect(started.StatusCode).toBe(202);
    const arn = started.DurableExecutionArn!;
    const [email, sms] = await callbackIds(arn);
    expect((await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }))).Status).toBe("RUNNING");

    const state = await client.send(new GetDurableExecutionStateCommand({ DurableExecutionArn: arn, CheckpointToken: "local" }));
    expect(state.Operations?.[0]).toMatchObject({ Type: "EXECUTION", Status: "STARTED" });
    expect(state.Operations?.filter((op) => op.Type === "CALLBACK").map((op) => op.CallbackDetails?.CallbackId)).toEqual([email, sms]);

    await client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: email, Result: encode({ approved: true }) }));
    const execution = await ended(arn);
    expect(execution.Status).toBe("SUCCEEDED");
    expect(parsedResult(execution).body).toMatchObject({ result: "authorized", customerVerificationResult: "TransactionApproved" });

    const events = await history(arn);
    expect(events[0]).toMatchObject({ EventType: "ExecutionStarted", EventId: 1 });
    expect(events.at(-1)?.EventType).toBe("ExecutionSucceeded");
    expect(events.map((event) => event.EventId)).toEqual(events.map((_, index) => index + 1));
    expect(events.find((event) => event.EventType === "CallbackSucceeded")?.CallbackSucceededDetails?.Result?.Payload).toBe(
      '{"approved":true}',
    );
    expect(events.some((event) => event.EventType === "InvocationCompleted")).toBe(true);
    // The other channel's callback closed with the parallel step: answering it is refused.
    expect(
      await failure(client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: sms, Result: encode({ approved: true }) }))),
    ).toMatchObject({
      name: "CallbackTimeoutException",
      status: 400,
    });
    expect(serverLog.some((line) => line.includes(`sdk-approve: SendVerificationEmail waits for callback ${email}`))).toBe(true);
  });

  it("a decline through send-durable-execution-callback-failure on both channels", async () => {
    const arn = (await invoke(tx(1104, 6500), { name: "sdk-decline" })).DurableExecutionArn!;
    const ids = await callbackIds(arn);
    for (const id of ids) {
      await client.send(
        new SendDurableExecutionCallbackFailureCommand({
          CallbackId: id,
          Error: { ErrorType: "VerificationFailed", ErrorMessage: "no answer" },
        }),
      );
    }
    const execution = await ended(arn);
    expect(parsedResult(execution).body).toMatchObject({ result: "SentToFraudDept", customerVerificationResult: "TransactionDeclined" });
    const failed = (await history(arn)).filter((event) => event.EventType === "CallbackFailed");
    expect(failed[0]?.CallbackFailedDetails?.Error?.Payload).toMatchObject({ ErrorType: "VerificationFailed", ErrorMessage: "no answer" });
  });

  it("silence: both callbacks time out after VERIFICATION_TIMEOUT_SECONDS and the workflow escalates", async () => {
    const execution = await ended(timeoutArns.sdk);
    expect(parsedResult(execution).body).toMatchObject({ result: "SentToFraudDept", customerVerificationResult: "NoCustomerResponse" });
    const events = await history(timeoutArns.sdk);
    expect(events.filter((event) => event.EventType === "CallbackTimedOut")).toHaveLength(2);
    expect(events.find((event) => event.EventType === "CallbackStarted")?.CallbackStartedDetails?.Timeout).toBe(1);
    expect(execution.DurableConfig?.ExecutionTimeout).toBe(1 + 3600);
  });

  it("the same name and payload return the running execution; another payload is refused with 409", async () => {
    const first = await invoke(tx(1105, 6500), { name: "sdk-once" });
    const again = await invoke(tx(1105, 6500), { name: "sdk-once" });
    expect(again.StatusCode).toBe(202);
    expect(again.DurableExecutionArn).toBe(first.DurableExecutionArn);
    const listed = await client.send(
      new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, DurableExecutionName: "sdk-once" }),
    );
    expect(listed.DurableExecutions).toHaveLength(1);
    expect(await failure(invoke(tx(1105, 9999), { name: "sdk-once" }))).toMatchObject({
      name: "DurableExecutionAlreadyStartedException",
      status: 409,
    });
    await client.send(new StopDurableExecutionCommand({ DurableExecutionArn: first.DurableExecutionArn }));
  });

  it("unknown executions, functions and versions are refused as the service refuses them", async () => {
    const unknownArn = `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTION}:1/durable-execution/nobody/00000000-0000-4000-8000-000000000000`;
    const notFound = await Promise.all(
      [
        client.send(new GetDurableExecutionCommand({ DurableExecutionArn: unknownArn })),
        client.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: unknownArn })),
        client.send(new StopDurableExecutionCommand({ DurableExecutionArn: unknownArn })),
        invoke(tx(1, 1), { functionName: "no-such-function:live" }),
        invoke(tx(1, 1), { functionName: `${FUNCTION}:prod` }),
        client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: "no-such-function" })),
        client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: "bm8tc3VjaC1jYWxsYmFjaw==", Result: encode("{}") })),
      ].map(failure),
    );
    for (const refused of notFound) expect(refused).toMatchObject({ name: "ResourceNotFoundException", status: 404 });
    expect(await failure(client.send(new GetDurableExecutionCommand({ DurableExecutionArn: "not-an-arn" })))).toMatchObject({
      name: "InvalidParameterValueException",
      status: 400,
    });
    expect(await failure(invoke(tx(1, 1), { functionName: FUNCTION }))).toMatchObject({
      name: "InvalidParameterValueException",
      message: expect.stringContaining("qualified"),
    });
    expect(await failure(client.send(new InvokeCommand({ FunctionName: LIVE, Payload: encode("not json") })))).toMatchObject({
      name: "InvalidRequestContentException",
    });
    expect(await failure(invoke(tx(1, 1), { name: "bad name!" }))).toMatchObject({ name: "InvalidParameterValueException" });
  });

  it("$LATEST runs too, and its executions carry that version", async () => {
    const response = await invoke(tx(1106, 42), { functionName: `${FUNCTION}:$LATEST`, type: "RequestResponse", name: "sdk-latest" });
    expect(response.ExecutedVersion).toBe("$LATEST");
    expect(response.DurableExecutionArn).toContain(`:function:${FUNCTION}:$LATEST/durable-execution/sdk-latest/`);
    const latest = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, Qualifier: "$LATEST" }));
    expect(latest.DurableExecutions?.map((execution) => execution.DurableExecutionName)).toEqual(["sdk-latest"]);
  });

  it("a stop ends the execution at once, and none of its code runs afterwards", async () => {
    const arn = (await invoke(tx(1107, 6500), { name: "sdk-stop" })).DurableExecutionArn!;
    const [email] = await callbackIds(arn);
    await client.send(new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: email }));
    const stop = await client.send(
      new StopDurableExecutionCommand({
        DurableExecutionArn: arn,
        Error: { ErrorType: "OperatorStopped", ErrorMessage: "Workshop clean-up" },
      }),
    );
    expect(stop.StopTimestamp).toBeInstanceOf(Date);
    const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
    expect(execution).toMatchObject({ Status: "STOPPED", Error: { ErrorType: "OperatorStopped", ErrorMessage: "Workshop clean-up" } });
    expect((await history(arn)).at(-1)).toMatchObject({
      EventType: "ExecutionStopped",
      ExecutionStoppedDetails: { Error: { Payload: { ErrorType: "OperatorStopped" } } },
    });
    expect(
      await failure(client.send(new SendDurableExecutionCallbackSuccessCommand({ CallbackId: email, Result: encode({ approved: true }) }))),
    ).toMatchObject({
      name: "CallbackTimeoutException",
    });
    expect(await failure(client.send(new StopDurableExecutionCommand({ DurableExecutionArn: arn })))).toMatchObject({
      name: "InvalidParameterValueException",
    });
    const stopped = await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, Statuses: ["STOPPED"] }));
    expect(stopped.DurableExecutions?.map((e) => e.DurableExecutionArn)).toContain(arn);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(payments.decisionsFor(1107), "no authorize or escalation after the stop").toEqual([]);
    expect((await history(arn)).at(-1)?.EventType, "the history stays as it was stopped").toBe("ExecutionStopped");
  });

  it("lists by status, newest first, in pages", async () => {
    const names = ["sdk-page-1", "sdk-page-2", "sdk-page-3"];
    for (const name of names) await invoke(tx(1108, 42), { name, type: "RequestResponse" });
    const query = {
      FunctionName: FUNCTION,
      Qualifier: "live",
      Statuses: ["SUCCEEDED" as const],
      StartedAfter: new Date(Date.now() - 60_000),
    };
    const all = await client.send(new ListDurableExecutionsByFunctionCommand(query));
    const ours = (all.DurableExecutions ?? []).map((e) => e.DurableExecutionName).filter((name) => names.includes(name ?? ""));
    expect(ours).toEqual([...names].reverse());
    const oldestFirst = await client.send(new ListDurableExecutionsByFunctionCommand({ ...query, ReverseOrder: true }));
    expect((oldestFirst.DurableExecutions ?? []).map((e) => e.DurableExecutionName).filter((name) => names.includes(name ?? ""))).toEqual(
      names,
    );
    const first = await client.send(new ListDurableExecutionsByFunctionCommand({ ...query, MaxItems: 1 }));
    expect(first.DurableExecutions).toHaveLength(1);
    const second = await client.send(new ListDurableExecutionsByFunctionCommand({ ...query, MaxItems: 1, Marker: first.NextMarker }));
    expect(second.DurableExecutions?.[0]?.DurableExecutionArn).not.toBe(first.DurableExecutions?.[0]?.DurableExecutionArn);
    const none = await client.send(new ListDurableExecutionsByFunctionCommand({ ...query, StartedAfter: new Date(Date.now() + 60_000) }));
    expect(none.DurableExecutions).toEqual([]);
    const page = await client.send(
      new GetDurableExecutionHistoryCommand({
        DurableExecutionArn: all.DurableExecutions![0]!.DurableExecutionArn,
        MaxItems: 2,
        ReverseOrder: true,
      }),
    );
    expect(page.Events?.[0]?.EventType).toBe("ExecutionSucceeded");
    expect(page.NextMarker).toBeDefined();
  });

  it("an execution that outlives the function's execution timeout ends TIMED_OUT", async () => {
    const strict = await startLocalApi({ handler, port: 0, executionTimeoutSeconds: () => 1 });
    const strictClient = localClient(strict.url);
    try {
      const started = await strictClient.send(
        new InvokeCommand({
          FunctionName: LIVE,
          InvocationType: "Event",
          DurableExecutionName: "too-slow",
          Payload: encode(tx(5001, 6500)),
        }),
      );
      const execution = await waitFor("the execution timeout", async () => {
        const current = await strictClient.send(new GetDurableExecutionCommand({ DurableExecutionArn: started.DurableExecutionArn }));
        return current.Status === "RUNNING" ? undefined : current;
      });
      expect(execution).toMatchObject({
        Status: "TIMED_OUT",
        Error: { ErrorType: "ExecutionTimedOut" },
        DurableConfig: { ExecutionTimeout: 1 },
      });
      const events =
        (await strictClient.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: started.DurableExecutionArn }))).Events ?? [];
      expect(events.at(-1)?.EventType).toBe("ExecutionTimedOut");
    } finally {
      strictClient.destroy();
      await strict.close();
    }
  });

  it("names the executions still running (SIGINT and SIGTERM call this)", async () => {
    const second = await startLocalApi({ handler, port: 0, executionTimeoutSeconds: () => 3600 });
    const secondClient = localClient(second.url);
    let output = "";
    try {
      const running = await secondClient.send(
        new InvokeCommand({
          FunctionName: LIVE,
          InvocationType: "Event",
          DurableExecutionName: "left-running",
          Payload: encode(tx(4001, 6500)),
        }),
      );
      await secondClient.send(new InvokeCommand({ FunctionName: LIVE, DurableExecutionName: "finished", Payload: encode(tx(4002, 42)) }));
      const report = await shutdown(second, (text) => (output += text));
      expect(report.running).toEqual([
        expect.objectContaining({ name: "left-running", arn: running.DurableExecutionArn, status: "RUNNING" }),
      ]);
      expect(report.ended).toBe(1);
      expect(output).toContain(`left-running  RUNNING  ${running.DurableExecutionArn}`);
      expect(output).toContain("lost");
      await expect(fetch(`${second.url}/2025-12-01/functions/${FUNCTION}/durable-executions`)).rejects.toThrow();
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });
});

/** A request as a client sends it, answered as the wire carries it: status, error code, body. */
interface Answer {
  status: number;
  code: string | null;
  body: string;
}

async function post(url: string, path: string, body: string): Promise<Answer> {
  const response = await fetch(url + path, { method: "POST", body });
  return { status: response.status, code: response.headers.get("x-amzn-errortype"), body: await response.text() };
}

const callbackPath = (callbackId: string, operation: "succeed" | "fail" | "heartbeat") =>
  `/2025-12-01/durable-execution-callbacks/${encodeURIComponent(callbackId)}/${operation}`;

/** Reads a raw HTTP answer: status, error code, body. */
function readAnswer(socket: Socket): Promise<Answer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
        code: /^x-amzn-errortype: (.+)$/im.exec(head)?.[1]?.trim() ?? null,
        body: text.slice(split + 4),
      });
    });
  });
}

/**
 * Sends requests as raw bytes, each on its own connection (what a client that does not
 * encode its headers sends). All but the last byte of each go first; once the endpoint has
 * read every request's headers, the last bytes go together, so the requests complete at the
 * same moment.
 */
async function rawRequests(url: string, requests: Buffer[]): Promise<Answer[]> {
  const { port } = new URL(url);
  const sockets = await Promise.all(
    requests.map(
      (bytes) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), "127.0.0.1", () => {
            socket.write(bytes.subarray(0, -1));
            resolve(socket);
          });
          socket.on("error", reject);
        }),
    ),
  );
  const answers = sockets.map(readAnswer);
  await new Promise((resolve) => setTimeout(resolve, 100));
  // Not end(): a client that half-closes its connection has the endpoint drop the request.
  for (const [index, socket] of sockets.entries()) socket.write(requests[index]!.subarray(-1));
  return Promise.all(answers);
}

const rawPost = (path: string, body: string, headers: Record<string, string> = {}) =>
  Buffer.concat([
    Buffer.from(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("")}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
      "latin1",
    ),
    Buffer.from(body),
  ]);

describe.concurrent("local endpoint: answers and requests the service refuses", () => {
  /** Twenty answers to one callback, half approving; what each got, and what the execution did with them. */
  async function race(name: string, id: number, send: (callbackId: string, approvals: boolean[]) => Promise<Answer[]>) {
    const arn = (await invoke(tx(id, 6500), { name })).DurableExecutionArn!;
    const [email] = await callbackIds(arn);
    const approvals = Array.from({ length: 20 }, (_, index) => index % 2 === 0);
    const answers = await send(email, approvals);
    const accepted = answers.flatMap((answer, index) => (answer.status === 200 ? [index] : []));
    expect(accepted, `${name}: exactly one answer is accepted`).toHaveLength(1);
    for (const refused of answers.filter((answer) => answer.status !== 200)) {
      expect(refused).toMatchObject({ status: 400, code: "CallbackTimeoutException" });
      expect(JSON.parse(refused.body)).toMatchObject({ Message: expect.stringContaining("already been closed") });
    }
    expect(await post(api.url, callbackPath(email, "heartbeat"), ""), "a heartbeat after the answer").toMatchObject({
      status: 400,
      code: "CallbackTimeoutException",
    });
    expect(await post(api.url, callbackPath(email, "fail"), "{}"), "a failure after the answer").toMatchObject({
      status: 400,
      code: "CallbackTimeoutException",
    });

    const approved = approvals[accepted[0]!];
    const execution = await ended(arn);
    expect(parsedResult(execution).body.customerVerificationResult, "the accepted answer is the one used").toBe(
      approved ? "TransactionApproved" : "TransactionDeclined",
    );
    const answered = (await history(arn)).filter(
      (event) => event.EventType === "CallbackSucceeded" || event.EventType === "CallbackFailed",
    );
    expect(
      answered.map((event) => event.CallbackSucceededDetails?.Result?.Payload),
      "one answer in the history",
    ).toEqual([JSON.stringify({ approved })]);
  }

  it("twenty answers racing on one callback over HTTP: one is accepted and decides, the others are refused as closed, the history holds one", async () => {
    await race("race-http", 1201, (callbackId, approvals) =>
      rawRequests(
        api.url,
        approvals.map((approved) => rawPost(callbackPath(callbackId, "succeed"), JSON.stringify({ approved }))),
      ),
    );
  });

  it("twenty answers to one callback in the same tick (no await between them): one is accepted", async () => {
    const context: OperationContext = { fn: new LocalFunction(), registry: api.registry, syncLimitMs: 1000 };
    await race("race-tick", 1204, (callbackId, approvals) => {
      const path = callbackPath(callbackId, "succeed");
      const match = route("POST", path)!;
      const calls = approvals.map(async (approved) => {
        const request: ApiRequest = {
          method: "POST",
          params: match.params,
          query: new URLSearchParams(),
          headers: {},
          body: Buffer.from(JSON.stringify({ approved })),
          region: "us-east-1",
        };
        try {
          await operations[match.name]!(request, context);
          return { status: 200, code: null, body: "{}" };
        } catch (error) {
          const refused = error as ServiceError;
          return { status: refused.status, code: refused.code, body: JSON.stringify(refused.body()) };
        }
      });
      return Promise.all(calls);
    });
  });

  it("an answer that arrives once the workflow has returned is refused and leaves no trace", async () => {
    let lateCallback = "";
    let late: Promise<Answer> | undefined;
    let lateApi: LocalApi | undefined;
    // The workflow's last invocation returns; the answer to the channel still waiting leaves at once.
    const watched: DurableLambdaHandler = async (event, context) => {
      const output = await handler(event, context);
      if (output.Status === "SUCCEEDED" && lateCallback && lateApi) {
        const { url } = lateApi;
        const callbackId = lateCallback;
        late = new Promise((resolve) => setImmediate(() => resolve(post(url, callbackPath(callbackId, "succeed"), '{"approved":false}'))));
      }
      return output;
    };
    lateApi = await startLocalApi({ handler: watched, port: 0, executionTimeoutSeconds: () => 3600 });
    const lateClient = localClient(lateApi.url);
    try {
      const started = await lateClient.send(
        new InvokeCommand({ FunctionName: LIVE, InvocationType: "Event", DurableExecutionName: "late", Payload: encode(tx(1203, 6500)) }),
      );
      const arn = started.DurableExecutionArn!;
      const events = async () => (await lateClient.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: arn }))).Events ?? [];
      const ids = await waitFor("both callbacks", async () => {
        const started = (await events()).filter((event) => event.EventType === "CallbackStarted");
        return started.length === 2 && started.map((event) => event.CallbackStartedDetails?.CallbackId ?? "");
      });
      lateCallback = ids[1]!;
      expect(await post(lateApi.url, callbackPath(ids[0]!, "succeed"), '{"approved":true}')).toMatchObject({ status: 200 });
      await waitFor("the late answer", async () => late);
      expect(await late).toMatchObject({ status: 400, code: "CallbackTimeoutException" });
      const execution = await waitFor("the end", async () => {
        const current = await lateClient.send(new GetDurableExecutionCommand({ DurableExecutionArn: arn }));
        return current.Status !== "RUNNING" && current;
      });
      expect(parsedResult(execution).body.customerVerificationResult).toBe("TransactionApproved");
      const all = await events();
      expect(all.filter((event) => event.EventType === "CallbackSucceeded")).toHaveLength(1);
      const end = all.findIndex((event) => event.EventType === "ExecutionSucceeded");
      expect(end).toBeGreaterThan(0);
      expect(new Set(all.slice(end + 1).map((event) => event.EventType)), "after the end, only the record of the last invocation").toEqual(
        new Set(all.length > end + 1 ? ["InvocationCompleted"] : []),
      );
    } finally {
      lateClient.destroy();
      await lateApi.close();
    }
  });

  it("answers the service refuses are refused before they reach the runtime, and leave the callback open", async () => {
    const arn = (await invoke(tx(1202, 6500), { name: "refused-answers" })).DurableExecutionArn!;
    const [email] = await callbackIds(arn);
    const refusals: [string, "succeed" | "fail", string, number, string, RegExp][] = [
      ["a result over 256 KB", "succeed", "x".repeat(256 * 1024 + 1), 400, "InvalidParameterValueException", /262144/],
      ["a failure that is a string", "fail", '"card holder unreachable"', 400, "InvalidRequestContentException", /object/],
      ["a failure that is a list", "fail", "[1]", 400, "InvalidRequestContentException", /object/],
      ["a failure that is null", "fail", "null", 400, "InvalidRequestContentException", /object/],
      ["a failure that is not JSON", "fail", "{oops", 400, "InvalidRequestContentException", /json/i],
      ["an ErrorMessage that is a number", "fail", '{"ErrorMessage":42}', 400, "InvalidRequestContentException", /ErrorMessage/],
      [
        "a StackTrace that is not a list of strings",
        "fail",
        '{"StackTrace":"at line 1"}',
        400,
        "InvalidRequestContentException",
        /StackTrace/,
      ],
      [
        "error fields over 1 MB together",
        "fail",
        JSON.stringify({ ErrorType: "VerificationFailed", ErrorMessage: "m".repeat(512 * 1024), StackTrace: ["s".repeat(512 * 1024)] }),
        400,
        "InvalidParameterValueException",
        /1048576/,
      ],
    ];
    const answers = await Promise.all(refusals.map(([, operation, body]) => post(api.url, callbackPath(email, operation), body)));
    refusals.forEach(([what, , , status, code, message], index) => {
      const answer = answers[index]!;
      expect({ what, status: answer.status, code: answer.code }).toEqual({ what, status, code });
      const parsed = JSON.parse(answer.body) as { message?: string; Message?: string };
      expect(parsed.message ?? parsed.Message, what).toMatch(message);
      expect(answer.body.length, `${what}: the message quotes a short part of the value at most`).toBeLessThan(1000);
    });
    expect(
      (await history(arn)).filter((event) => event.EventType === "CallbackSucceeded" || event.EventType === "CallbackFailed"),
      "nothing reached the runtime",
    ).toEqual([]);
    expect(await post(api.url, callbackPath(email, "succeed"), '{"approved":true}'), "the callback still takes an answer").toMatchObject({
      status: 200,
    });
    expect(parsedResult(await ended(arn)).body.customerVerificationResult).toBe("TransactionApproved");
  });

  it("names, ids and URLs the service would not take are refused in its error shape, quoting what was sent", async () => {
    const names = ["tx-é", "tx-名前", "😀"];
    // The header carries each name's UTF-8 bytes, as sent by a client that does not encode them.
    const invocations = names.map((name) =>
      rawPost(`/2015-03-31/functions/${FUNCTION}%3Alive/invocations`, "{}", {
        "X-Amz-Invocation-Type": "Event",
        "X-Amz-Durable-Execution-Name": Buffer.from(name, "utf8").toString("latin1"),
      }),
    );
    const answers = await rawRequests(api.url, invocations);
    names.forEach((name, index) => {
      expect(answers[index]).toMatchObject({ status: 400, code: "InvalidParameterValueException" });
      expect(JSON.parse(answers[index]!.body).message, "the name as sent, not its bytes read as Latin-1").toContain(`'${name}'`);
    });
    const listed = await failure(
      client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, DurableExecutionName: "tx-é" })),
    );
    expect(listed, "a list filter the service would refuse").toMatchObject({
      name: "InvalidParameterValueException",
      status: 400,
      message: expect.stringContaining("'tx-é'"),
    });

    const longArn = await fetch(`${api.url}/2025-12-01/durable-executions/${"a".repeat(10_000)}`);
    expect({ status: longArn.status, code: longArn.headers.get("x-amzn-errortype") }).toEqual({
      status: 400,
      code: "InvalidParameterValueException",
    });
    expect((await longArn.text()).length, "a short quote of a 10 KB ARN").toBeLessThan(1000);
    const badCallback = await post(api.url, callbackPath("not base64!", "succeed"), "{}");
    expect(badCallback).toMatchObject({ status: 400, code: "InvalidParameterValueException" });

    const hugeUrl = await fetch(`${api.url}/2025-12-01/durable-executions/${"a".repeat(100_000)}`);
    expect({ status: hugeUrl.status, code: hugeUrl.headers.get("x-amzn-errortype") }).toEqual({
      status: 431,
      code: "RequestHeaderFieldsTooLargeException",
    });
    expect(JSON.parse(await hugeUrl.text())).toMatchObject({ Type: "User", message: expect.stringMatching(/too large/i) });
    // The endpoint still serves after all of them.
    expect(
      (await client.send(new ListDurableExecutionsByFunctionCommand({ FunctionName: FUNCTION, MaxItems: 1 }))).DurableExecutions,
    ).toHaveLength(1);
  });
});

const clis = await findAwsClis();
const LOCAL_HEADING = "### No AWS account? Practise locally";

/** The guide's section on the local endpoint: in module 10's guide, or in operate/LOCAL.md until it is there. */
function localSection(): { text: string; commands: ShellCommand[] } {
  const guide = readFileSync(join(repoRoot, "modules/10-operate/README.md"), "utf8");
  const source = guide.includes(LOCAL_HEADING) ? guide : readFileSync(join(repoRoot, "operate/LOCAL.md"), "utf8");
  const from = source.indexOf(LOCAL_HEADING);
  expect(from, `a section "${LOCAL_HEADING}"`).toBeGreaterThanOrEqual(0);
  const rest = source.slice(from + LOCAL_HEADING.length);
  const next = rest.search(/^#{1,3} /m);
  const text = next === -1 ? rest : rest.slice(0, next);
  return { text, commands: shellCommandsIn(text) };
}

describeEachAwsCli("local endpoint, with the AWS CLI and service.json", clis, ({ path: cli, major }) => {
  const cliTimeout = 60_000;
  let home: CliHome;
  /** One Python process runs every command when the CLI is v1 (a second of CPU saved per command). */
  let cliRunner: AwsCliRunner | undefined;
  let ready: Promise<RunResult>;
  /** AWS CLI v2 reads blob options as base64 unless told so; v1 rejects the option. */
  const blobFlag = major === 2 ? ["--cli-binary-format", "raw-in-base64-out"] : [];
  const scenarios = new Map<string, Promise<void>>();
  /** Execution names of this CLI's cases: each version's suite starts its own executions on the one endpoint. */
  const named = (name: string) => (major === 1 ? name : `${name}-v${major}`);

  /** Runs `aws WORDS...` in the throwaway HOME; on AWS CLI v2, blob options get v2's flag. */
  const aws = async (words: string[], env?: Record<string, string>): Promise<RunResult> => {
    await ready;
    const blob = words.some((word) => word === "--payload" || word === "--result") && !words.includes(blobFlag[0] ?? "");
    return cliRunner!.run([...words, ...(blob ? blobFlag : [])], { timeoutMs: 30_000, ...(env ? { env } : {}) });
  };
  /** `aws durable-lambda ARGS --endpoint-url <local>`. */
  const durableLambda = (...args: string[]): Promise<RunResult> =>
    aws(["durable-lambda", ...args, "--endpoint-url", api.url, "--cli-connect-timeout", "5", "--cli-read-timeout", "20"]);
  const json = (result: RunResult) => {
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  /** The cases, each a chain of commands, all started at once; each test awaits its own. */
  const cases: Record<string, () => Promise<void>> = {
    /**
     * The module 10 guide's "No AWS account? Practise locally" walk-through, as written: its
     * start-up and credentials lines, then each command of its code block in order, the
     * example ARN and callback id replaced with the live ones, as a learner pastes them.
     * Alongside, the same invoke again (idempotent) and with another payload (refused).
     */
    async guide() {
      const { text, commands } = localSection();
      expect(text, "the section names the endpoint's default address").toContain(`http://127.0.0.1:${DEFAULT_PORT}`);
      const inline = inlineCode(text);
      for (const start of inline.filter((code) => /^(\w+=\S+ )*npm run local-api\b/.test(code))) {
        const [assignments, args] = [
          start.split("npm run local-api")[0]!.trim(),
          start.split("npm run local-api")[1]!.replace(/^ --/, "").trim(),
        ];
        localApiCommand()
          .exitOverride()
          .parse(args ? args.split(/\s+/) : [], { from: "user" });
        const env = Object.fromEntries(assignments ? assignments.split(/\s+/).map((pair) => pair.split("=") as [string, string]) : []);
        expect(() => durations(env), start).not.toThrow();
      }
      const exported = inline.find((code) => code.startsWith("export "));
      expect(exported, "the section sets credentials for this terminal").toBeDefined();
      const sectionEnv = Object.fromEntries(
        exported!
          .slice("export ".length)
          .split(/\s+/)
          .map((pair) => pair.split("=") as [string, string]),
      );
      expect(Object.keys(sectionEnv)).toEqual(
        expect.arrayContaining(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"]),
      );

      let arn = "";
      let callbackId = "";
      const live = (words: string[]) =>
        words.map((word, index) => {
          if (word === `http://127.0.0.1:${DEFAULT_PORT}`) return api.url;
          if (word === "tx-1001") return named(word);
          if (/^arn:aws:lambda:.*\/durable-execution\/tx-1001\//.test(word)) return arn;
          if (words[index - 1] === "--callback-id") return callbackId;
          return word;
        });
      const inSection = (words: string[]) => aws(live(words), sectionEnv);
      for (const command of commands) {
        const [program, first, operation] = command.words;
        if (program === "aws" && operation === "invoke") {
          const started = json(await inSection(command.words.slice(1)));
          arn = String(started.DurableExecutionArn);
          expect(arn).toMatch(
            `arn:aws:lambda:us-east-1:000000000000:function:durable-fraud-check:1/durable-execution/${named("tx-1001")}/`,
          );
          const payloadAt = command.words.indexOf("--payload") + 1;
          const otherPayload = command.words.map((word, index) => (index === payloadAt ? JSON.stringify(tx(1001, 1)) : word));
          const [again, conflict] = await Promise.all([inSection(command.words.slice(1)), inSection(otherPayload.slice(1))]);
          expect(json(again).DurableExecutionArn, "the same execution, not a second one").toBe(arn);
          expect(conflict.code).not.toBe(0);
          expect(conflict.stderr).toContain("DurableExecutionAlreadyStartedException");
        } else if (program === "aws" && operation === "get-durable-execution-history") {
          await callbackIds(arn);
          const shown = await inSection(command.words.slice(1));
          expect(shown.code, shown.stderr).toBe(0);
          const rows = shown.stdout
            .trim()
            .split("\n")
            .map((row) => row.split(/\s+/));
          expect(rows).toHaveLength(2);
          callbackId = rows[0]![1]!;
        } else if (program === "aws" && operation === "get-durable-execution") {
          await ended(arn);
          const execution = json(await inSection(command.words.slice(1)));
          expect(execution).toMatchObject({ Status: "SUCCEEDED", DurableExecutionName: named("tx-1001"), Version: "1" });
          expect(parsedResult(execution as { Result?: string }).body).toMatchObject({
            customerVerificationResult: "TransactionApproved",
          });
        } else if (program === "npm" && first === "run") {
          const [, , script, , ...args] = live(command.words);
          const main = { callback: callbackMain, invoke: invokeMain }[script ?? ""];
          expect(main, command.text).toBeDefined();
          for (const [name, value] of Object.entries(sectionEnv)) vi.stubEnv(name, value);
          const io = captureIo();
          expect(await main!(args, io), io.stderr).toBe(0);
          if (script === "invoke")
            expect(io.stdout).toMatch(
              /Execution ARN: arn:aws:lambda:us-east-1:000000000000:function:durable-fraud-check:1\/durable-execution\/tx-1003\//,
            );
        } else {
          throw new Error(`the local walk-through shows a command this test does not run: ${command.text}`);
        }
      }
      expect(arn && callbackId, "the walk-through invoked, read the history and answered").toBeTruthy();
    },

    async low() {
      await syncInvoke(2001, 42, "authorized");
    },

    async high() {
      await syncInvoke(2002, 25_000, "SentToFraudDept");
    },

    async decline() {
      const arn = (await invoke(tx(2004, 6500), { name: named("cli-decline") })).DurableExecutionArn!;
      const [email, sms] = await callbackIds(arn);
      const error = { ErrorType: "VerificationFailed", ErrorMessage: "SMS undeliverable" };
      const result = await durableLambda(
        "send-durable-execution-callback-failure",
        "--callback-id",
        email,
        "--error",
        JSON.stringify(error),
      );
      expect(result.code, result.stderr).toBe(0);
      // Both channels must fail for a decline; the second one through the SDK saves a CLI start.
      await client.send(new SendDurableExecutionCallbackFailureCommand({ CallbackId: sms, Error: error }));
      expect(parsedResult(await ended(arn)).body).toMatchObject({ customerVerificationResult: "TransactionDeclined" });
      const failed = (await history(arn)).filter((event) => event.EventType === "CallbackFailed");
      expect(failed.map((event) => event.CallbackFailedDetails?.Error?.Payload)).toEqual([error, error]);
    },

    async timeout() {
      await ended(timeoutArns.cli);
      const listed = await durableLambda(
        "list-durable-executions-by-function",
        "--function-name",
        FUNCTION,
        "--qualifier",
        "live",
        "--status-filter",
        "SUCCEEDED",
        "--durable-execution-name",
        "timeout-cli",
        "--query",
        "DurableExecutions[].[DurableExecutionArn,Status]",
        "--output",
        "text",
      );
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.trim().split(/\s+/)).toEqual([timeoutArns.cli, "SUCCEEDED"]);
      const execution = await client.send(new GetDurableExecutionCommand({ DurableExecutionArn: timeoutArns.cli }));
      expect(parsedResult(execution).body).toMatchObject({ customerVerificationResult: "NoCustomerResponse" });
    },

    async unknown() {
      const result = await durableLambda(
        "get-durable-execution",
        "--durable-execution-arn",
        `arn:aws:lambda:eu-west-1:000000000000:function:${FUNCTION}:1/durable-execution/nobody/00000000-0000-4000-8000-000000000000`,
      );
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("ResourceNotFoundException");
    },

    async stop() {
      const arn = (await invoke(tx(2005, 6500), { name: named("cli-stop") })).DurableExecutionArn!;
      await callbackIds(arn);
      const error = { ErrorType: "OperatorStopped", ErrorMessage: "Workshop clean-up" };
      const stop = json(await durableLambda("stop-durable-execution", "--durable-execution-arn", arn, "--error", JSON.stringify(error)));
      // docs/setup.md's table: v1 prints the wire's epoch seconds, v2 an ISO 8601 date.
      if (major === 1) expect(stop.StopTimestamp).toEqual(expect.any(Number));
      else expect(stop.StopTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
      const execution = json(await durableLambda("get-durable-execution", "--durable-execution-arn", arn));
      expect(execution).toMatchObject({
        Status: "STOPPED",
        Error: error,
        DurableExecutionName: named("cli-stop"),
        Version: "1",
        InputPayload: JSON.stringify(tx(2005, 6500)),
      });
      expect(execution.EndTimestamp).toBeDefined();
    },
  };
  if (major === 2) {
    // The guide's warning: v2 reads --payload as base64. 2.9 decodes most JSON text into bytes
    // and sends them; later versions refuse the text. Either way, no transaction arrives.
    cases.base64 = async () => {
      await ready;
      const out = join(home.home, "result-base64.json");
      const words = [
        "durable-lambda",
        "invoke",
        "--function-name",
        LIVE,
        "--payload",
        JSON.stringify(tx(2006, 42)),
        "--endpoint-url",
        api.url,
        out,
      ];
      const result = await cliRunner!.run(words, { timeoutMs: 30_000 });
      expect(result.code, "v2 sent the JSON text without --cli-binary-format raw-in-base64-out").not.toBe(0);
      expect(result.stderr).toMatch(/Invalid base64|InvalidRequestContentException/);
    };
  }

  async function syncInvoke(id: number, amount: number, result: string) {
    const out = join(home.home, `result-${id}.json`);
    const response = json(await durableLambda("invoke", "--function-name", LIVE, "--payload", JSON.stringify(tx(id, amount)), out));
    expect(response).toMatchObject({
      StatusCode: 200,
      ExecutedVersion: "1",
      DurableExecutionArn: expect.stringContaining(":function:durable-fraud-check:1/durable-execution/"),
    });
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ body: { transaction_id: id, result } });
  }

  beforeAll(() => {
    home = makeCliHome();
    // add-model first, in a process of its own: botocore reads ~/.aws/models once, when imported.
    ready = run(cli, ["configure", "add-model", "--service-model", "file://./service.json", "--service-name", "durable-lambda"], {
      env: home.env,
      cwd: repoRoot,
    }).then((result) => {
      cliRunner = openAwsCli(cli, { env: home.env, cwd: repoRoot });
      return result;
    });
    for (const [name, chain] of Object.entries(cases)) {
      const running = chain();
      running.catch(() => {}); // reported by its test
      scenarios.set(name, running);
    }
  });
  afterAll(async () => {
    await Promise.allSettled(scenarios.values());
    await cliRunner?.close();
    home?.remove();
  }, cliTimeout);

  const test = (title: string, name: string) => it(title, () => scenarios.get(name), cliTimeout);

  it("add-model succeeds", async () => {
    const result = await ready;
    expect(result.code, result.stderr).toBe(0);
  });
  test(
    "the guide's local walk-through, as written: invoke (again: same ARN; another payload: 409), history, npm run callback approve, get",
    "guide",
  );
  if (major === 2) test("on v2, a JSON --payload without --cli-binary-format raw-in-base64-out does not arrive as JSON", "base64");
  test("invoke: a low-risk transaction, synchronously, to its final result", "low");
  test("invoke: a high-risk transaction, synchronously, to its final result", "high");
  test("a decline through send-durable-execution-callback-failure", "decline");
  test("a timeout: the silent transaction is listed SUCCEEDED, escalated for no response", "timeout");
  test("an unknown execution ARN: ResourceNotFoundException", "unknown");
  test("stop-durable-execution, with an error, then get-durable-execution", "stop");
});
