/**
 * Every execution the endpoint has started, kept in memory for as long as it runs: found by
 * ARN, by durable execution name (which makes a start idempotent), by callback id, and
 * listed with the filters of ListDurableExecutionsByFunction.
 */
import { randomUUID } from "node:crypto";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import type { DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import { invalidParameter, notFound, ServiceError } from "./errors.ts";
import { LocalExecution, type ExecutionNews, type ExecutionStatus } from "./execution.ts";
import { executionArn, functionArn } from "./names.ts";

export interface StartRequest {
  functionName: string;
  version: string;
  region: string;
  /** The durable execution name; a generated one when the caller gave none. */
  name: string | undefined;
  input: string;
  payload: unknown;
}

export interface RegistryOptions {
  handler: DurableLambdaHandler;
  /** Read at each start: how long an execution may run (the function's durable config). */
  executionTimeoutSeconds: () => number;
  onNews?: (execution: LocalExecution, news: ExecutionNews) => void;
}

export interface ListFilter {
  functionName: string;
  version: string | undefined;
  name: string | undefined;
  statuses: ExecutionStatus[] | undefined;
  startedAfter: Date | undefined;
  startedBefore: Date | undefined;
  /** Oldest first; newest first otherwise (the service's default). */
  oldestFirst: boolean;
}

/** Execution ARNs as the service writes them; anything else is refused as a bad parameter. */
const executionArnPattern =
  /^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+:(\$LATEST|[0-9]+)\/durable-execution\/[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+$/;

export class ExecutionRegistry {
  private readonly options: RegistryOptions;
  private readonly all: LocalExecution[] = [];
  private readonly byArn = new Map<string, LocalExecution>();
  private readonly byName = new Map<string, LocalExecution>();

  constructor(options: RegistryOptions) {
    this.options = options;
  }

  /**
   * Starts an execution, or returns the one already started under the same name with the
   * same payload. The same name with another payload is refused, as the service refuses it.
   */
  start(request: StartRequest): { execution: LocalExecution; created: boolean } {
    const key = request.name === undefined ? undefined : `${request.functionName}/${request.name}`;
    const existing = key === undefined ? undefined : this.byName.get(key);
    if (existing) {
      if (existing.input === request.input) return { execution: existing, created: false };
      throw new ServiceError(
        "DurableExecutionAlreadyStartedException",
        `A durable execution named ${request.name} already exists with a different payload: ${existing.identity.arn}`,
      );
    }
    const id = randomUUID();
    const name = request.name ?? id;
    const execution = new LocalExecution({
      identity: {
        arn: executionArn(request.region, request.functionName, request.version, name, id),
        name,
        id,
        functionName: request.functionName,
        version: request.version,
        functionArn: functionArn(request.region, request.functionName, request.version),
      },
      input: request.input,
      payload: request.payload,
      handler: this.options.handler,
      executionTimeoutSeconds: this.options.executionTimeoutSeconds(),
      sequence: this.all.length,
      ...(this.options.onNews ? { onNews: this.options.onNews } : {}),
    });
    this.all.push(execution);
    this.byArn.set(execution.identity.arn, execution);
    if (key !== undefined) this.byName.set(key, execution);
    return { execution, created: true };
  }

  /** The execution with this ARN; `ResourceNotFoundException` when there is none. */
  get(arn: string): LocalExecution {
    const execution = this.byArn.get(arn);
    if (execution) return execution;
    if (!executionArnPattern.test(arn)) {
      throw invalidParameter(`1 validation error detected: Value '${arn}' at 'durableExecutionArn' failed to satisfy constraint: Member must be a durable execution ARN.`);
    }
    throw notFound(`The durable execution ${arn} does not exist.`);
  }

  list(filter: ListFilter): LocalExecution[] {
    const found = this.all.filter(
      (execution) =>
        execution.identity.functionName === filter.functionName &&
        (filter.version === undefined || execution.identity.version === filter.version) &&
        (filter.name === undefined || execution.identity.name === filter.name) &&
        (filter.statuses === undefined || filter.statuses.includes(execution.status)) &&
        (filter.startedAfter === undefined || execution.startTimestamp >= filter.startedAfter) &&
        (filter.startedBefore === undefined || execution.startTimestamp <= filter.startedBefore),
    );
    return filter.oldestFirst ? found : found.reverse();
  }

  /** The execution and operation a callback id belongs to. */
  findCallback(callbackId: string): { execution: LocalExecution; callback: DurableOperation } | undefined {
    for (const execution of this.all) {
      const callback = execution.callback(callbackId);
      if (callback) return { execution, callback };
    }
    return undefined;
  }

  /** The execution the local runtime knows by this id (its log lines carry it). */
  byRuntimeId(runtimeId: string): LocalExecution | undefined {
    return this.all.find((execution) => execution.runtimeId === runtimeId);
  }

  /** Every execution, oldest first. */
  executions(): LocalExecution[] {
    return [...this.all];
  }
}
