/**
 * What a running execution has done so far, read from the testing SDK's runner while
 * `run()` has not returned yet.
 *
 * Operations come through the runner's public API: `getOperationByIndex(i)` returns an
 * operation object that the runner fills in, and keeps up to date, as checkpoints arrive
 * (its live operation storage). Asking for index 0, 1, 2... until one has no data yet gives
 * every operation started so far, in start order; the objects are kept and reused, so they
 * always show the latest status, and their `sendCallbackSuccess/Failure/Heartbeat` answer a
 * callback the official way. `waitForData` on the next index says when a new one appears.
 *
 * The history of a running execution is the one exception: the runner only hands its event
 * list out when `run()` returns (`getHistoryEvents()` on the result). While it runs, the same
 * list lives in the runner's operation index, which `liveHistory` reads (the field is not
 * public API; it is the exact list `run()` returns later, and the testing SDK is pinned).
 * Should a future version move it, the operations' own events are used instead, which lack
 * only the execution-level and invocation events.
 */
import type { Event } from "@aws-sdk/client-lambda";
import { WaitingOperationStatus, type DurableOperation, type LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";

export class LiveOperations {
  private readonly runner: LocalDurableTestRunner;
  private readonly onNewOperation: () => void;
  private readonly seen: DurableOperation[] = [];
  /** The operation object for the next index, kept until the runner fills it in. */
  private next: DurableOperation | undefined;

  constructor(runner: LocalDurableTestRunner, onNewOperation: () => void = () => {}) {
    this.runner = runner;
    this.onNewOperation = onNewOperation;
  }

  /** Every operation started so far, oldest first, each kept current by the runner. */
  list(): DurableOperation[] {
    for (;;) {
      const candidate = this.next ?? this.watchNext();
      if (candidate.getOperationData() === undefined) break;
      this.seen.push(candidate);
      this.next = undefined;
    }
    return [...this.seen];
  }

  private watchNext(): DurableOperation {
    const candidate = this.runner.getOperationByIndex(this.seen.length);
    this.next = candidate;
    // Resolves as soon as the runner fills it in; rejects when the run ends without it.
    Promise.race([candidate.waitForData(WaitingOperationStatus.STARTED), candidate.waitForData(WaitingOperationStatus.COMPLETED)]).then(
      () => this.onNewOperation(),
      () => {},
    );
    return candidate;
  }
}

interface RunnerInternals {
  operationIndex?: { getHistoryEvents?: () => Event[] };
  operationStorage?: { populateOperations?: (updates: unknown[]) => void };
}

/**
 * Gives the runner checkpoint updates its own poll did not fetch, as that poll would have (the
 * runner's operation storage is not public API either); false when the runner cannot take them.
 */
export function deliverUpdates(runner: LocalDurableTestRunner, updates: unknown[]): boolean {
  const storage = (runner as unknown as RunnerInternals).operationStorage;
  if (typeof storage?.populateOperations !== "function") return false;
  if (updates.length > 0) storage.populateOperations(updates);
  return true;
}

/** The runner's own history of a running execution (see the file comment), in event order. */
export function liveHistory(runner: LocalDurableTestRunner, operations: readonly DurableOperation[]): Event[] {
  const index = (runner as unknown as RunnerInternals).operationIndex;
  const events =
    typeof index?.getHistoryEvents === "function" ? [...index.getHistoryEvents()] : operations.flatMap((op) => op.getEvents() ?? []);
  return events.sort((a, b) => (a.EventId ?? 0) - (b.EventId ?? 0));
}
