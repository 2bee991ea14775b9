/**
 * Answering the card holder's verification from outside the workflow.
 *
 * The deployed fraud check waits in `waitForCallback` until someone sends an answer to its
 * callback id. This file builds the requests that answer, and finds, in an execution's
 * history, the callbacks that are still waiting. `npm run callback` does the same job with
 * its own copy of the answer code (operate/answers.ts); the module's tests check that yours
 * sends the same requests.
 */
import {
  SendDurableExecutionCallbackFailureCommand,
  type SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
  type Event,
} from "@aws-sdk/client-lambda";

/** What the card holder (or the channel that asked them) has to say. */
export type Decision = "approve" | "decline" | "fail";

export type AnswerCommand =
  | SendDurableExecutionCallbackSuccessCommand
  | SendDurableExecutionCallbackFailureCommand
  | SendDurableExecutionCallbackHeartbeatCommand;

/** The error type a channel reports when it could not reach the card holder. */
export const FAILURE_TYPE = "VerificationFailed";

/** The request that carries `decision` to the callback `callbackId`. */
export function answerCommand(
  callbackId: string,
  decision: Decision,
  message = "The card holder could not be reached on this channel.",
): AnswerCommand {
  if (decision === "fail") {
    // The channel failed: waitForCallback throws, and the workflow counts it as a "no".
    return new SendDurableExecutionCallbackFailureCommand({
      CallbackId: callbackId,
      Error: { ErrorType: FAILURE_TYPE, ErrorMessage: message },
    });
  }
  // A yes and a no are both answers: a success whose result the workflow parses.
  const result = JSON.stringify({ approved: decision === "approve" });
  return new SendDurableExecutionCallbackSuccessCommand({
    CallbackId: callbackId,
    Result: new TextEncoder().encode(result),
  });
}

/** A callback that still waits for an answer. */
export interface WaitingCallback {
  callbackId: string;
  /** The name of the `waitForCallback` that created it, e.g. `SendVerificationEmail`. */
  channel: string;
}

const ending = new Set(["CallbackSucceeded", "CallbackFailed", "CallbackTimedOut"]);

/** The callbacks of an execution still waiting for an answer, read from its history. */
export function waitingCallbacks(events: readonly Event[]): WaitingCallback[] {
  const names = new Map<string, string>();
  const ended = new Set<string>();
  for (const event of events) {
    if (event.Id && event.Name) names.set(event.Id, event.Name);
    if (event.Id && event.EventType && ending.has(event.EventType)) ended.add(event.Id);
  }
  return events
    .filter((event) => event.EventType === "CallbackStarted" && event.Id && !ended.has(event.Id))
    .map((event) => ({
      callbackId: event.CallbackStartedDetails?.CallbackId ?? "",
      channel: names.get(event.ParentId ?? "") ?? "unnamed",
    }));
}
