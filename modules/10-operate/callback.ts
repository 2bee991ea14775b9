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
  SendDurableExecutionCallbackHeartbeatCommand,
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
export function answerCommand(callbackId: string, decision: Decision, message = "The card holder could not be reached on this channel."): AnswerCommand {
  // TODO 1: for "approve", return a SendDurableExecutionCallbackSuccessCommand for this
  // CallbackId whose Result is the bytes of JSON.stringify({ approved: true })
  // (new TextEncoder().encode(...)). The workflow parses that string: only `true` approves.
  //
  // TODO 2: for "decline", the same success with { approved: false }: a "no" is an answer,
  // not an error. For "fail" (the channel could not reach the card holder), return a
  // SendDurableExecutionCallbackFailureCommand with Error: { ErrorType: FAILURE_TYPE,
  // ErrorMessage: message }.
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
export function waitingCallbacks(events: readonly Event[]): WaitingCallback[] {
  // TODO 3: every `CallbackStarted` event starts a callback; its id to answer with is in
  // `CallbackStartedDetails.CallbackId`. A later event with the same `Id` and type
  // `CallbackSucceeded`, `CallbackFailed` or `CallbackTimedOut` means it no longer waits.
  // The channel is the `Name` of the event whose `Id` is the callback's `ParentId` (the
  // waitForCallback context, e.g. "SendVerificationEmail").
  return [];
}
