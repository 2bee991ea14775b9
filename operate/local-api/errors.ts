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
export const notFound = (message: string) => new ServiceError("ResourceNotFoundException", message);
