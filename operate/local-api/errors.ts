/**
 * The errors the local endpoint answers with, in the shape of the Lambda REST JSON protocol:
 * the error code in the `x-amzn-errortype` header, and a JSON body with `Type` and the
 * message. Each code keeps the HTTP status and the message member (`Message` or `message`)
 * that `@aws-sdk/client-lambda`'s model gives it, so the SDK and the AWS CLI parse them
 * exactly as they parse the service's own.
 */

/** Error codes the endpoint uses, with their HTTP status and message member in the Lambda model. */
export const errorCodes = {
  InvalidParameterValueException: { status: 400, messageMember: "message", fault: "User" },
  InvalidRequestContentException: { status: 400, messageMember: "message", fault: "User" },
  CallbackTimeoutException: { status: 400, messageMember: "Message", fault: "User" },
  ResourceNotFoundException: { status: 404, messageMember: "Message", fault: "User" },
  DurableExecutionAlreadyStartedException: { status: 409, messageMember: "Message", fault: "User" },
  RequestTooLargeException: { status: 413, messageMember: "message", fault: "User" },
  ServiceException: { status: 500, messageMember: "Message", fault: "Service" },
  // Not in the Lambda model: what an AWS endpoint says for a path it does not serve.
  UnknownOperationException: { status: 404, messageMember: "message", fault: "User" },
  // Not in the Lambda model: a request line and headers too large to read (a URL of 100 KB).
  RequestHeaderFieldsTooLargeException: { status: 431, messageMember: "message", fault: "User" },
  // Not in the Lambda model: a request that did not arrive in time.
  RequestTimeoutException: { status: 408, messageMember: "message", fault: "User" },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** An error the endpoint sends back as the service would. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  /** The response body: `{"Type":"User","Message":"..."}` (or `message`, as the model names it). */
  body(): Record<string, string> {
    const { fault, messageMember } = errorCodes[this.code];
    return { Type: fault, [messageMember]: this.message };
  }
}

export const invalidParameter = (message: string) => new ServiceError("InvalidParameterValueException", message);
export const invalidContent = (message: string) => new ServiceError("InvalidRequestContentException", message);
export const notFound = (message: string) => new ServiceError("ResourceNotFoundException", message);

/** The longest part of a value an error message quotes. */
export const QUOTE_CHARACTERS = 80;

/**
 * A value as an error message quotes it: whole when short, otherwise its start and its length,
 * so that a 100 KB value does not come back in a 100 KB message.
 */
export function quote(value: string): string {
  const characters = [...value];
  if (characters.length <= QUOTE_CHARACTERS) return value;
  return `${characters.slice(0, QUOTE_CHARACTERS).join("")}... (${characters.length} characters)`;
}

/** The service's wording for a member that breaks a constraint of its model. */
export const validationError = (member: string, value: string, constraint: string) =>
  invalidParameter(`1 validation error detected: Value '${quote(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
