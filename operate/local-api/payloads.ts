/**
 * What the operations take in their bodies, checked as the service checks it, before
 * anything reaches the local runtime: the size of an invoke payload and of a callback result,
 * and the shape and size of an error object (a callback failure, a stop). The limits and
 * where they come from: `operate/limits.ts`.
 */
import type { ErrorObject } from "@aws-sdk/client-lambda";
import {
  ASYNC_PAYLOAD_MAX_BYTES,
  CALLBACK_RESULT_MAX_BYTES,
  ERROR_FIELDS_MAX_BYTES,
  errorFieldsBytes,
  SYNC_PAYLOAD_MAX_BYTES,
} from "../limits.ts";
import { invalidContent, invalidParameter, ServiceError } from "./errors.ts";
import { MAX_BODY_BYTES, type ApiRequest } from "./wire.ts";

const resultTooLong = (size: number) =>
  invalidParameter(
    `1 validation error detected: Value at 'result' failed to satisfy constraint: Member must have length less than or equal to ${CALLBACK_RESULT_MAX_BYTES} (the result sent has ${size} bytes).`,
  );

const errorTooLarge = (size: number) =>
  invalidParameter(
    `The error's fields (ErrorType, ErrorMessage, ErrorData, StackTrace) must be at most ${ERROR_FIELDS_MAX_BYTES} bytes together; the error sent has ${size} bytes.`,
  );

/** The error for a body larger than any operation reads (`MAX_BODY_BYTES`), as that operation words it. */
export function oversizedBody(operation: string, size: number): ServiceError {
  switch (operation) {
    case "Invoke":
      return new ServiceError(
        "RequestTooLargeException",
        `Request must be smaller than ${SYNC_PAYLOAD_MAX_BYTES} bytes for the InvokeFunction operation`,
      );
    case "SendDurableExecutionCallbackSuccess":
      return resultTooLong(size);
    case "SendDurableExecutionCallbackFailure":
    case "StopDurableExecution":
      return errorTooLarge(size);
    default:
      return new ServiceError(
        "RequestTooLargeException",
        `Request must be smaller than ${MAX_BODY_BYTES} bytes for the ${operation} operation`,
      );
  }
}

/** Checks an invoke payload's size for its invocation type: 1 MB for `Event`, 6 MB otherwise. */
export function checkInvokePayload(request: ApiRequest, invocationType: string): void {
  const size = request.body.length;
  if (invocationType === "Event" && size > ASYNC_PAYLOAD_MAX_BYTES) {
    throw new ServiceError(
      "RequestTooLargeException",
      `${size} byte payload is too large for the Event invocation type (limit ${ASYNC_PAYLOAD_MAX_BYTES} bytes)`,
    );
  }
  if (size > SYNC_PAYLOAD_MAX_BYTES) throw oversizedBody("Invoke", size);
}

/** A callback success's result: the raw body as text (none when empty), at most 256 KB. */
export function callbackResult(request: ApiRequest): string | undefined {
  if (request.body.length > CALLBACK_RESULT_MAX_BYTES) throw resultTooLong(request.body.length);
  return request.body.length === 0 ? undefined : request.body.toString("utf8");
}

const describeJson = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`);

/**
 * An error object from a request body (a callback failure, a stop): a JSON object whose
 * `ErrorType`, `ErrorMessage` and `ErrorData` are strings and whose `StackTrace` is a list of
 * strings, all optional, together at most 1 MB. An empty body is an empty error. Members the
 * model does not have are left out, as the service ignores them.
 */
export function errorObjectBody(request: ApiRequest): ErrorObject {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString("utf8"));
  } catch {
    throw invalidContent("Could not parse request body into json: the error must be a JSON object.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw invalidContent(
      `Could not parse request body into json: the error must be a JSON object with ErrorType, ErrorMessage, ErrorData and StackTrace, not ${describeJson(parsed)}.`,
    );
  }
  const body = parsed as Record<string, unknown>;
  const error: ErrorObject = {};
  for (const member of ["ErrorType", "ErrorMessage", "ErrorData"] as const) {
    const value = body[member];
    if (value === undefined || value === null) continue;
    if (typeof value !== "string")
      throw invalidContent(`Could not parse request body into json: ${member} must be a string, not ${describeJson(value)}.`);
    error[member] = value;
  }
  const trace = body.StackTrace;
  if (trace !== undefined && trace !== null) {
    if (!Array.isArray(trace) || trace.some((entry) => typeof entry !== "string")) {
      throw invalidContent(
        `Could not parse request body into json: StackTrace must be a list of strings, not ${Array.isArray(trace) ? "a list with other values" : describeJson(trace)}.`,
      );
    }
    error.StackTrace = trace as string[];
  }
  const size = errorFieldsBytes(error);
  if (size > ERROR_FIELDS_MAX_BYTES) throw errorTooLarge(size);
  return error;
}
