/**
 * Which operation a request is for: the method and path of each operation as the Lambda
 * REST API (and `service.json`) binds them. Path labels arrive percent-encoded; an ARN or a
 * callback id may also arrive with its `/` unencoded, so those labels take everything up to
 * the operation's own last segment.
 */
import {
  callbackFailure,
  callbackHeartbeat,
  callbackSuccess,
  getExecution,
  getHistory,
  getState,
  invoke,
  listExecutions,
  stopExecution,
  type ApiResponse,
  type OperationContext,
} from "./operations.ts";
import type { ApiRequest } from "./wire.ts";

type Operation = (request: ApiRequest, context: OperationContext) => ApiResponse | Promise<ApiResponse>;

interface Route {
  name: string;
  method: string;
  /** Matched against the raw path; the groups are the labels, in `labels` order. */
  pattern: RegExp;
  labels: string[];
  operation: Operation;
}

const routes: Route[] = [
  {
    name: "Invoke",
    method: "POST",
    pattern: /^\/2015-03-31\/functions\/([^/]+)\/invocations$/,
    labels: ["FunctionName"],
    operation: invoke,
  },
  {
    name: "ListDurableExecutionsByFunction",
    method: "GET",
    pattern: /^\/2025-12-01\/functions\/([^/]+)\/durable-executions$/,
    labels: ["FunctionName"],
    operation: listExecutions,
  },
  {
    name: "GetDurableExecutionHistory",
    method: "GET",
    pattern: /^\/2025-12-01\/durable-executions\/(.+)\/history$/,
    labels: ["DurableExecutionArn"],
    operation: getHistory,
  },
  {
    name: "GetDurableExecutionState",
    method: "GET",
    pattern: /^\/2025-12-01\/durable-executions\/(.+)\/state$/,
    labels: ["DurableExecutionArn"],
    operation: getState,
  },
  {
    name: "StopDurableExecution",
    method: "POST",
    pattern: /^\/2025-12-01\/durable-executions\/(.+)\/stop$/,
    labels: ["DurableExecutionArn"],
    operation: stopExecution,
  },
  // After the three above: an ARN that is not followed by an operation segment.
  {
    name: "GetDurableExecution",
    method: "GET",
    pattern: /^\/2025-12-01\/durable-executions\/(.+)$/,
    labels: ["DurableExecutionArn"],
    operation: getExecution,
  },
  {
    name: "SendDurableExecutionCallbackSuccess",
    method: "POST",
    pattern: /^\/2025-12-01\/durable-execution-callbacks\/(.+)\/succeed$/,
    labels: ["CallbackId"],
    operation: callbackSuccess,
  },
  {
    name: "SendDurableExecutionCallbackFailure",
    method: "POST",
    pattern: /^\/2025-12-01\/durable-execution-callbacks\/(.+)\/fail$/,
    labels: ["CallbackId"],
    operation: callbackFailure,
  },
  {
    name: "SendDurableExecutionCallbackHeartbeat",
    method: "POST",
    pattern: /^\/2025-12-01\/durable-execution-callbacks\/(.+)\/heartbeat$/,
    labels: ["CallbackId"],
    operation: callbackHeartbeat,
  },
];

export interface RouteMatch {
  name: string;
  operation: Operation;
  params: Record<string, string>;
}

/** The operation for a method and raw (still encoded) path, or undefined. */
export function route(method: string, rawPath: string): RouteMatch | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(rawPath);
    if (!match) continue;
    const params: Record<string, string> = {};
    candidate.labels.forEach((label, index) => {
      const value = match[index + 1] ?? "";
      try {
        params[label] = decodeURIComponent(value);
      } catch {
        params[label] = value;
      }
    });
    return { name: candidate.name, operation: candidate.operation, params };
  }
  return undefined;
}
