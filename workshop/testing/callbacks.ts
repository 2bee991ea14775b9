/**
 * Answering a workflow's callbacks from a test, the way the card holder would.
 *
 * A test starts an execution with `startFraudCheck`, lets a `waitForCallback` send its
 * message, then answers it through the local runtime. When the handler never creates that
 * callback (an untouched starter), the helpers fail with the test's guidance and say what
 * the execution did instead, rather than with an error from inside the testing SDK; when what
 * it did points at a known mistake (see hints.ts), the first line names the idea too.
 */
import { OperationStatus, OperationType } from "@aws/durable-execution-sdk-js";
import { WaitingOperationStatus, type DurableOperation } from "@aws/durable-execution-sdk-js-testing";
import { sdkErrorHint } from "./hints.ts";
import type { FraudRun } from "./local-runtime.ts";

/** What the card holder sends: an answer object (sent as JSON) or a raw string, sent as is. */
export type CustomerReply = { approved: unknown } | string;

/** A failure sent to a callback, as a broken channel or the outside world would. */
export interface CallbackFailure {
  ErrorType: string;
  ErrorMessage: string;
}

/**
 * Waits until the `waitForCallback` named `name` has run its submitter (the message is out)
 * and returns it. Fails with `guidance` when the execution ends without it.
 */
export async function callbackReady(run: FraudRun, name: string, guidance: string): Promise<DurableOperation> {
  const operation = run.runner.getOperation(name);
  // waitForData only reports changes that happen after it is called: check the present first.
  if (isSubmitted(operation)) return operation;

  const reached = operation.waitForData(WaitingOperationStatus.SUBMITTED).then(
    () => true,
    () => false,
  );
  const ended = run.finished.then(
    () => false,
    () => false,
  );
  if ((await Promise.race([reached, ended])) && isSubmitted(operation)) return operation;
  const { hint, detail } = await whyMissing(run, operation, name);
  throw guidanceError(`${guidance}${hint === undefined ? "" : `. ${hint}`}\n  ${detail}`);
}

/** Sends the card holder's answer to the callback named `name` once its message is out. */
export async function answerCallback(run: FraudRun, name: string, reply: CustomerReply, guidance: string): Promise<DurableOperation> {
  const operation = await callbackReady(run, name, guidance);
  const payload = typeof reply === "string" ? reply : JSON.stringify(reply);
  await settle(operation.sendCallbackSuccess(payload), guidance, name);
  return operation;
}

/** Sends a failure to the callback named `name` once its message is out. */
export async function failCallback(
  run: FraudRun,
  name: string,
  guidance: string,
  failure: CallbackFailure = { ErrorType: "DeliveryFailed", ErrorMessage: "the message could not be delivered" },
): Promise<DurableOperation> {
  const operation = await callbackReady(run, name, guidance);
  await settle(operation.sendCallbackFailure(failure), guidance, name);
  return operation;
}

/**
 * The timeout, in seconds, the handler gave the callback of a `waitForCallback` (undefined: none;
 * NaN as is, when the handler passed `{ seconds: NaN }`).
 */
export function callbackTimeoutSeconds(operation: DurableOperation): number | undefined {
  const callback = operation.getChildOperations()?.find((child) => child.getType() === OperationType.CALLBACK);
  const started = callback?.getEvents()?.find((event) => event.CallbackStartedDetails !== undefined);
  const timeout: unknown = started?.CallbackStartedDetails?.Timeout;
  return typeof timeout !== "number" || timeout === 0 ? undefined : timeout;
}

/** The callback of a `waitForCallback`: its status tells answered, timed out or still waiting. */
export function callbackStatus(operation: DurableOperation): OperationStatus | undefined {
  return operation
    .getChildOperations()
    ?.find((child) => child.getType() === OperationType.CALLBACK)
    ?.getStatus();
}

/** An error whose stack starts at the test, so the report shows the test's line, not this file. */
function guidanceError(message: string): Error {
  const error = new Error(message);
  error.stack = (error.stack ?? message)
    .split("\n")
    .filter((line) => !line.includes("workshop/testing/callbacks.ts") && !line.includes("workshop\\testing\\callbacks.ts"))
    .join("\n");
  return error;
}

function isSubmitted(operation: DurableOperation): boolean {
  if (!operation.isWaitForCallback()) return false;
  return (operation.getChildOperations() ?? []).some(
    (child) => child.getType() === OperationType.STEP && child.getStatus() === OperationStatus.SUCCEEDED,
  );
}

async function settle(sending: Promise<unknown>, guidance: string, name: string): Promise<void> {
  try {
    await sending;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw guidanceError(`${guidance}\n  The callback of "${name}" no longer takes an answer (${reason}).`);
  }
}

/** What the execution did instead: `detail` for the second line, `hint` for a known mistake. */
async function whyMissing(run: FraudRun, operation: DurableOperation, name: string): Promise<{ hint?: string; detail: string }> {
  if (operation.getOperationData() !== undefined && !operation.isWaitForCallback()) {
    const detail = `"${name}" is a ${operation.getType() ?? "different"} operation, not a waitForCallback.`;
    if (operation.getType() !== OperationType.CALLBACK) return { detail };
    return {
      hint:
        "Send the callback id from waitForCallback's submitter: it runs once, like a step. With createCallback the " +
        "message is sent by code outside any step, which runs again on every replay (after each wait or answer)",
      detail,
    };
  }
  let execution: Awaited<FraudRun["finished"]>;
  try {
    execution = await run.finished;
  } catch (error) {
    return { detail: `The execution could not run (${error instanceof Error ? error.message : String(error)}).` };
  }
  const status = execution.getStatus();
  let how = `status ${status}`;
  let hint: string | undefined;
  if (status === "FAILED") {
    const error = execution.getError();
    how = `${error.errorType ?? "Error"}: ${error.errorMessage ?? "(no message)"}`;
    hint = sdkErrorHint(error.errorMessage);
  }
  return { hint, detail: `The execution ended (${how}) without a waitForCallback named "${name}" that sent its message.` };
}
