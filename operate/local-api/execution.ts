/**
 * One durable execution, run by the testing SDK's local runtime (`LocalDurableTestRunner`),
 * seen the way the service shows it: a status, a result or an error, a history, the
 * checkpointed operations, and callbacks that can be answered.
 *
 * Durable execution itself (checkpoints, replay, steps, waits, callbacks and their timeouts)
 * is the runtime's. What the service adds and the runtime has not, this class adds on top:
 *
 * - Stop: the execution ends STOPPED at once, its history ends with ExecutionStopped, and no
 *   more of its code runs: every later invocation the runtime makes is refused before it
 *   reaches the handler. Callbacks still open are then closed, so the runtime finishes too.
 * - The execution timeout of the function's durable config: past it, the execution ends
 *   TIMED_OUT the same way.
 * - One answer per callback. The runtime takes a second answer to a callback, and an answer
 *   after the workflow has returned, without complaint; the service refuses both. Here the
 *   first success or failure accepted for a callback closes it at once, in the same step as
 *   the check that it was open (no await in between, so two answers in flight cannot both
 *   pass), before it goes to the runtime. Once the workflow has returned its result, no
 *   callback takes an answer.
 * - Letting go: once the runtime has finished with an execution, its runner is released. The
 *   execution keeps what the API shows of it (identity, input, outcome, history, operations),
 *   with one copy of its input and result; how many such executions are kept is the
 *   registry's business.
 */
import type { ErrorObject, Event } from "@aws-sdk/client-lambda";
import {
  InvocationStatus,
  type DurableExecutionInvocationInput,
  type DurableLambdaHandler,
  type Operation,
} from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner, type DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import { setTimeout as delay } from "node:timers/promises";
import { terminalEvent, toServiceEvents } from "./history.ts";
import { deliverUpdates, liveHistory, LiveOperations } from "./live-operations.ts";
import { abandonPoll, beginExecution, endExecution, pollOpen, unreadUpdates } from "./runtime-environment.ts";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "STOPPED";

export interface ExecutionIdentity {
  arn: string;
  name: string;
  /** The execution id, last part of the ARN. */
  id: string;
  functionName: string;
  /** The version the execution runs: `1` (also reached through the alias) or `$LATEST`. */
  version: string;
  /** The function ARN with that version. */
  functionArn: string;
}

/** Something worth telling the person watching the server. */
export type ExecutionNews = { kind: "callback"; callbackId: string; waitingIn: string } | { kind: "ended"; status: ExecutionStatus };

export interface ExecutionOptions {
  identity: ExecutionIdentity;
  /** The payload as it was sent, JSON text. */
  input: string;
  /** Its parsed value, what the handler receives. */
  payload: unknown;
  handler: DurableLambdaHandler;
  /** The durable functions the handler invokes (module 13's scorer), by the name it invokes them with. */
  functions?: Record<string, DurableLambdaHandler>;
  executionTimeoutSeconds: number;
  /** Its order among all executions, for pagination. */
  sequence: number;
  onNews?: (execution: LocalExecution, news: ExecutionNews) => void;
  /** Called once the runtime has finished with the execution and its runner is let go. */
  onReleased?: (execution: LocalExecution) => void;
}

const openStatuses = new Set(["STARTED", "PENDING", "READY"]);
/** The events that end an execution's history. */
const endEvents = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionStopped"]);
/** How long the end of an execution's history may take to reach the runner after `run()` returns. */
const LATE_EVENTS_MS = 5_000;
/** The longest delay `setTimeout` takes (about 24.8 days); longer timeouts are capped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LocalExecution {
  readonly identity: ExecutionIdentity;
  readonly input: string;
  readonly sequence: number;
  readonly executionTimeoutSeconds: number;
  readonly startTimestamp = new Date();
  status: ExecutionStatus = "RUNNING";
  endTimestamp: Date | undefined;
  /** The result JSON text of a SUCCEEDED execution. */
  result: string | undefined;
  error: ErrorObject | undefined;
  /** Resolves once the execution has left RUNNING. */
  readonly ended: Promise<void>;
  /** The id the local runtime knows the execution by (its log lines carry it). */
  runtimeId: string | undefined;

  /** Roughly how much this execution keeps once released (UTF-16 code units of its data, on the high side). */
  retainedSize = 0;

  /** The runtime's runner and what it shows; both let go once the runtime has finished. */
  private runner: LocalDurableTestRunner | undefined;
  private live: LiveOperations | undefined;
  private readonly onNews: NonNullable<ExecutionOptions["onNews"]>;
  private readonly onReleased: NonNullable<ExecutionOptions["onReleased"]>;
  private readonly announced = new Set<string>();
  /** Callbacks that have taken their one answer (or are being given it). */
  private readonly answered = new Set<string>();
  /** The workflow has returned its result: from then on no callback takes an answer. */
  private returned = false;
  private executionOperation: Operation | undefined;
  /** The runner's whole history, once the workflow has ended and the history's end has arrived. */
  private finalEvents: Event[] | undefined;
  /** The history as it stood when the service ended the execution (stop, timeout), or when it was released. */
  private frozenHistory: Event[] | undefined;
  /** The operations as they stood when the execution was released. */
  private frozenOperations: Operation[] | undefined;
  /** The callback ids of a released execution. */
  private frozenCallbacks: Set<string> | undefined;
  private markEnded: () => void = () => {};
  private readonly timeout: NodeJS.Timeout;

  constructor(options: ExecutionOptions) {
    this.identity = options.identity;
    this.input = options.input;
    this.sequence = options.sequence;
    this.executionTimeoutSeconds = options.executionTimeoutSeconds;
    this.onNews = options.onNews ?? (() => {});
    this.onReleased = options.onReleased ?? (() => {});
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.runner = new LocalDurableTestRunner({ handlerFunction: this.guarded(options.handler) });
    for (const [name, invoked] of Object.entries(options.functions ?? {})) this.runner.registerDurableFunction(name, invoked);
    this.live = new LiveOperations(this.runner, () => this.announceCallbacks());
    this.live.list(); // watches for the first operation
    this.timeout = setTimeout(
      () =>
        this.endByService("TIMED_OUT", {
          ErrorType: "ExecutionTimedOut",
          ErrorMessage: `The execution ran longer than its execution timeout of ${this.executionTimeoutSeconds} s.`,
        }),
      Math.min(this.executionTimeoutSeconds * 1000, MAX_TIMER_MS),
    );
    this.timeout.unref();
    void this.run(options.payload);
  }

  /** The handler as the runtime calls it: refused once the service has ended the execution. */
  private guarded(handler: DurableLambdaHandler): DurableLambdaHandler {
    return async (event: DurableExecutionInvocationInput, context) => {
      this.runtimeId ??= event.DurableExecutionArn;
      this.executionOperation ??= event.InitialExecutionState?.Operations?.find((op) => op.Type === "EXECUTION") as Operation | undefined;
      if (this.status !== "RUNNING") {
        return {
          Status: InvocationStatus.FAILED,
          Error: { ErrorType: "ExecutionEnded", ErrorMessage: `The execution is ${this.status}.` },
        };
      }
      const output = await handler(event, context);
      if (output.Status !== InvocationStatus.PENDING) this.returned = true;
      return output;
    };
  }

  private async run(payload: unknown): Promise<void> {
    const token = await beginExecution();
    try {
      await this.runToEnd(payload);
    } finally {
      abandonPoll(this.runtimeId);
      this.release();
      endExecution(token, this.retainedSize);
    }
  }

  private async runToEnd(payload: unknown): Promise<void> {
    const runner = this.runner as LocalDurableTestRunner;
    try {
      const result = await runner.run({ payload });
      if (this.status !== "RUNNING") return;
      this.finalEvents = await this.wholeHistory(result.getHistoryEvents());
      if (this.status !== "RUNNING") return;
      const status = result.getStatus();
      if (status === "SUCCEEDED") {
        const succeeded = this.finalEvents.find((event) => event.EventType === "ExecutionSucceeded");
        const raw = succeeded?.ExecutionSucceededDetails?.Result?.Payload;
        this.finish("SUCCEEDED", { result: raw ?? JSON.stringify(result.getResult() ?? null) });
      } else {
        const failure = result.getError();
        this.finish(status === "TIMED_OUT" || status === "STOPPED" ? status : "FAILED", {
          error: {
            ErrorType: failure.errorType,
            ErrorMessage: failure.errorMessage,
            ErrorData: failure.errorData,
            StackTrace: failure.stackTrace,
          },
        });
      }
    } catch (error) {
      if (this.status !== "RUNNING") return;
      this.finish("FAILED", {
        error: {
          ErrorType: error instanceof Error ? error.name : "Error",
          ErrorMessage: error instanceof Error ? error.message : String(error),
        },
      });
    }
  }

  /**
   * The runner's history with its end. `run()` returns 100 ms after the workflow has ended, with
   * the events its poll of the checkpoint server has brought by then; on a busy machine the last
   * ones (the last steps, the end itself) are still on their way, on the poll still open, and the
   * history `run()` returns can be as short as ExecutionStarted. They are waited for here, on the
   * runner's own list, so that no event is lost when the runner is let go.
   */
  private async wholeHistory(returned: Event[]): Promise<Event[]> {
    const deadline = Date.now() + LATE_EVENTS_MS;
    let events = returned;
    while (!events.some((event) => endEvents.has(event.EventType ?? "")) && this.runner && this.live && this.runtimeId) {
      if (Date.now() > deadline) break;
      // A poll of the runner's still open brings them to the runner; with none left, they are read here.
      if (pollOpen(this.runtimeId)) await delay(10);
      else {
        const updates = await unreadUpdates(this.runtimeId, 200);
        if (updates === undefined || !deliverUpdates(this.runner, updates)) break;
      }
      events = liveHistory(this.runner, this.live.list());
    }
    return events;
  }

  private finish(status: ExecutionStatus, outcome: { result?: string; error?: ErrorObject }): void {
    clearTimeout(this.timeout);
    this.status = status;
    this.endTimestamp = new Date();
    this.result = outcome.result;
    this.error = outcome.error;
    this.markEnded();
    this.onNews(this, { kind: "ended", status });
  }

  /** Ends a running execution the way the service does: STOPPED (a stop) or TIMED_OUT. */
  endByService(status: "STOPPED" | "TIMED_OUT", error: ErrorObject): Date {
    if (this.status !== "RUNNING") return this.endTimestamp ?? new Date();
    const events = this.history();
    const operations = this.live?.list() ?? [];
    this.finish(status, { error });
    const at = this.endTimestamp as Date;
    this.frozenHistory = [...events, terminalEvent(events, status === "STOPPED" ? "ExecutionStopped" : "ExecutionTimedOut", at, error)];
    // Close what still waits, so the runtime invokes once more, is refused, and finishes.
    for (const operation of operations) {
      if (operation.isCallback() && openStatuses.has(operation.getStatus() ?? "")) {
        operation.sendCallbackFailure({ ErrorType: "ExecutionEnded", ErrorMessage: `The execution is ${status}.` }).catch(() => {});
      }
    }
    return at;
  }

  /** The execution's history, as GetDurableExecutionHistory shows it. */
  history(): Event[] {
    if (this.frozenHistory) return this.frozenHistory;
    const events = this.finalEvents ?? (this.runner && this.live ? liveHistory(this.runner, this.live.list()) : []);
    return toServiceEvents(events, { executionTimeoutSeconds: this.executionTimeoutSeconds });
  }

  /** The checkpointed operations, the execution itself first, as GetDurableExecutionState returns them. */
  operations(): Operation[] {
    if (this.frozenOperations) return this.frozenOperations;
    const execution = this.executionOperation
      ? [
          {
            ...this.executionOperation,
            Status: this.status === "RUNNING" ? "STARTED" : this.status,
            EndTimestamp: this.endTimestamp,
          } as Operation,
        ]
      : [];
    return [...execution, ...(this.live?.list() ?? []).flatMap((op) => op.getOperationData() ?? [])];
  }

  /** Whether a callback with this id belongs to this execution, open or closed. */
  hasCallback(callbackId: string): boolean {
    return this.frozenCallbacks ? this.frozenCallbacks.has(callbackId) : this.findCallback(callbackId) !== undefined;
  }

  /**
   * The callback with this id if it still takes an answer: the execution runs, the workflow
   * has not returned, no answer has been taken for it, and the runtime has not closed it.
   */
  openCallback(callbackId: string): DurableOperation | undefined {
    if (this.status !== "RUNNING" || this.returned || this.answered.has(callbackId)) return undefined;
    const callback = this.findCallback(callbackId);
    return callback && openStatuses.has(callback.getStatus() ?? "") ? callback : undefined;
  }

  /**
   * Takes the one answer (success or failure) a callback accepts: the open callback to pass
   * it to, now closed to every other answer; undefined when it no longer takes one. The
   * check and the claim happen together, with no await between them.
   */
  claimAnswer(callbackId: string): DurableOperation | undefined {
    const callback = this.openCallback(callbackId);
    if (callback) this.answered.add(callbackId);
    return callback;
  }

  /** Gives a claimed answer back, when the runtime did not take it. */
  releaseAnswer(callbackId: string): void {
    this.answered.delete(callbackId);
  }

  private findCallback(callbackId: string): DurableOperation | undefined {
    return this.live?.list().find((op) => op.isCallback() && op.getOperationData()?.CallbackDetails?.CallbackId === callbackId);
  }

  /**
   * Lets the runner go once the runtime has finished: keeps the history, the operations and
   * the callback ids, with the input and the result shared rather than copied.
   */
  private release(): void {
    const callbackIds = (this.live?.list() ?? []).flatMap((op) => {
      const id = op.isCallback() ? op.getOperationData()?.CallbackDetails?.CallbackId : undefined;
      return id === undefined ? [] : [id];
    });
    const history = this.history().map((event) => this.shareEventPayloads(event));
    const operations = this.operations().map((operation) => this.shareOperationPayloads(operation));
    this.frozenHistory = history;
    this.frozenOperations = operations;
    this.frozenCallbacks = new Set(callbackIds);
    this.runner = undefined;
    this.live = undefined;
    this.finalEvents = undefined;
    this.executionOperation = undefined;
    this.retainedSize =
      this.input.length +
      (this.result?.length ?? 0) +
      JSON.stringify(history).length +
      JSON.stringify(operations).length +
      JSON.stringify(this.error ?? {}).length;
    this.onReleased(this);
  }

  /** The same text as the input or the result, as that one string rather than a copy. */
  private shared(text: string | undefined): string | undefined {
    if (text === undefined) return undefined;
    if (text === this.input) return this.input;
    if (text === this.result) return this.result;
    return text;
  }

  private shareEventPayloads(event: Event): Event {
    const started = event.ExecutionStartedDetails;
    if (started?.Input?.Payload !== undefined) {
      return {
        ...event,
        ExecutionStartedDetails: { ...started, Input: { ...started.Input, Payload: this.shared(started.Input.Payload) } },
      };
    }
    const succeeded = event.ExecutionSucceededDetails;
    if (succeeded?.Result?.Payload !== undefined) {
      return {
        ...event,
        ExecutionSucceededDetails: { ...succeeded, Result: { ...succeeded.Result, Payload: this.shared(succeeded.Result.Payload) } },
      };
    }
    return event;
  }

  private shareOperationPayloads(operation: Operation): Operation {
    const details = operation.ExecutionDetails;
    if (details?.InputPayload === undefined) return operation;
    return { ...operation, ExecutionDetails: { ...details, InputPayload: this.shared(details.InputPayload) } };
  }

  /** Tells `onNews` about callbacks that have started since the last time. */
  private announceCallbacks(): void {
    const operations = this.live?.list() ?? [];
    for (const op of operations) {
      const callbackId = op.getOperationData()?.CallbackDetails?.CallbackId;
      if (!op.isCallback() || callbackId === undefined || this.announced.has(callbackId) || this.openCallback(callbackId) === undefined)
        continue;
      this.announced.add(callbackId);
      const parent = operations.find((candidate) => candidate.getId() === op.getParentId());
      this.onNews(this, { kind: "callback", callbackId, waitingIn: parent?.getName() ?? op.getName() ?? "callback" });
    }
  }
}
