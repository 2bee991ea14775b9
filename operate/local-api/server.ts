/**
 * The local durable-lambda endpoint: an HTTP server on 127.0.0.1 that answers the Lambda
 * operations of `service.json` for one function, whose executions run a workflow's handler
 * on the testing SDK's local runtime.
 */
import { once } from "node:events";
import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { quote, ServiceError } from "./errors.ts";
import type { ExecutionNews, LocalExecution } from "./execution.ts";
import { DEFAULT_REGION, LocalFunction } from "./names.ts";
import { operations, type OperationContext } from "./operations.ts";
import { ExecutionRegistry } from "./registry.ts";
import { route } from "./routes.ts";
import { acquireRuntime, releaseRuntime } from "./runtime-environment.ts";
import { oversizedBody } from "./payloads.ts";
import { asSent, MAX_BODY_BYTES, readBody, sendError, sendJson, sendRaw, signingRegion, type ApiRequest } from "./wire.ts";

/** The only address the endpoint listens on: it is for this machine alone. */
export const HOST = "127.0.0.1";
/** Lambda's limit for a synchronous invocation. */
export const SYNC_LIMIT_MS = 15 * 60 * 1000;

export interface LocalApiOptions {
  handler: DurableLambdaHandler;
  /** The durable functions the handler invokes (module 13's scorer), by the name it invokes them with. */
  functions?: Record<string, DurableLambdaHandler>;
  /** 0 picks a free port. */
  port: number;
  functionName?: string;
  /** Read at each start: the execution timeout of the function's durable config, in seconds. */
  executionTimeoutSeconds: () => number;
  /** One line per thing worth telling whoever watches the server. */
  log?: (line: string) => void;
  /** Sees each request as it arrives (tests read how clients sign them; the endpoint does not check). */
  onRequest?: (request: IncomingMessage) => void;
  syncLimitMs?: number;
}

export interface RunningExecution {
  name: string;
  arn: string;
  status: string;
  startTimestamp: Date;
}

export interface ShutdownReport {
  /** Executions that had not ended; the endpoint keeps nothing once it stops. */
  running: RunningExecution[];
  ended: number;
}

export interface LocalApi {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  functionName: string;
  registry: ExecutionRegistry;
  /** Stops listening, closes connections and the runtime; says what was still running. */
  close(): Promise<ShutdownReport>;
}

function describeNews(execution: LocalExecution, news: ExecutionNews): string {
  const { name } = execution.identity;
  if (news.kind === "callback") return `${name}: ${news.waitingIn} waits for callback ${news.callbackId}`;
  const outcome =
    execution.status === "SUCCEEDED"
      ? (execution.result ?? "")
      : `${execution.error?.ErrorType ?? ""}: ${execution.error?.ErrorMessage ?? ""}`;
  return `${name}: ${news.status} ${outcome}`;
}

/**
 * A request Node cannot read (its request line and headers over Node's 16 KB, as with a
 * 100 KB URL; or not HTTP at all) gets an answer in the service's error shape, not Node's
 * bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const failure =
    error.code === "HPE_HEADER_OVERFLOW"
      ? new ServiceError(
          "RequestHeaderFieldsTooLargeException",
          `The request line and headers are too large: the endpoint reads ${maxHeaderSize} bytes of them at most. A durable execution ARN or callback id is 1024 characters at most.`,
        )
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? new ServiceError("RequestTimeoutException", "The request did not arrive in time.")
        : new ServiceError("InvalidRequestContentException", `The request is not valid HTTP (${error.code ?? error.message}).`);
  const body = JSON.stringify(failure.body());
  socket.end(
    [
      `HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status] ?? ""}`,
      "content-type: application/json",
      `content-length: ${Buffer.byteLength(body)}`,
      `x-amzn-errortype: ${failure.code}`,
      "connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}

export async function startLocalApi(options: LocalApiOptions): Promise<LocalApi> {
  const log = options.log ?? (() => {});
  const fn = new LocalFunction(options.functionName);
  const registry = new ExecutionRegistry({
    handler: options.handler,
    functions: options.functions,
    executionTimeoutSeconds: options.executionTimeoutSeconds,
    onNews: (execution, news) => log(describeNews(execution, news)),
  });
  const context: OperationContext = { fn, registry, syncLimitMs: options.syncLimitMs ?? SYNC_LIMIT_MS };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = asSent(req.url ?? "/");
    const mark = raw.indexOf("?");
    const path = mark === -1 ? raw : raw.slice(0, mark);
    const query = new URLSearchParams(mark === -1 ? "" : raw.slice(mark + 1));
    const method = req.method ?? "GET";
    try {
      const { bytes: body, size } = await readBody(req);
      const match = route(method, path);
      const operation = match && operations[match.name];
      if (!match || !operation)
        throw new ServiceError("UnknownOperationException", `The local endpoint does not serve ${method} ${quote(path)}.`);
      if (size > MAX_BODY_BYTES) throw oversizedBody(match.name, size);
      const authorization = Array.isArray(req.headers.authorization) ? req.headers.authorization[0] : req.headers.authorization;
      const request: ApiRequest = {
        method,
        params: match.params,
        query,
        headers: req.headers,
        body,
        region: signingRegion(authorization, DEFAULT_REGION),
      };
      const response = await operation(request, context);
      if (response.raw !== undefined) sendRaw(res, response.status, response.raw, response.headers);
      else if (response.body !== undefined) sendJson(res, response.status, response.body, response.headers);
      else {
        res.writeHead(response.status, response.headers ?? {});
        res.end();
      }
      if (match.name === "Invoke" && response.headers?.["X-Amz-Durable-Execution-Arn"]) {
        log(`invoke ${response.status}: ${response.headers["X-Amz-Durable-Execution-Arn"]}`);
      }
    } catch (error) {
      const failure =
        error instanceof ServiceError
          ? error
          : new ServiceError("ServiceException", `The local endpoint failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!(error instanceof ServiceError))
        log(`internal error on ${method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendError(res, failure);
      else res.end();
    }
  }

  await acquireRuntime();
  const server = createServer((req, res) => {
    options.onRequest?.(req);
    void handle(req, res);
  });
  server.on("clientError", answerClientError);
  try {
    server.listen(options.port, HOST);
    await once(server, "listening");
  } catch (error) {
    await releaseRuntime();
    throw error;
  }
  const { port } = server.address() as AddressInfo;

  let closing: Promise<ShutdownReport> | undefined;
  const close = (): Promise<ShutdownReport> =>
    (closing ??= (async () => {
      const executions = registry.executions();
      const running = executions
        .filter((execution) => execution.status === "RUNNING")
        .map((execution) => ({
          name: execution.identity.name,
          arn: execution.identity.arn,
          status: execution.status,
          startTimestamp: execution.startTimestamp,
        }));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await releaseRuntime();
      return { running, ended: executions.length - running.length };
    })());

  return { url: `http://${HOST}:${port}`, port, functionName: fn.name, registry, close };
}
