/**
 * The card holder's answer, as the requests that carry it to a waiting callback.
 *
 * The finished workflow reads a success result with `parseCustomerAnswer`: only
 * `{"approved":true}` approves, so a decline is a success that says `false`, not an error.
 * A failure is for a channel that could not get an answer at all; the workflow counts it as
 * a "no" too. A heartbeat says the answer is still coming.
 */
import {
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackHeartbeatCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from "@aws-sdk/client-lambda";
import { ERROR_FIELDS_MAX_BYTES, errorFieldsBytes } from "./limits.ts";

export const answers = ["approve", "decline", "fail", "heartbeat"] as const;
export type Answer = (typeof answers)[number];

export type AnswerCommand =
  | SendDurableExecutionCallbackSuccessCommand
  | SendDurableExecutionCallbackFailureCommand
  | SendDurableExecutionCallbackHeartbeatCommand;

/** The error type a failed channel reports; the workflow sees it as `CallbackExternalError`. */
export const FAILURE_TYPE = "VerificationFailed";
export const DEFAULT_FAILURE_MESSAGE = "The card holder could not be reached on this channel.";

/** The callback ids Lambda hands out: base64 text, 1 to 1024 characters. */
export const CALLBACK_ID = /^[A-Za-z0-9+/]{1,1024}={0,2}$/;

/** The JSON a success answer carries. */
export const answerPayload = (approved: boolean): string => JSON.stringify({ approved });

/**
 * Why Lambda would refuse this answer, in one line; undefined when it would take it. A
 * failure's fields may be 1 MB together (see `limits.ts`); the message is not quoted back.
 */
export function checkAnswer(answer: Answer, message = DEFAULT_FAILURE_MESSAGE): string | undefined {
  if (answer !== "fail") return undefined;
  const size = errorFieldsBytes({ ErrorType: FAILURE_TYPE, ErrorMessage: message });
  if (size <= ERROR_FIELDS_MAX_BYTES) return undefined;
  return `--message is too long: with the error type, the failure would be ${size} bytes, and Lambda takes ${ERROR_FIELDS_MAX_BYTES} bytes at most.`;
}

/** Builds the request that sends `answer` to the callback `callbackId`. */
export function answerCommand(callbackId: string, answer: Answer, message = DEFAULT_FAILURE_MESSAGE): AnswerCommand {
  const encoder = new TextEncoder();
  switch (answer) {
    case "approve":
    case "decline":
      return new SendDurableExecutionCallbackSuccessCommand({
        CallbackId: callbackId,
        Result: encoder.encode(answerPayload(answer === "approve")),
      });
    case "fail":
      return new SendDurableExecutionCallbackFailureCommand({
        CallbackId: callbackId,
        Error: { ErrorType: FAILURE_TYPE, ErrorMessage: message },
      });
    case "heartbeat":
      return new SendDurableExecutionCallbackHeartbeatCommand({ CallbackId: callbackId });
  }
}
