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
 */
import type { ErrorObject, Event } from "@aws-sdk/client-lambda";
import { InvocationStatus, type DurableExecutionInvocationInput, type DurableLambdaHandler, type Operation } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner, type DurableOperation, type TestResult } from "@aws/durable-execution-sdk-js-testing";
import { terminalEvent, toServiceEvents } from "./history.ts";
import { liveHistory, LiveOperations } from "./live-operations.ts";

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
export type ExecutionNews =
  | { kind: "callback"; callbackId: string; waitingIn: string }
  | { kind: "ended"; status: ExecutionStatus };

export interface ExecutionOptions {
  identity: ExecutionIdentity;
  /** The payload as it was sent, JSON text. */
  input: string;
  /** Its parsed value, what the handler receives. */
  payload: unknown;
  handler: DurableLambdaHandler;
  executionTimeoutSeconds: number;
  /** Its order among all executions, for pagination. */
  sequence: number;
  onNews?: (execution: LocalExecution, news: ExecutionNews) => void;
}

const openStatuses = new Set(["STARTED", "PENDING", "READY"]);
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

  private readonly runner: LocalDurableTestRunner;
  private readonly live: LiveOperations;
  private readonly onNews: NonNullable<ExecutionOptions["onNews"]>;
  private readonly announced = new Set<string>();
  private executionOperation: Operation | undefined;
  private finalResult: TestResult | undefined;
  /** The history as it stood when the service ended the execution (stop, timeout). */
  private frozenHistory: Event[] | undefined;
  private markEnded: () => void = () => {};
  private readonly timeout: NodeJS.Timeout;

  constructor(options: ExecutionOptions) {
    this.identity = options.identity;
    this.input = options.input;
    this.sequence = options.sequence;
    this.executionTimeoutSeconds = options.executionTimeoutSeconds;
    this.onNews = options.onNews ?? (() => {});
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
    this.runner = new LocalDurableTestRunner({ handlerFunction: this.guarded(options.handler) });
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
        return { Status: InvocationStatus.FAILED, Error: { ErrorType: "ExecutionEnded", ErrorMessage: `The execution is ${this.status}.` } };
      }
      return handler(event, context);
    };
  }

  private async run(payload: unknown): Promise<void> {
    try {
      const result = await this.runner.run({ payload });
      this.finalResult = result;
      if (this.status !== "RUNNING") return;
      const status = result.getStatus();
      if (status === "SUCCEEDED") {
        const succeeded = result.getHistoryEvents().find((event) => event.EventType === "ExecutionSucceeded");
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
        error: { ErrorType: error instanceof Error ? error.name : "Error", ErrorMessage: error instanceof Error ? error.message : String(error) },
      });
    }
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
    const operations = this.live.list();
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
    const events = this.finalResult ? this.finalResult.getHistoryEvents() : liveHistory(this.runner, this.live.list());
    return toServiceEvents(events, { executionTimeoutSeconds: this.executionTimeoutSeconds });
  }

  /** The checkpointed operations, the execution itself first, as GetDurableExecutionState returns them. */
  operations(): Operation[] {
    const execution = this.executionOperation
      ? [{ ...this.executionOperation, Status: this.status === "RUNNING" ? "STARTED" : this.status, EndTimestamp: this.endTimestamp } as Operation]
      : [];
    return [...execution, ...this.live.list().flatMap((op) => op.getOperationData() ?? [])];
  }

  /** The callback operation with this id, open or closed. */
  callback(callbackId: string): DurableOperation | undefined {
    return this.live.list().find((op) => op.isCallback() && op.getOperationData()?.CallbackDetails?.CallbackId === callbackId);
  }

  /** Whether a callback can still be answered: its execution runs and it has not ended. */
  isOpen(callback: DurableOperation): boolean {
    return this.status === "RUNNING" && openStatuses.has(callback.getStatus() ?? "");
  }

  /** Tells `onNews` about callbacks that have started since the last time. */
  private announceCallbacks(): void {
    const operations = this.live.list();
    for (const op of operations) {
      const callbackId = op.getOperationData()?.CallbackDetails?.CallbackId;
      if (!op.isCallback() || callbackId === undefined || this.announced.has(callbackId) || !this.isOpen(op)) continue;
      this.announced.add(callbackId);
      const parent = operations.find((candidate) => candidate.getId() === op.getParentId());
      this.onNews(this, { kind: "callback", callbackId, waitingIn: parent?.getName() ?? op.getName() ?? "callback" });
    }
  }
}
