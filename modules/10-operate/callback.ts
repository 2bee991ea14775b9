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
  type SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  type SendDurableExecutionCallbackSuccessCommand,
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
  _decision: Decision,
  _message = "The card holder could not be reached on this channel.",
): AnswerCommand {
  // TODO 1: for "approve", answer this callback with a success (look up the input of
  // SendDurableExecutionCallbackSuccessCommand) whose result the workflow reads as a yes: the JSON
  // text of an object whose `approved` is true. The result travels as bytes, not as a string,
  // and the workflow parses it back: only `true` approves. See Hints 1-3 in modules/10-operate/README.md.
  //
  // TODO 2: a "decline" is an answer, not an error: the same kind of success, saying `approved`
  // false. A "fail" means the channel itself could not reach the card holder: answer with a
  // failure instead (SendDurableExecutionCallbackFailureCommand), whose error has FAILURE_TYPE as
  // its type and `message` as its message. See Hints 1-3 in the guide.
  //
  // For now every decision goes out as a heartbeat: "still working on it". The callback
  // keeps waiting, and the transaction stays blocked.
  return new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId });
}

/** A callback that still waits for an answer. */
export interface WaitingCallback {
  callbackId: string;
  /** The name of the `waitForCallback` that created it, e.g. `SendVerificationEmail`. */
  channel: string;
}

/** The callbacks of an execution still waiting for an answer, read from its history. */
export function waitingCallbacks(_events: readonly Event[]): WaitingCallback[] {
  // TODO 3: find the callbacks an operator can still answer. Every `CallbackStarted` event starts
  // one, and carries the id to answer with in its details. Another event with the same `Id` that
  // ends a callback (it succeeded, failed or timed out) means it no longer waits. The channel is
  // the `Name` of the event whose `Id` is the callback's `ParentId`: the waitForCallback context,
  // e.g. "SendVerificationEmail". Keep the order in which they started. See Hints 1-3 in the guide.
  return [];
}
