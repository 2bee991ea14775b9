/**
 * The parts of the local durable-lambda endpoint that need no server: routing, names and
 * ARNs, errors, paging, the history shape, the choice of workflow and the command line.
 */
import { CommanderError } from "commander";
import type { Event } from "@aws-sdk/client-lambda";
import type { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it } from "vitest";
import { localApiCommand } from "../operate/local-api.ts";
import { quote, ServiceError } from "../operate/local-api/errors.ts";
import { terminalEvent, toServiceEvents, withoutExecutionData } from "../operate/local-api/history.ts";
import { liveHistory } from "../operate/local-api/live-operations.ts";
import { checkCallbackId, executionArn, LocalFunction, parseFunctionName } from "../operate/local-api/names.ts";
import { page } from "../operate/local-api/paging.ts";
import { route } from "../operate/local-api/routes.ts";
import { describeShutdown } from "../operate/local-api/shutdown.ts";
import { workflowFor } from "../operate/local-api/workflow.ts";
import { UsageError } from "../workshop/command.ts";
import { asSent, signingRegion, type ApiRequest } from "../operate/local-api/wire.ts";
import { CALLBACK_RESULT_MAX_BYTES, ERROR_FIELDS_MAX_BYTES, errorFieldsBytes } from "../operate/limits.ts";
import { callbackResult, errorObjectBody } from "../operate/local-api/payloads.ts";

const arn = executionArn("us-east-1", "durable-fraud-check", "1", "tx-1001", "3f6c1e2a-7b5d-4c1e-9a8f-2d4b6c8e0a1f");

describe("routes", () => {
  it("reads an execution ARN whether its slashes are encoded (SDK, CLI) or not", () => {
    const encoded = encodeURIComponent(arn);
    for (const path of [`/2025-12-01/durable-executions/${encoded}/history`, `/2025-12-01/durable-executions/${arn}/history`]) {
      expect(route("GET", path)).toMatchObject({ name: "GetDurableExecutionHistory", params: { DurableExecutionArn: arn } });
    }
    expect(route("GET", `/2025-12-01/durable-executions/${encoded}`)).toMatchObject({
      name: "GetDurableExecution",
      params: { DurableExecutionArn: arn },
    });
    expect(route("POST", `/2025-12-01/durable-executions/${encoded}/stop`)?.name).toBe("StopDurableExecution");
    expect(route("GET", `/2025-12-01/durable-executions/${encoded}/state`)?.name).toBe("GetDurableExecutionState");
  });

  it("reads callback ids with +, / and =", () => {
    const id = "ab+c/d==";
    expect(route("POST", `/2025-12-01/durable-execution-callbacks/${encodeURIComponent(id)}/succeed`)).toMatchObject({
      name: "SendDurableExecutionCallbackSuccess",
      params: { CallbackId: id },
    });
    expect(route("POST", `/2025-12-01/durable-execution-callbacks/${id}/fail`)?.params.CallbackId).toBe(id);
    expect(route("POST", `/2025-12-01/durable-execution-callbacks/${id}/heartbeat`)?.name).toBe("SendDurableExecutionCallbackHeartbeat");
  });

  it("invoke and list take the function name with its qualifier; other paths and methods are not served", () => {
    expect(route("POST", "/2015-03-31/functions/durable-fraud-check%3A%24LATEST/invocations")?.params.FunctionName).toBe(
      "durable-fraud-check:$LATEST",
    );
    expect(route("GET", "/2025-12-01/functions/durable-fraud-check/durable-executions")?.name).toBe("ListDurableExecutionsByFunction");
    expect(route("GET", "/2015-03-31/functions/durable-fraud-check/invocations")).toBeUndefined();
    expect(route("GET", "/2015-03-31/functions")).toBeUndefined();
  });
});

describe("function names and ARNs", () => {
  const fn = new LocalFunction();

  it("accepts a name, a partial or a full ARN, with the qualifier in the name or the query", () => {
    expect(parseFunctionName("durable-fraud-check:live")).toEqual({ name: "durable-fraud-check", qualifier: "live" });
    expect(parseFunctionName("000000000000:function:durable-fraud-check", "1")).toEqual({ name: "durable-fraud-check", qualifier: "1" });
    expect(parseFunctionName("arn:aws:lambda:eu-west-1:123456789012:function:durable-fraud-check:$LATEST")).toEqual({
      name: "durable-fraud-check",
      qualifier: "$LATEST",
    });
    expect(() => parseFunctionName("durable-fraud-check:live", "1")).toThrow(/does not match the specified qualifier/);
    expect(() => parseFunctionName("no spaces please")).toThrow(ServiceError);
  });

  it("maps the alias to version 1; an unknown alias or function is not found; no qualifier is refused", () => {
    expect(fn.version({ name: "durable-fraud-check", qualifier: "live" }, "us-east-1")).toBe("1");
    expect(fn.version({ name: "durable-fraud-check", qualifier: "$LATEST" }, "us-east-1")).toBe("$LATEST");
    const code = (call: () => unknown) => {
      try {
        call();
      } catch (error) {
        return (error as ServiceError).code;
      }
      return "no error";
    };
    expect(code(() => fn.version({ name: "durable-fraud-check", qualifier: "prod" }, "us-east-1"))).toBe("ResourceNotFoundException");
    expect(code(() => fn.version({ name: "other", qualifier: "live" }, "us-east-1"))).toBe("ResourceNotFoundException");
    expect(code(() => fn.version({ name: "durable-fraud-check", qualifier: undefined }, "us-east-1"))).toBe(
      "InvalidParameterValueException",
    );
  });

  it("writes execution ARNs in the service's pattern", () => {
    expect(arn).toMatch(
      /^arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+):(\$LATEST(?:\.PUBLISHED)?|[0-9]+)\/durable-execution\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)$/,
    );
  });

  it("takes the region from the request's signature", () => {
    expect(signingRegion("AWS4-HMAC-SHA256 Credential=AKID/20260131/eu-west-1/lambda/aws4_request, SignedHeaders=host", "us-east-1")).toBe(
      "eu-west-1",
    );
    expect(signingRegion(undefined, "us-east-1")).toBe("us-east-1");
  });
});

describe("errors", () => {
  it("carry the status and message member the Lambda model gives each code", () => {
    const notFound = new ServiceError("ResourceNotFoundException", "gone");
    expect([notFound.status, notFound.body()]).toEqual([404, { Type: "User", Message: "gone" }]);
    const invalid = new ServiceError("InvalidParameterValueException", "bad");
    expect([invalid.status, invalid.body()]).toEqual([400, { Type: "User", message: "bad" }]);
    expect(new ServiceError("DurableExecutionAlreadyStartedException", "twice").status).toBe(409);
    expect(new ServiceError("CallbackTimeoutException", "closed").status).toBe(400);
  });
});

describe("what the operations take", () => {
  const request = (body: string | Buffer): ApiRequest => ({
    method: "POST",
    params: {},
    query: new URLSearchParams(),
    headers: {},
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    region: "us-east-1",
  });
  const refusal = (call: () => unknown) => {
    try {
      call();
    } catch (error) {
      return (error as ServiceError).code;
    }
    return "taken";
  };

  it("a callback result of 256 KB at most (262,144 bytes)", () => {
    expect(callbackResult(request(Buffer.alloc(CALLBACK_RESULT_MAX_BYTES, "a")))).toHaveLength(262_144);
    expect(refusal(() => callbackResult(request(Buffer.alloc(CALLBACK_RESULT_MAX_BYTES + 1, "a"))))).toBe("InvalidParameterValueException");
    expect(callbackResult(request(""))).toBeUndefined();
  });

  it("an error object whose fields are 1 MB at most together, counted in UTF-8 bytes", () => {
    const half = "é".repeat(ERROR_FIELDS_MAX_BYTES / 4); // 2 bytes each
    expect(errorFieldsBytes({ ErrorMessage: half, StackTrace: [half] })).toBe(ERROR_FIELDS_MAX_BYTES);
    expect(errorObjectBody(request(JSON.stringify({ ErrorMessage: half, StackTrace: [half] })))).toMatchObject({ ErrorMessage: half });
    expect(refusal(() => errorObjectBody(request(JSON.stringify({ ErrorMessage: half, StackTrace: [half], ErrorType: "x" }))))).toBe(
      "InvalidParameterValueException",
    );
  });

  it("an error object that is a JSON object of strings (a list of them for StackTrace); unknown members are left out", () => {
    expect(errorObjectBody(request(""))).toEqual({});
    expect(errorObjectBody(request('{"ErrorType":"T","ErrorMessage":null,"Extra":1,"StackTrace":["a"]}'))).toEqual({
      ErrorType: "T",
      StackTrace: ["a"],
    });
    for (const body of ['"text"', "[]", "1", "true", "null", "{", '{"ErrorData":{}}', '{"StackTrace":[1]}']) {
      expect(
        refusal(() => errorObjectBody(request(body))),
        body,
      ).toBe("InvalidRequestContentException");
    }
  });

  it("callback ids in the model's pattern and length", () => {
    expect(() => checkCallbackId("YWJj+/==")).not.toThrow();
    expect(refusal(() => checkCallbackId("not base64!"))).toBe("InvalidParameterValueException");
    expect(refusal(() => checkCallbackId("a".repeat(1025)))).toBe("InvalidParameterValueException");
  });
});

describe("text as sent", () => {
  it("reads header and URL bytes that are UTF-8 as UTF-8, and leaves the rest as Node read them", () => {
    for (const text of ["tx-é", "tx-名前", "😀"]) expect(asSent(Buffer.from(text, "utf8").toString("latin1"))).toBe(text);
    expect(asSent("tx-\xe9"), "a Latin-1 byte that is not UTF-8").toBe("tx-é");
    expect(asSent("plain-ascii_1")).toBe("plain-ascii_1");
  });

  it("quotes long values short, with their length", () => {
    expect(quote("short")).toBe("short");
    const quoted = quote("a".repeat(100_000));
    expect(quoted.length).toBeLessThan(120);
    expect(quoted).toContain("100000 characters");
    expect(quote("😀".repeat(100))).toMatch(/^(😀){80}\.\.\. \(100 characters\)$/);
  });
});

describe("paging", () => {
  const items = [10, 11, 12, 13, 14];

  it("continues after the last item of the previous page", () => {
    const first = page(items, (n) => n, undefined, 2);
    expect(first.items).toEqual([10, 11]);
    const second = page(items, (n) => n, first.nextMarker, 2);
    expect(second.items).toEqual([12, 13]);
    const last = page(items, (n) => n, second.nextMarker, 2);
    expect(last).toEqual({ items: [14], nextMarker: undefined });
    // A new item at the front (a newer execution) does not shift the next page.
    expect(page([9, ...items], (n) => n, first.nextMarker, 2).items).toEqual([12, 13]);
  });

  it("refuses a marker it did not write", () => {
    expect(() => page(items, (n) => n, "garbage", 2)).toThrow(/not valid/);
  });
});

describe("history", () => {
  // As the local runtime writes them: no execution timeout yet, empty wrappers, an extra Input.
  const events = [
    {
      EventType: "CallbackStarted",
      EventId: 2,
      Id: "cb",
      EventTimestamp: new Date(1),
      CallbackStartedDetails: { CallbackId: "id", Timeout: 5, Input: { Payload: undefined } },
    },
    {
      EventType: "ExecutionStarted",
      EventId: 1,
      Id: "exec",
      EventTimestamp: new Date(0),
      ExecutionStartedDetails: { Input: { Payload: "{}" } },
    },
    {
      EventType: "InvocationCompleted",
      EventId: 3,
      EventTimestamp: new Date(2),
      InvocationCompletedDetails: { RequestId: "r", Error: { Payload: undefined } },
    },
  ] as unknown as Event[];

  it("is ordered, without fields the service model lacks, with the execution timeout filled in", () => {
    const shown = toServiceEvents(events, { executionTimeoutSeconds: 3601 });
    expect(shown.map((event) => event.EventId)).toEqual([1, 2, 3]);
    expect(shown[0]?.ExecutionStartedDetails?.ExecutionTimeout).toBe(3601);
    expect(shown[1]?.CallbackStartedDetails).toEqual({ CallbackId: "id", Timeout: 5 });
    expect(shown[2]?.InvocationCompletedDetails).toEqual({ RequestId: "r" });
  });

  it("leaves payloads out when asked, and ends a stopped execution with ExecutionStopped", () => {
    const shown = toServiceEvents(events, { executionTimeoutSeconds: 1 });
    expect(withoutExecutionData(shown)[0]?.ExecutionStartedDetails).toEqual({ ExecutionTimeout: 1 });
    expect(terminalEvent(shown, "ExecutionStopped", new Date(5), { ErrorType: "OperatorStopped" })).toMatchObject({
      EventType: "ExecutionStopped",
      EventId: 4,
      Id: "exec",
      ExecutionStoppedDetails: { Error: { Payload: { ErrorType: "OperatorStopped" } } },
    });
  });

  it("falls back on the operations' own events if the runner ever hides its event list", () => {
    const runner = {} as LocalDurableTestRunner;
    const operations = [{ getEvents: () => [events[0]!] }, { getEvents: () => undefined }] as never;
    expect(liveHistory(runner, operations).map((event) => event.EventId)).toEqual([2]);
    const withIndex = { operationIndex: { getHistoryEvents: () => [...events] } } as unknown as LocalDurableTestRunner;
    expect(liveHistory(withIndex, []).map((event) => event.EventId)).toEqual([1, 2, 3]);
  });
});

describe("the workflow it runs and its command line", () => {
  it("runs the finished workflow by default, a learner's module or its solution on request", () => {
    expect(workflowFor({}).label).toBe("solutions/08-timeouts/handler.ts");
    expect(workflowFor({ module: "6" }).label).toBe("modules/06-callbacks/handler.ts");
    expect(workflowFor({ module: "callbacks", solution: true }).label).toBe("solutions/06-callbacks/handler.ts");
    expect(workflowFor({ module: "09" }).label, "module 09 deploys the finished workflow; it runs it too").toBe(
      "solutions/08-timeouts/handler.ts",
    );
    expect(() => workflowFor({ module: "42" })).toThrow(UsageError);
    expect(() => workflowFor({ module: "42" })).toThrow(/Valid modules/);
  });

  it("takes --module, --solution, --port and --function-name, and explains itself in --help", () => {
    const parse = (...argv: string[]) =>
      localApiCommand()
        .exitOverride()
        .configureOutput({ writeErr: () => {} })
        .parse(argv, { from: "user" })
        .opts();
    expect(parse()).toMatchObject({ port: 9090, functionName: "durable-fraud-check" });
    expect(parse("--module", "06", "--solution", "--port", "0")).toMatchObject({ module: "06", solution: true, port: 0 });
    expect(() => parse("--port", "99999")).toThrow(CommanderError);
    let text = "";
    const command = localApiCommand()
      .exitOverride()
      .configureOutput({ writeOut: (chunk) => (text += chunk) });
    expect(() => command.parse(["--help"], { from: "user" })).toThrow(CommanderError);
    for (const expected of [
      "--module <module>",
      "VERIFICATION_TIMEOUT_SECONDS=60 npm run local-api",
      "--endpoint-url http://127.0.0.1:9090",
      "127.0.0.1",
      "08  08-timeouts",
    ]) {
      expect(text).toContain(expected);
    }
  });

  it("says on shutdown what was still running, or that nothing was", () => {
    expect(describeShutdown({ running: [], ended: 2 })).toContain("nothing is lost");
    const text = describeShutdown({ running: [{ name: "tx-1", arn, status: "RUNNING", startTimestamp: new Date() }], ended: 0 });
    expect(text).toContain(`tx-1  RUNNING  ${arn}`);
  });
});
