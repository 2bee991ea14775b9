/**
 * The Lambda operations the endpoint serves, each taking a request as the wire carries it
 * and answering in the shape `@aws-sdk/client-lambda` reads (its deserializers are the
 * reference; `service.json` models the same shapes for the AWS CLI).
 */
import type { DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import { invalidContent, invalidParameter, notFound, quote, ServiceError } from "./errors.ts";
import type { ExecutionStatus, LocalExecution } from "./execution.ts";
import { withoutExecutionData } from "./history.ts";
import { checkCallbackId, checkExecutionName, type LocalFunction, parseFunctionName } from "./names.ts";
import { page } from "./paging.ts";
import { callbackResult, checkInvokePayload, errorObjectBody } from "./payloads.ts";
import type { ExecutionRegistry } from "./registry.ts";
import { header, queryBoolean, queryInteger, queryTimestamp, type ApiRequest } from "./wire.ts";

/** What an operation answers: JSON (`body`), raw bytes (`raw`), or nothing. */
export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: Buffer | string;
}

export interface OperationContext {
  fn: LocalFunction;
  registry: ExecutionRegistry;
  /** How long a synchronous invoke waits for the execution to end. */
  syncLimitMs: number;
}

const statuses: readonly ExecutionStatus[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED"];
const DEFAULT_PAGE = 100;

/** What a synchronous invoke returns once the execution has ended. */
function invocationOutcome(execution: LocalExecution): ApiResponse {
  const headers = {
    "X-Amz-Durable-Execution-Arn": execution.identity.arn,
    "X-Amz-Executed-Version": execution.identity.version,
  };
  if (execution.status === "SUCCEEDED") return { status: 200, headers, raw: execution.result ?? "null" };
  if (execution.status === "RUNNING") {
    return {
      status: 200,
      headers: { ...headers, "X-Amz-Function-Error": "Unhandled" },
      body: {
        errorType: "Sandbox.Timedout",
        errorMessage:
          "A synchronous invocation waits 15 minutes at most; the execution goes on. Invoke with --invocation-type Event for long workflows.",
      },
    };
  }
  const error = execution.error ?? {};
  return {
    status: 200,
    headers: { ...headers, "X-Amz-Function-Error": "Unhandled" },
    body: {
      errorType: error.ErrorType ?? execution.status,
      errorMessage: error.ErrorMessage ?? `The execution ended ${execution.status}.`,
      trace: error.StackTrace,
    },
  };
}

/** Invoke: `POST /2015-03-31/functions/{FunctionName}/invocations`. */
export async function invoke(request: ApiRequest, { fn, registry, syncLimitMs }: OperationContext): Promise<ApiResponse> {
  const ref = parseFunctionName(request.params.FunctionName ?? "", request.query.get("Qualifier") ?? undefined);
  const version = fn.version(ref, request.region);
  const type = header(request, "X-Amz-Invocation-Type") ?? "RequestResponse";
  if (!["RequestResponse", "Event", "DryRun"].includes(type)) {
    throw invalidParameter(
      `1 validation error detected: Value '${quote(type)}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const name = header(request, "X-Amz-Durable-Execution-Name");
  if (name !== undefined) checkExecutionName(name);
  checkInvokePayload(request, type);
  const input = request.body.length === 0 ? "{}" : request.body.toString("utf8");
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch {
    throw invalidContent("Could not parse request body into json: the payload must be JSON.");
  }
  if (type === "DryRun") return { status: 204, headers: { "X-Amz-Executed-Version": version } };

  const { execution } = registry.start({ functionName: ref.name, version, region: request.region, name, input, payload });
  if (type === "Event") {
    return {
      status: 202,
      headers: { "X-Amz-Durable-Execution-Arn": execution.identity.arn, "X-Amz-Executed-Version": execution.identity.version },
      raw: "",
    };
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([execution.ended, new Promise((resolve) => (timer = setTimeout(resolve, syncLimitMs).unref()))]);
  clearTimeout(timer);
  return invocationOutcome(execution);
}

/** ListDurableExecutionsByFunction: `GET /2025-12-01/functions/{FunctionName}/durable-executions`. */
export function listExecutions(request: ApiRequest, { fn, registry }: OperationContext): ApiResponse {
  const { query } = request;
  const ref = parseFunctionName(request.params.FunctionName ?? "", query.get("Qualifier") ?? undefined);
  fn.check(ref, request.region);
  const version = ref.qualifier === undefined ? undefined : fn.version(ref, request.region);
  const wanted = query.getAll("Statuses");
  for (const status of wanted) {
    if (!statuses.includes(status as ExecutionStatus)) {
      throw invalidParameter(
        `1 validation error detected: Value '${quote(status)}' at 'statuses' failed to satisfy constraint: Member must satisfy enum value set: [${statuses.join(", ")}]`,
      );
    }
  }
  const name = query.get("DurableExecutionName") ?? undefined;
  if (name !== undefined) checkExecutionName(name);
  const found = registry.list({
    functionName: ref.name,
    version,
    name,
    statuses: wanted.length > 0 ? (wanted as ExecutionStatus[]) : undefined,
    startedAfter: queryTimestamp(query, "StartedAfter"),
    startedBefore: queryTimestamp(query, "StartedBefore"),
    oldestFirst: queryBoolean(query, "ReverseOrder") ?? false,
  });
  const { items, nextMarker } = page(
    found,
    (execution) => execution.sequence,
    query.get("Marker") ?? undefined,
    queryInteger(query, "MaxItems", 1, 1000) ?? DEFAULT_PAGE,
  );
  return {
    status: 200,
    body: {
      DurableExecutions: items.map((execution) => ({
        DurableExecutionArn: execution.identity.arn,
        DurableExecutionName: execution.identity.name,
        FunctionArn: execution.identity.functionArn,
        Status: execution.status,
        StartTimestamp: execution.startTimestamp,
        EndTimestamp: execution.endTimestamp,
      })),
      NextMarker: nextMarker,
    },
  };
}

/** GetDurableExecution: `GET /2025-12-01/durable-executions/{DurableExecutionArn}`. */
export function getExecution(request: ApiRequest, { registry }: OperationContext): ApiResponse {
  const execution = registry.get(request.params.DurableExecutionArn ?? "");
  const withData = queryBoolean(request.query, "IncludeExecutionData") ?? true;
  return {
    status: 200,
    body: {
      DurableExecutionArn: execution.identity.arn,
      DurableExecutionName: execution.identity.name,
      FunctionArn: execution.identity.functionArn,
      StartTimestamp: execution.startTimestamp,
      Status: execution.status,
      EndTimestamp: execution.endTimestamp,
      Version: execution.identity.version,
      ...(withData ? { InputPayload: execution.input, Result: execution.result, Error: execution.error } : {}),
      ExecutionDataIncluded: withData,
      DurableConfig: { ExecutionTimeout: execution.executionTimeoutSeconds, RetentionPeriodInDays: 14 },
    },
  };
}

/** GetDurableExecutionHistory: `GET .../{DurableExecutionArn}/history`. */
export function getHistory(request: ApiRequest, { registry }: OperationContext): ApiResponse {
  const { query } = request;
  const execution = registry.get(request.params.DurableExecutionArn ?? "");
  let events = execution.history();
  if (queryBoolean(query, "IncludeExecutionData") === false) events = withoutExecutionData(events);
  if (queryBoolean(query, "ReverseOrder") === true) events = [...events].reverse();
  const maxItems = queryInteger(query, "MaxItems", 0, 1000) || DEFAULT_PAGE;
  const { items, nextMarker } = page(events, (event) => event.EventId ?? 0, query.get("Marker") ?? undefined, maxItems);
  return { status: 200, body: { Events: items, NextMarker: nextMarker } };
}

/**
 * GetDurableExecutionState: `GET .../{DurableExecutionArn}/state`. The service checks the
 * checkpoint token of the running invocation; the local endpoint only requires one.
 */
export function getState(request: ApiRequest, { registry }: OperationContext): ApiResponse {
  const { query } = request;
  const execution = registry.get(request.params.DurableExecutionArn ?? "");
  if (!query.get("CheckpointToken")) throw invalidParameter("CheckpointToken is required.");
  const operations = execution.operations().map((operation, position) => ({ operation, position }));
  const maxItems = queryInteger(query, "MaxItems", 0, 1000) || DEFAULT_PAGE;
  const { items, nextMarker } = page(operations, (item) => item.position, query.get("Marker") ?? undefined, maxItems);
  return { status: 200, body: { Operations: items.map((item) => item.operation), NextMarker: nextMarker } };
}

/** StopDurableExecution: `POST .../{DurableExecutionArn}/stop`, the body an optional ErrorObject. */
export function stopExecution(request: ApiRequest, { registry }: OperationContext): ApiResponse {
  const execution = registry.get(request.params.DurableExecutionArn ?? "");
  const error = errorObjectBody(request);
  if (execution.status !== "RUNNING") {
    throw invalidParameter(
      `The durable execution ${execution.identity.arn} has already ended ${execution.status}; only a RUNNING execution can be stopped.`,
    );
  }
  const at = execution.endByService("STOPPED", {
    ErrorType: error.ErrorType ?? "ExecutionStopped",
    ErrorMessage: error.ErrorMessage ?? "The execution was stopped.",
    ErrorData: error.ErrorData,
    StackTrace: error.StackTrace,
  });
  return { status: 200, body: { StopTimestamp: at } };
}

const callbackClosed = () =>
  new ServiceError(
    "CallbackTimeoutException",
    "The callback ID token has either expired or the callback associated with the token has already been closed.",
  );

/** The execution a callback id belongs to; the service's errors for a malformed or unknown id. */
function callbackExecution(request: ApiRequest, registry: ExecutionRegistry): { callbackId: string; execution: LocalExecution } {
  const callbackId = request.params.CallbackId ?? "";
  checkCallbackId(callbackId);
  const execution = registry.findCallback(callbackId);
  if (!execution) throw notFound(`No callback with id ${callbackId} exists.`);
  return { callbackId, execution };
}

class ServiceException extends ServiceError {
  constructor(cause: unknown) {
    super("ServiceException", `The local durable runtime refused the callback: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Gives a callback its one answer. The check that it is open and the claim on it happen in
 * one step, before the first await: of answers in flight at the same moment exactly one is
 * accepted, and every other is refused as the service refuses an answer to a closed callback.
 */
async function answer(
  request: ApiRequest,
  registry: ExecutionRegistry,
  send: (callback: DurableOperation) => Promise<unknown>,
): Promise<ApiResponse> {
  const { callbackId, execution } = callbackExecution(request, registry);
  const callback = execution.claimAnswer(callbackId);
  if (!callback) throw callbackClosed();
  try {
    await send(callback);
  } catch (error) {
    execution.releaseAnswer(callbackId);
    throw new ServiceException(error);
  }
  return { status: 200, body: {} };
}

/** SendDurableExecutionCallbackSuccess: `POST /2025-12-01/durable-execution-callbacks/{CallbackId}/succeed`, the result (at most 256 KB) as the raw body. */
export function callbackSuccess(request: ApiRequest, { registry }: OperationContext): Promise<ApiResponse> {
  const result = callbackResult(request);
  return answer(request, registry, (callback) => callback.sendCallbackSuccess(result));
}

/** SendDurableExecutionCallbackFailure: `.../{CallbackId}/fail`, the body an optional ErrorObject (a JSON object, its fields at most 1 MB together). */
export function callbackFailure(request: ApiRequest, { registry }: OperationContext): Promise<ApiResponse> {
  const error = errorObjectBody(request);
  return answer(request, registry, (callback) => callback.sendCallbackFailure(error));
}

/**
 * SendDurableExecutionCallbackHeartbeat: `.../{CallbackId}/heartbeat`. It restarts the
 * heartbeat timeout of a callback that has one; for one without, there is nothing to restart.
 * A callback that has taken its answer takes no heartbeat either.
 */
export async function callbackHeartbeat(request: ApiRequest, { registry }: OperationContext): Promise<ApiResponse> {
  const { callbackId, execution } = callbackExecution(request, registry);
  const callback = execution.openCallback(callbackId);
  if (!callback) throw callbackClosed();
  const hasHeartbeatTimeout = (callback.getEvents() ?? []).some((event) => event.CallbackStartedDetails?.HeartbeatTimeout !== undefined);
  if (!hasHeartbeatTimeout) return { status: 200, body: {} };
  try {
    await callback.sendCallbackHeartbeat();
  } catch (error) {
    throw new ServiceException(error);
  }
  return { status: 200, body: {} };
}

type Operation = (request: ApiRequest, context: OperationContext) => ApiResponse | Promise<ApiResponse>;

/** Each operation of `service.json` the endpoint serves (all of them), by its name there. */
export const operations: Record<string, Operation> = {
  Invoke: invoke,
  ListDurableExecutionsByFunction: listExecutions,
  GetDurableExecution: getExecution,
  GetDurableExecutionHistory: getHistory,
  GetDurableExecutionState: getState,
  StopDurableExecution: stopExecution,
  SendDurableExecutionCallbackSuccess: callbackSuccess,
  SendDurableExecutionCallbackFailure: callbackFailure,
  SendDurableExecutionCallbackHeartbeat: callbackHeartbeat,
};
