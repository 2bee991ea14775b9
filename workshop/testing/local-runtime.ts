/**
 * Runs a module's workflow on the testing SDK's local durable runtime.
 *
 * The helpers keep the module tests about the concept they check: they install the runtime
 * once per test file, clear the domain fakes before each test, and explain a failed
 * execution in one line instead of a stack trace from inside the SDK.
 */
import {
  LocalDurableTestRunner,
  WaitingOperationStatus,
  type DurableOperation,
  type TestResult,
} from "@aws/durable-execution-sdk-js-testing";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { captureDurableLogs, type DurableLogLine } from "../durable-logs.ts";
import type { Guide } from "./guidance.ts";
import { sdkErrorHint } from "./hints.ts";
import { resetOutsideSystems } from "./outside-systems.ts";
import { replayProblem, type ReplayTodos } from "./replay.ts";

export { WaitingOperationStatus, type DurableLogLine };

export interface RuntimeOptions {
  /**
   * Skip durable waits and retry delays (the default). Use `false` where a test counts
   * invocations: with skipped time, whether a replay happens at all is not deterministic.
   */
  skipTime?: boolean;
  /**
   * Tests in the file run at the same time (`describe.concurrent`). The fakes are then not
   * cleared between tests, so each test must use its own transaction id and count only
   * the calls made for it.
   */
  concurrent?: boolean;
  /**
   * Replay every finished execution from its own checkpoints (see replay.ts) and fail the
   * run, naming the TODO, when the replay calls anything outside or ends differently.
   * `todos` says which TODO of this module puts each outside call in its step.
   */
  replayCheck?: { guide: Guide; todos: ReplayTodos; file?: string };
}

let replayCheck: RuntimeOptions["replayCheck"];

/**
 * Lines the workflow logged through `context.logger` in this test file, oldest first.
 * They are kept here instead of being printed between the test results; set
 * `WORKSHOP_SHOW_LOGS=1` to see them as well.
 */
export const durableLogs: DurableLogLine[] = [];

/**
 * Whether files share the runtime. Starting the local checkpoint server costs about 0.3 s of
 * CPU; in a run whose files are not isolated (the maintainer check, `WORKSHOP_SHARE_RUNTIME=1`),
 * the server the first file starts serves every file after it in that worker. In a learner's
 * run, the worker started it before its file (worker-preload.ts sets the variable). The fake
 * clock of skipped time is still each file's own: it is put back when the file ends, so that the
 * worker's next file, which may be a repository test with child processes and timeouts, runs on
 * real time.
 */
const shareRuntime = () => process.env.WORKSHOP_SHARE_RUNTIME === "1";

/** What the SDK (2.4) keeps of the environment on LocalDurableTestRunner: the clock, when skipTime is on. */
const sdkEnvironment = LocalDurableTestRunner as unknown as { fakeClock?: { uninstall(): void }; skipTime?: boolean };

/** Puts back the real clock, keeping the checkpoint server. */
function restoreRealTime(): void {
  sdkEnvironment.fakeClock?.uninstall();
  sdkEnvironment.fakeClock = undefined;
  sdkEnvironment.skipTime = false;
}

async function installRuntime(skipTime: boolean): Promise<void> {
  // The SDK's fake clock also fakes process.nextTick and queueMicrotask, and Node delivers
  // vitest's messages to this worker through nextTick: one queued while the fake clock is in
  // place is dropped at teardown, and the worker then waits forever for it. Only timers need
  // faking, so put the two back before anything can queue on them.
  const { nextTick } = process;
  const { queueMicrotask } = globalThis;
  const setup = LocalDurableTestRunner.setupTestEnvironment({ skipTime });
  process.nextTick = nextTick;
  globalThis.queueMicrotask = queueMicrotask;
  // The SDK installs the clock, then starts the checkpoint server; when files share it, the
  // server an earlier file started is still running, and setup says so.
  await setup.catch((error: unknown) => {
    if (!(shareRuntime() && error instanceof Error && /already running/.test(error.message))) throw error;
  });
}

/** Installs the local durable runtime for this test file and resets the fakes before each test. */
export function useLocalRuntime({ skipTime = true, concurrent = false, replayCheck: check }: RuntimeOptions = {}): void {
  let stopCapturing = () => {};
  beforeAll(async () => {
    replayCheck = check;
    stopCapturing = captureDurableLogs((line) => durableLogs.push(line), {
      passThrough: process.env.WORKSHOP_SHOW_LOGS === "1",
    });
    await installRuntime(skipTime);
  });
  afterAll(async () => {
    if (shareRuntime()) restoreRealTime();
    else await LocalDurableTestRunner.teardownTestEnvironment();
    stopCapturing();
  });
  (concurrent ? beforeAll : beforeEach)(() => {
    resetOutsideSystems();
    durableLogs.length = 0;
  });
}

export interface RunOptions {
  /** The durable functions it invokes (module 13's scorer), by the name it invokes them with. */
  functions?: Record<string, DurableLambdaHandler>;
  /** For a handler that is not the module's `handler.ts`: its file, and which TODO puts each outside call in a step. */
  replay?: { file: string; todos: ReplayTodos };
}

/** A running execution of a module's workflow: the fraud check unless the module says otherwise. */
export interface FraudRun<R = FraudCheckResult> {
  runner: LocalDurableTestRunner<R>;
  /** Resolves when the execution ends, whatever its status. */
  finished: Promise<TestResult<R>>;
}

/**
 * Starts one execution; use `finished` to wait for it, `runner` to reach its operations
 * meanwhile. With the replay check on, `finished` also replays the ended execution from its
 * checkpoints and rejects with the learner's guidance when the replay misbehaves.
 */
export function startFraudCheck<R = FraudCheckResult>(
  handler: DurableLambdaHandler,
  payload: unknown,
  options: RunOptions = {},
): FraudRun<R> {
  const runner = new LocalDurableTestRunner<R>({ handlerFunction: handler });
  for (const [name, invoked] of Object.entries(options.functions ?? {})) runner.registerDurableFunction(name, invoked);
  const check = replayCheck && { ...replayCheck, ...(options.replay ?? {}) };
  const finished = runner.run({ payload }).then(
    async (execution) => {
      if (check === undefined) return execution;
      const problem = await replayProblem(handler, payload, execution, {
        folder: check.guide.folder,
        file: check.file,
        todos: check.todos,
      });
      if (problem !== undefined) throw new ReplayCheckError(problem);
      return execution;
    },
    (error: unknown) => {
      // The runtime itself gave up (a checkpoint refused, an invocation that cannot go on).
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const hint = sdkErrorHint(message);
      const where = check === undefined ? "" : `In ${check.guide.folder}/handler.ts: `;
      throw new ExecutionStoppedError(`${where}the execution could not go on (${message}).${hint ? ` ${hint}` : ""}`);
    },
  );
  return { runner, finished };
}

/** An error whose message says all there is to do: its stack would only point into the SDK. */
class GuidanceError extends Error {
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

/** A replay that called outside or ended differently; the message is the learner's guidance. */
export class ReplayCheckError extends GuidanceError {
  override readonly name = "ReplayCheckError";
}

/** An execution the local runtime gave up on (a refused checkpoint); the message is guidance. */
export class ExecutionStoppedError extends GuidanceError {
  override readonly name = "ExecutionStoppedError";
}

/** Runs one execution to its end. */
export async function runFraudCheck<R = FraudCheckResult>(
  handler: DurableLambdaHandler,
  payload: unknown,
  options: RunOptions = {},
): Promise<TestResult<R>> {
  return startFraudCheck<R>(handler, payload, options).finished;
}

/** The result of a succeeded execution, or an assertion-ready explanation of why there is none. */
export function resultOf<R = FraudCheckResult>(execution: TestResult<R>, guidance: string): R {
  const status = execution.getStatus();
  if (status !== "SUCCEEDED") {
    const error = status === "FAILED" ? execution.getError() : undefined;
    const why = error ? `${error.errorType ?? "Error"}: ${error.errorMessage ?? "(no message)"}` : `status ${status}`;
    const hint = sdkErrorHint(error?.errorMessage);
    throw new Error(`${guidance}${hint ? ` ${hint}` : ""}\n  The execution did not succeed (${why}).`);
  }
  const result = execution.getResult();
  if (result === undefined) throw new Error(`${guidance}\n  The execution returned nothing.`);
  return result;
}

/** Names of all named operations, nested ones included (the runner lists them flat). */
export function operationNames(execution: TestResult<unknown>): string[] {
  return execution
    .getOperations()
    .map((operation: DurableOperation) => operation.getName())
    .filter((name): name is string => typeof name === "string");
}
