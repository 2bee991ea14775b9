/**
 * The testing SDK's local runtime is set up once per process (its checkpoint server runs
 * in a worker thread). Several endpoints in one process (tests) share it; the last one to
 * close tears it down.
 *
 * Time runs for real: `skipTime: false`. Skipping time installs fake timers on the whole
 * process, which would also move the clock of the HTTP server, of the timestamps the API
 * returns and filters on, and of any client in the same process; and callback timeouts are
 * not skipped anyway (they run in the worker). Long waits are made short by configuration
 * instead: VERIFICATION_TIMEOUT_SECONDS, REVIEW_HOLD_SECONDS.
 *
 * What the runtime keeps, or has not yet handed over, once an execution has ended, and what the endpoint does:
 *
 * - The runner's last poll for checkpoints never returns (the worker answers a poll only when
 *   something new happens, and the runner's abort does not reach it), and it holds the whole
 *   runner: its operations, its history, every copy of the payload. `abandonPoll` answers it
 *   with an AbortError, which the runner's poll loop takes as its signal to stop.
 * - The checkpoint worker keeps every execution it has run, for as long as it lives: the
 *   runtime has no call to forget one. So the worker is replaced by a fresh one once nothing
 *   runs and, since it started, `RECYCLE_AFTER_ENDED` executions have ended or their data has
 *   passed `RECYCLE_AFTER_SIZE`; an execution that starts meanwhile waits for the new worker.
 *   While something runs, the worker is kept: an endpoint that always has an execution
 *   waiting keeps every execution's checkpoints in the worker until it stops.
 * - The runner stops polling 100 ms after the workflow has returned; on a busy machine the last
 *   updates (the end of the history) have not reached it by then. `unreadUpdates` fetches what
 *   the checkpoint server still holds for the execution.
 *
 * These reach into the testing SDK past its public API (the runner's private
 * `createCheckpointApiClient()`, its worker manager's `sendApiRequest` and pending-request
 * maps); the SDK is pinned. Should a later version move them, `runtimeInternals()` finds
 * nothing and the endpoint keeps what the runtime keeps, as it did before.
 */
import type { Worker } from "node:worker_threads";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";

/** How many ended executions make an idle checkpoint worker worth replacing. */
export const RECYCLE_AFTER_ENDED = 50;
/** How much data of ended executions (inputs, results, histories, in characters) makes it worth replacing. */
export const RECYCLE_AFTER_SIZE = 32 * 1024 * 1024;

let users = 0;
let setup: Promise<void> | undefined;
/** Executions whose runner has started or waits to start, in every endpoint of the process. */
let running = 0;
let endedSinceStart = 0;
let sizeSinceStart = 0;
let recycling: Promise<void> | undefined;
/** Counts full teardowns: an execution begun before the last one no longer counts. */
let generation = 0;

/** The testing SDK's worker manager, as far as the endpoint uses it. */
interface WorkerManager {
  worker?: Worker | null;
  sendApiRequest(apiType: string, params: unknown): Promise<unknown>;
  /** Requests sent to the worker and not answered yet, by API, by request id. */
  workerApiHandler?: { workerApiMap?: Record<string, Map<string, unknown>> };
}

interface RunnerInternals {
  createCheckpointApiClient?: () => { workerManager?: WorkerManager };
}

/** The runtime's worker manager, if the runtime is set up and its internals are where they were. */
function workerManager(): WorkerManager | undefined {
  try {
    const manager = (LocalDurableTestRunner as unknown as RunnerInternals).createCheckpointApiClient?.().workerManager;
    return typeof manager?.sendApiRequest === "function" ? manager : undefined;
  } catch {
    return undefined; // not set up
  }
}

/** The checkpoint server's worker thread, if the runtime is set up and it can be reached. */
export function checkpointWorker(): Worker | undefined {
  return workerManager()?.worker ?? undefined;
}

const POLL = "PollCheckpointData";
/** Ends the open poll of each execution, by the runtime's execution id. */
const openPolls = new Map<string, (reason: Error) => void>();
const watched = new WeakSet<WorkerManager>();

/** Makes every poll of the runtime one that `abandonPoll` can end. */
function watchPolls(manager: WorkerManager): void {
  if (watched.has(manager)) return;
  watched.add(manager);
  const send = manager.sendApiRequest.bind(manager);
  manager.sendApiRequest = (apiType, params) => {
    const request = send(apiType, params);
    const executionId = apiType === POLL ? (params as { executionId?: unknown } | undefined)?.executionId : undefined;
    if (typeof executionId !== "string") return request;
    return new Promise((resolve, reject) => {
      openPolls.set(executionId, reject);
      request.then(resolve, reject).finally(() => {
        if (openPolls.get(executionId) === reject) openPolls.delete(executionId);
      });
    });
  };
}

/** Ends the poll the runtime left open for an execution it has finished with. */
export function abandonPoll(executionId: string | undefined): void {
  if (executionId === undefined) return;
  const reject = openPolls.get(executionId);
  openPolls.delete(executionId);
  reject?.(new DOMException("The execution has ended.", "AbortError"));
}

/** Whether a poll of the runtime's for this execution waits for the checkpoint server's answer. */
export const pollOpen = (executionId: string): boolean => openPolls.has(executionId);

/**
 * What the checkpoint server holds for an execution that no poll has fetched: the updates a
 * runner missed when it stopped polling before they came. Empty when none comes within
 * `timeoutMs`; undefined when the runtime cannot be asked.
 */
export async function unreadUpdates(executionId: string, timeoutMs: number): Promise<unknown[] | undefined> {
  const manager = workerManager();
  if (!manager) return undefined;
  const timer = setTimeout(() => abandonPoll(executionId), timeoutMs);
  try {
    const answer = (await manager.sendApiRequest(POLL, { executionId })) as { operations?: unknown[] } | undefined;
    return answer?.operations ?? [];
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/** Forgets the requests the old worker will never answer (with nothing running, only ended polls). */
function forgetPendingRequests(): void {
  for (const pending of Object.values(workerManager()?.workerApiHandler?.workerApiMap ?? {})) pending.clear();
  openPolls.clear();
}

async function start(): Promise<void> {
  // A checkpoint server already running in this process (test files that share one) serves as
  // well: the endpoint takes it over, and replaces and ends it as its own.
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false }).catch((error: unknown) => {
    if (!(error instanceof Error && /already running/.test(error.message) && checkpointWorker())) throw error;
  });
  const manager = workerManager();
  if (manager) watchPolls(manager);
}

/**
 * Tears the runtime down and ends its worker: the SDK's teardown only lets go of it, and the
 * worker would live on with everything it holds. Its own exit listener is removed first: it
 * would warn that the worker "exited with code 1", which is what ending a worker looks like.
 */
async function stop(): Promise<void> {
  const worker = checkpointWorker();
  await LocalDurableTestRunner.teardownTestEnvironment();
  worker?.removeAllListeners("exit");
  await worker?.terminate();
}

export async function acquireRuntime(): Promise<void> {
  users += 1;
  setup ??= start();
  await setup;
}

export async function releaseRuntime(): Promise<void> {
  users -= 1;
  if (users > 0) return;
  users = 0;
  setup = undefined;
  await recycling;
  // Executions still running are lost with the worker; what they wait for will never come.
  generation += 1;
  running = 0;
  endedSinceStart = 0;
  sizeSinceStart = 0;
  forgetPendingRequests();
  await stop();
}

/**
 * Call before an execution's runner starts: waits while the worker is being replaced.
 * Resolves to the token to hand back to `endExecution`.
 */
export async function beginExecution(): Promise<number> {
  running += 1;
  const token = generation;
  while (recycling) await recycling;
  return token;
}

/**
 * Call once an execution's runner has finished, with roughly how much data it had; replaces
 * the worker when that is due and nothing runs.
 */
export function endExecution(token: number, size: number): void {
  if (token !== generation) return;
  running -= 1;
  endedSinceStart += 1;
  sizeSinceStart += size;
  const due = endedSinceStart >= RECYCLE_AFTER_ENDED || sizeSinceStart >= RECYCLE_AFTER_SIZE;
  if (running > 0 || recycling || users === 0 || !due || !checkpointWorker()) return;
  endedSinceStart = 0;
  sizeSinceStart = 0;
  recycling = (async () => {
    forgetPendingRequests();
    await stop();
    await start();
  })()
    .catch(() => {
      // A worker that cannot start fails the next execution with the runtime's own error.
    })
    .finally(() => {
      recycling = undefined;
    });
}
