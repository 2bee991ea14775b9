/**
 * The executions the endpoint knows: found by ARN, by durable execution name (which makes a
 * start idempotent), by callback id, and listed with the filters of
 * ListDurableExecutionsByFunction.
 *
 * Every running execution is kept. Of the ended ones, the service keeps each for its
 * retention period (14 days by default); the endpoint, which keeps everything in memory,
 * keeps the most recent `MAX_ENDED_EXECUTIONS` (100), and fewer when their data would take
 * more than `MAX_RETAINED_SIZE` (about 64 MB): the oldest ended is forgotten first, and then reads
 * as an execution that does not exist, as after its retention period, and its name can start
 * a new one. The one that ended last is always kept.
 */
import { randomUUID } from "node:crypto";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { notFound, quote, ServiceError, validationError } from "./errors.ts";
import { LocalExecution, type ExecutionNews, type ExecutionStatus } from "./execution.ts";
import { executionArn, functionArn } from "./names.ts";

/** How many ended executions the endpoint keeps. */
export const MAX_ENDED_EXECUTIONS = 100;
/** How much data (inputs, results, histories, operations) the kept ended executions may hold, roughly, in characters. */
export const MAX_RETAINED_SIZE = 64 * 1024 * 1024;

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
  functions?: Record<string, DurableLambdaHandler>;
  /** How many ended executions to keep (default `MAX_ENDED_EXECUTIONS`). */
  maxEnded?: number;
  /** How much data the ended executions kept may hold (default `MAX_RETAINED_SIZE`). */
  maxRetainedSize?: number;
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
  /** Oldest first. */
  private all: LocalExecution[] = [];
  private readonly byArn = new Map<string, LocalExecution>();
  private readonly byName = new Map<string, LocalExecution>();
  /** Ended executions whose runner has been let go, in the order they were. */
  private readonly released: LocalExecution[] = [];
  private retainedSize = 0;
  private sequence = 0;

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
      functions: this.options.functions,
      executionTimeoutSeconds: this.options.executionTimeoutSeconds(),
      sequence: this.sequence++,
      ...(this.options.onNews ? { onNews: this.options.onNews } : {}),
      onReleased: (released) => this.retain(released),
    });
    this.all.push(execution);
    this.byArn.set(execution.identity.arn, execution);
    if (key !== undefined) this.byName.set(key, execution);
    return { execution, created: true };
  }

  /** Keeps a released execution, and forgets the oldest ended ones past the limits. */
  private retain(execution: LocalExecution): void {
    this.released.push(execution);
    this.retainedSize += execution.retainedSize;
    const maxEnded = this.options.maxEnded ?? MAX_ENDED_EXECUTIONS;
    const maxSize = this.options.maxRetainedSize ?? MAX_RETAINED_SIZE;
    const forgotten = new Set<LocalExecution>();
    while (this.released.length > 1 && (this.released.length > maxEnded || this.retainedSize > maxSize)) {
      const oldest = this.released.shift() as LocalExecution;
      this.retainedSize -= oldest.retainedSize;
      forgotten.add(oldest);
      this.byArn.delete(oldest.identity.arn);
      const key = `${oldest.identity.functionName}/${oldest.identity.name}`;
      if (this.byName.get(key) === oldest) this.byName.delete(key);
    }
    if (forgotten.size > 0) this.all = this.all.filter((kept) => !forgotten.has(kept));
  }

  /** The execution with this ARN; `ResourceNotFoundException` when there is none. */
  get(arn: string): LocalExecution {
    const execution = this.byArn.get(arn);
    if (execution) return execution;
    if (arn.length > 1024) throw validationError("durableExecutionArn", arn, "Member must have length less than or equal to 1024.");
    if (!executionArnPattern.test(arn)) throw validationError("durableExecutionArn", arn, "Member must be a durable execution ARN.");
    throw notFound(
      `The durable execution ${quote(arn)} does not exist. (The local endpoint keeps the last ${this.options.maxEnded ?? MAX_ENDED_EXECUTIONS} ended executions, and only until it stops.)`,
    );
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

  /** The execution a callback id belongs to. */
  findCallback(callbackId: string): LocalExecution | undefined {
    return this.all.find((execution) => execution.hasCallback(callbackId));
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
