/**
 * The size limits of the Lambda operations the workshop's tools send and the local endpoint
 * serves. The endpoint refuses what the service refuses; `npm run invoke` and
 * `npm run callback` refuse it before sending.
 *
 * Where each number comes from (re-check when the AWS SDK is updated):
 *
 * - Invoke payload: 6 MB synchronous (`RequestResponse`), 1 MB asynchronous (`Event`). The
 *   `Payload` documentation of `InvocationRequest` in `@aws-sdk/client-lambda` 3.1164.0 and in
 *   botocore 1.43's Lambda model; asynchronous payloads went from 256 KB to 1 MB in October 2025.
 * - Callback success result: 256 KB. botocore's Lambda model gives the `Result` shape
 *   (`BinaryOperationPayload`) `"max": 262144`, and the Lambda API reference of
 *   SendDurableExecutionCallbackSuccess says "Maximum length of 262144". (The prose of
 *   `@aws-sdk/client-lambda` 3.1164.0 says 1 MB: should the service take more, this is the
 *   one number to change.)
 * - Callback failure (and stop) error: "the combined size of all error fields is limited to
 *   1 MB" (`@aws-sdk/client-lambda` 3.1164.0, `Error` of SendDurableExecutionCallbackFailure
 *   and of StopDurableExecution). Neither model gives ErrorMessage, ErrorType, ErrorData or a
 *   StackTrace entry a length of its own.
 */

export const KIB = 1024;
export const MIB = 1024 * 1024;

/** The largest payload of a synchronous invoke (`RequestResponse`), in bytes. */
export const SYNC_PAYLOAD_MAX_BYTES = 6 * MIB;
/** The largest payload of an asynchronous invoke (`Event`), in bytes. */
export const ASYNC_PAYLOAD_MAX_BYTES = 1 * MIB;
/** The largest result a callback success carries, in bytes. */
export const CALLBACK_RESULT_MAX_BYTES = 256 * KIB;
/** The largest error a callback failure or a stop carries: all its fields together, in bytes. */
export const ERROR_FIELDS_MAX_BYTES = 1 * MIB;

/** The parts of an error object the service counts. */
export interface ErrorFields {
  ErrorMessage?: string | undefined;
  ErrorType?: string | undefined;
  ErrorData?: string | undefined;
  StackTrace?: string[] | undefined;
}

/** The combined size of an error's fields, in UTF-8 bytes, as the service counts it. */
export function errorFieldsBytes(error: ErrorFields): number {
  const parts = [error.ErrorMessage, error.ErrorType, error.ErrorData, ...(error.StackTrace ?? [])];
  return parts.reduce((total, part) => total + (part === undefined ? 0 : Buffer.byteLength(part, "utf8")), 0);
}

/** The largest invoke payload for an invocation type. */
export const payloadLimit = (invocationType: string): number =>
  invocationType === "Event" ? ASYNC_PAYLOAD_MAX_BYTES : SYNC_PAYLOAD_MAX_BYTES;
