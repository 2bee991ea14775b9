/**
 * A stand-in for the Lambda endpoint, on 127.0.0.1 only, for tests.
 *
 * It records every request (method, raw path, query, headers, body) and answers with
 * plausible Lambda JSON, so the AWS CLI, the AWS SDK and the workshop's own tools run to a
 * clean exit without any traffic leaving the machine. It also answers proxy `CONNECT`
 * requests with 403 and records their target, which lets a test see which real endpoint a
 * client would have called.
 */
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { route } from "../../operate/local-api/routes.ts";
import { sample, waitingHistory } from "./fixtures.ts";

export interface RecordedRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  /** The query string's pairs, decoded, in the order sent. */
  query: [string, string][];
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string or buffer as is. */
  body?: unknown;
}

export type Responder = (request: RecordedRequest) => Reply;

export interface Recorder {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: RecordedRequest[];
  /** Targets of proxy `CONNECT` requests, `host:port`. */
  connects: string[];
  close(): Promise<void>;
}

/** Starts a recorder on a free loopback port. Always `close()` it (in `afterAll`/`finally`). */
export async function startRecorder(respond: Responder = lambdaResponder): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const connects: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = req.url ?? "/";
      const mark = raw.indexOf("?");
      const path = mark === -1 ? raw : raw.slice(0, mark);
      const query = [...new URLSearchParams(mark === -1 ? "" : raw.slice(mark + 1))];
      const request: RecordedRequest = { method: req.method ?? "", path, query, headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      let reply: Reply;
      try {
        reply = respond(request);
      } catch (error) {
        reply = { status: 500, body: { Type: "Service", message: `recorder: ${String(error)}` } };
      }
      const isJson = reply.body !== undefined && typeof reply.body !== "string" && !Buffer.isBuffer(reply.body);
      const body = isJson ? JSON.stringify(reply.body) : ((reply.body as string | Buffer | undefined) ?? "");
      res.writeHead(reply.status ?? 200, {
        "content-type": "application/json",
        "x-amzn-requestid": "00000000-0000-4000-8000-000000000000",
        ...reply.headers,
      });
      res.end(body);
    });
  });
  server.on("connect", (req, socket) => {
    connects.push(req.url ?? "");
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connects,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The execution ARN Lambda would give an execution of `functionName` called `name`. */
function executionArnFor(functionName: string, name: string): string {
  const [fn, qualifier] = functionName.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, "").split(":");
  const version = qualifier === "$LATEST" ? "$LATEST" : "1";
  return sample.executionArn(name, version, fn);
}

/**
 * Answers the durable operations of Lambda the way the service does, with sample data. Which
 * operation a request is for is the local endpoint's routing (local-api/routes.ts): one table.
 */
export function lambdaResponder(request: RecordedRequest): Reply {
  const { method, path } = request;
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const matched = route(method, path);
  switch (matched?.name) {
    case "Invoke": {
      const name = header("x-amz-durable-execution-name") ?? "generated-0001";
      const headers = {
        "x-amz-durable-execution-arn": executionArnFor(matched.params.FunctionName ?? "", name),
        "x-amz-executed-version": "1",
      };
      const type = header("x-amz-invocation-type") ?? "RequestResponse";
      if (type === "Event") return { status: 202, headers, body: "" };
      if (type === "DryRun") return { status: 204, headers, body: "" };
      return { status: 200, headers, body: sample.result };
    }
    case "ListDurableExecutionsByFunction":
      return { body: { DurableExecutions: sample.executions() } };
    case "GetDurableExecution":
      return { body: sample.execution(matched.params.DurableExecutionArn ?? "") };
    case "GetDurableExecutionHistory":
      return { body: { Events: waitingHistory() } };
    case "GetDurableExecutionState":
      return { body: { Operations: sample.operations() } };
    case "StopDurableExecution":
      return { body: { StopTimestamp: sample.time(60) } };
    case "SendDurableExecutionCallbackSuccess":
    case "SendDurableExecutionCallbackFailure":
    case "SendDurableExecutionCallbackHeartbeat":
      return { body: {} };
  }
  // Not a durable operation: the guide's check that the plain lambda commands still work.
  if (method === "GET" && /^\/2015-03-31\/functions\/?$/.test(path)) return { body: { Functions: [] } };
  return {
    status: 404,
    headers: { "x-amzn-errortype": "ResourceNotFoundException" },
    body: { Type: "User", Message: `The recorder does not know ${method} ${path}` },
  };
}
