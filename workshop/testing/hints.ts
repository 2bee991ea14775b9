/**
 * Hints that name the durable idea behind what a test saw, shared by the module tests.
 *
 * An assertion says what was expected; a hint says why a plausible piece of code did something
 * else, read from what the local runtime recorded. What each hint claims was measured on
 * @aws/durable-execution-sdk-js 2.4.0 with the testing SDK 1.1.4.
 */
import { OperationStatus } from "@aws/durable-execution-sdk-js";
import type { DurableOperation, TestResult } from "@aws/durable-execution-sdk-js-testing";

/**
 * What a durable operation does when nobody awaits it. `context.wait(...)`,
 * `context.waitForCallback(...)` and `context.parallel(...)` start their work when called (only
 * reading the result waits for `await`): the wait is checkpointed, the submitter sends its
 * message, the branches start. The handler runs on, and the execution ends while they are open.
 */
export const NOT_AWAITED =
  "A durable operation you do not await still starts (its checkpoint is written, a callback's message goes out), " +
  "but the handler does not stop for it: the code after it runs at once, without its result, and the execution " +
  "ends while it is still open, so the end of the wait or the card holder's answer is never seen.";

/** `did you forget \`await\` before \`context.wait(...)\`? A durable operation you do not await ...` */
export function forgotAwait(call: string): string {
  return `did you forget \`await\` before \`${call}\`? ${NOT_AWAITED}`;
}

const OPEN: ReadonlySet<string | undefined> = new Set([OperationStatus.STARTED, OperationStatus.PENDING, OperationStatus.READY]);

/**
 * True when the operation named `name` shows the signs of a missing `await`: it was still open
 * when the execution ended, or the next operation of the same context started before it ended.
 * False when there is no such operation (other assertions say so) or the execution has not ended.
 */
export function leftOpen(execution: TestResult<unknown>, name: string): boolean {
  const status = execution.getStatus();
  if (status !== "SUCCEEDED" && status !== "FAILED") return false;
  const operations = execution.getOperations();
  const index = operations.findIndex((operation) => operation.getName() === name);
  const operation = operations[index];
  if (operation === undefined) return false;
  if (OPEN.has(operation.getStatus())) return true;

  const ended = operation.getEndTimestamp();
  if (ended === undefined) return false;
  const next = operations
    .slice(index + 1)
    .find((later: DurableOperation) => later.getParentId() === operation.getParentId() && later.getName() !== undefined);
  const nextStarted = next?.getStartTimestamp();
  return nextStarted !== undefined && nextStarted.getTime() < ended.getTime();
}

/**
 * The idea behind an error the SDK fails an execution with, when it is one a learner's code
 * causes and the workshop teaches; `undefined` for any other error.
 */
export function sdkErrorHint(errorMessage: string | undefined): string | undefined {
  if (errorMessage === undefined) return undefined;
  if (errorMessage.includes("Context usage error")) {
    return (
      "Call each durable operation on the context where it runs: inside a parallel branch, a map item or " +
      "runInChildContext, on the child context the SDK passes to your function (`async (branch) => ...`, " +
      "`async (item, value) => item.step(...)`, `async (child) => child.step(...)`); inside a step's own function, " +
      "on none, since that is plain code whose result is checkpointed (put the operation beside the step); " +
      'anything else fails the execution ("Context usage error").'
    );
  }
  if (/name mismatch|type mismatch|NonDeterministic|Non-deterministic/.test(errorMessage)) {
    return (
      "An operation's name must be the same on every replay: build it from the event (the transaction id), " +
      "never from the clock or a random number."
    );
  }
  if (errorMessage.includes("Error object size must be less than")) {
    return (
      "A failed operation's error is checkpointed, and the service refuses one over 32 KB: keep what an operation " +
      "throws small, such as the start of a channel's failure message, or the execution cannot go on."
    );
  }
  return undefined;
}

// Taken at import, before the local runtime's fake timers replace the global one.
const realSetTimeout = globalThis.setTimeout;

/** Resolves after `ms` milliseconds of wall-clock time, whatever the local runtime does to the clock. */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = realSetTimeout(resolve, ms);
    timer.unref?.();
  });
}
