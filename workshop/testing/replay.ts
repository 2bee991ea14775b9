/**
 * The replay check: run a finished execution's handler once more from its own checkpoints.
 *
 * The service replays a durable function from the top after every wait, retry, callback or
 * crash, handing it the operations it checkpointed so far. A correct workflow then takes
 * every step's result from its checkpoint: it calls no outside system again and reaches the
 * same end. This check does what the service does, with every operation of the finished
 * execution, through a transport that records what the replay would checkpoint, and turns
 * anything else into a sentence a learner can act on.
 */
import {
  DurableExecutionInvocationInputWithClient,
  InvocationStatus,
  type DurableExecutionClient,
  type DurableExecutionInvocationInput,
  type DurableLambdaHandler,
} from "@aws/durable-execution-sdk-js";
import type { TestResult } from "@aws/durable-execution-sdk-js-testing";
import type { Context } from "aws-lambda";
import { isDeepStrictEqual } from "node:util";
import { sdkErrorHint } from "./hints.ts";
import { callCounts, callsSince, type SideEffect } from "./outside-systems.ts";

/** Which TODO puts each side effect in its step, for the module whose tests run the check. */
export type ReplayTodos = Partial<Record<SideEffect, number>>;

export interface ReplayGuide {
  /** `modules/01-first-step`: where the learner's handler lives. */
  folder: string;
  /** The learner's file the replayed handler is in. @default "handler.ts" */
  file?: string;
  todos: ReplayTodos;
}

type Checkpoint = Parameters<DurableExecutionClient["checkpoint"]>[0];
type Update = NonNullable<Checkpoint["Updates"]>[number];

/** The transactions an event is about: a fraud check's one, or each of a batch's. */
function transactionIds(payload: unknown): Set<unknown> {
  const event = payload as { id?: unknown; transactions?: unknown } | null;
  const batch = Array.isArray(event?.transactions) ? event.transactions.map((transaction: { id?: unknown } | null) => transaction?.id) : [];
  return new Set([event?.id, ...batch].filter((id) => id !== undefined));
}

const lambdaContext = {
  functionName: "replay-check",
  functionVersion: "1",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:replay-check",
  memoryLimitInMB: "1024",
  awsRequestId: "replay-check",
  logGroupName: "replay-check",
  logStreamName: "replay-check",
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 900_000,
} as unknown as Context;

interface ReplayRun {
  status: string;
  result: unknown;
  error: string | undefined;
  /** Operations the replay asked to start that the first run never had. */
  started: string[];
  calls: SideEffect[];
}

/** Invokes `handler` with every operation of `execution` already checkpointed. */
async function replay(handler: DurableLambdaHandler, payload: unknown, execution: TestResult<unknown>): Promise<ReplayRun> {
  const recorded = execution
    .getOperations()
    .map((operation) => operation.getOperationData())
    .filter((operation) => operation !== undefined);
  const known = new Set(recorded.map((operation) => operation.Id));
  const updates: Update[] = [];
  const transport: DurableExecutionClient = {
    getExecutionState: async () => ({ Operations: [] }),
    checkpoint: async (request) => {
      updates.push(...(request.Updates ?? []));
      return { CheckpointToken: `replay-${updates.length}`, NewExecutionState: { Operations: [] } };
    },
  };
  const start = {
    Id: "replay-check-execution",
    Type: "EXECUTION",
    Status: "STARTED",
    ExecutionDetails: { InputPayload: JSON.stringify(payload) },
  };
  const input = {
    DurableExecutionArn: "arn:aws:lambda:us-east-1:123456789012:function:replay-check/durable-execution/replay",
    CheckpointToken: "replay-0",
    InitialExecutionState: { Operations: [start, ...recorded] },
  } as unknown as DurableExecutionInvocationInput;

  const ids = transactionIds(payload);
  const before = callCounts();
  const output = await handler(new DurableExecutionInvocationInputWithClient(input, transport), lambdaContext);
  const started = updates
    .filter((update) => update.Action === "START" && !known.has(update.Id))
    .map((update) => update.Name ?? `an unnamed ${update.Type?.toLowerCase() ?? "operation"}`);
  const result = "Result" in output && output.Result ? (JSON.parse(output.Result) as unknown) : undefined;
  return {
    status: output.Status,
    result,
    error: "Error" in output ? output.Error?.ErrorMessage : undefined,
    started,
    // Other tests may run at the same time: only the calls for this event's transactions count.
    calls: callsSince(before)
      .filter((call) => ids.has(call.transactionId))
      .map((call) => call.effect),
  };
}

const shown = (value: unknown) => JSON.stringify(value) ?? "nothing";

/**
 * Replays a finished execution and returns what went wrong, in the learner's words, or
 * `undefined` when the replay called nothing outside and ended the same way.
 */
export async function replayProblem(
  handler: DurableLambdaHandler,
  payload: unknown,
  execution: TestResult<unknown>,
  guide: ReplayGuide,
): Promise<string | undefined> {
  const status = execution.getStatus();
  if (status !== "SUCCEEDED" && status !== "FAILED") return undefined;
  // The SDK refused how the workflow used it (a parent context inside a map item): the test's
  // own check says so with the hint; a replay of that run would only blame what it repeated.
  if (status === "FAILED" && sdkErrorHint(execution.getError().errorMessage) !== undefined) return undefined;
  const where = (todo: number | undefined) =>
    todo === undefined
      ? `In ${guide.folder}/${guide.file ?? "handler.ts"}`
      : `TODO ${todo} in ${guide.folder}/${guide.file ?? "handler.ts"}`;

  let run: ReplayRun;
  try {
    run = await replay(handler, payload, execution);
  } catch (error) {
    return `${where(undefined)}: replaying the execution from its checkpoints threw ${String(error)}.`;
  }

  if (run.calls.length > 0) {
    // Lowest TODO first: the one to do next.
    const again = [...new Set(run.calls)].sort((a, b) => (guide.todos[a] ?? 99) - (guide.todos[b] ?? 99));
    const named = again.map((call) => (guide.todos[call] === undefined ? call : `${call} (TODO ${guide.todos[call]})`));
    return (
      `${where(guide.todos[again[0] as SideEffect])}: when the function replayed from its checkpoints, it called ` +
      `${named.join(", ")} again. Code outside a durable step runs again on every replay (after each wait, retry ` +
      "or answer): make that call inside its context.step(...), so its checkpointed result is used instead."
    );
  }
  if (run.started.length > 0) {
    return (
      `${where(undefined)}: replaying the execution from its checkpoints took another path: it started ` +
      `${run.started.join(", ")}, which the first run never had. Code outside steps must decide the same way on ` +
      "every replay: read the clock, random numbers and anything else that changes inside a step."
    );
  }
  if (status === "SUCCEEDED") {
    const firstResult = execution.getResult();
    if (run.status !== InvocationStatus.SUCCEEDED || !isDeepStrictEqual(run.result, firstResult)) {
      const replayed = run.status === InvocationStatus.SUCCEEDED ? shown(run.result) : `${run.status} (${run.error ?? "no error"})`;
      return (
        `${where(undefined)}: replaying the execution from its checkpoints ended differently. First run: ` +
        `${shown(firstResult)}. Replay: ${replayed}. Code outside steps must give the same result on every ` +
        "replay: take the time, random numbers and anything that changes from a step's result."
      );
    }
  } else if (run.status !== InvocationStatus.FAILED || run.error !== execution.getError().errorMessage) {
    return (
      `${where(undefined)}: the execution failed (${execution.getError().errorMessage ?? "no message"}), but replaying it ` +
      `from its checkpoints ended ${run.status}${run.error ? ` (${run.error})` : ""}. Code outside steps must do the ` +
      "same on every replay."
    );
  }
  return undefined;
}
