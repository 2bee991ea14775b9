/**
 * The one function the local endpoint serves, and the ARNs it hands out.
 *
 * Like the deployed function of module 09, it has a published version `1`, an alias `live`
 * pointing to it, and `$LATEST`. Durable functions are invoked by a qualified name only, so
 * an execution's ARN always names a version: `...:function:NAME:1/durable-execution/...`.
 */
import { FUNCTION_NAME } from "../../workshop/manifest.ts";
import { invalidParameter, notFound, validationError } from "./errors.ts";

/** A made-up account: every ARN the endpoint hands out says it is local. */
export const LOCAL_ACCOUNT = "000000000000";
export const DEFAULT_REGION = "us-east-1";
export const ALIAS = "live";
export const PUBLISHED_VERSION = "1";
export const LATEST = "$LATEST";

export interface FunctionRef {
  name: string;
  /** The version or alias named, if any. */
  qualifier: string | undefined;
}

/** Lambda's forms: `NAME`, `NAME:QUALIFIER`, `ACCOUNT:function:NAME[:Q]`, `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:Q]`. */
const functionNamePattern =
  /^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([a-zA-Z0-9_.-]{1,140})(?::(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

/** Reads the `FunctionName` of a request, and its `Qualifier` query parameter if it has one. */
export function parseFunctionName(raw: string, queryQualifier?: string): FunctionRef {
  const match = functionNamePattern.exec(raw);
  if (!match) throw validationError("functionName", raw, "Member must satisfy the pattern of a function name or ARN.");
  const [, name, nameQualifier] = match as unknown as [string, string, string | undefined];
  if (nameQualifier !== undefined && queryQualifier !== undefined && nameQualifier !== queryQualifier) {
    throw invalidParameter("The derived qualifier from the function name does not match the specified qualifier.");
  }
  return { name, qualifier: nameQualifier ?? queryQualifier };
}

export const functionArn = (region: string, name: string, qualifier?: string): string =>
  `arn:aws:lambda:${region}:${LOCAL_ACCOUNT}:function:${name}${qualifier === undefined ? "" : `:${qualifier}`}`;

export const executionArn = (region: string, name: string, version: string, executionName: string, id: string): string =>
  `${functionArn(region, name, version)}/durable-execution/${executionName}/${id}`;

/** The function served here, under its name. */
export class LocalFunction {
  readonly name: string;

  constructor(name: string = FUNCTION_NAME) {
    this.name = name;
  }

  /** Checks the function exists; `ResourceNotFoundException` as Lambda words it otherwise. */
  check(ref: FunctionRef, region: string): void {
    if (ref.name !== this.name) throw notFound(`Function not found: ${functionArn(region, ref.name, ref.qualifier)}`);
  }

  /** The version a qualifier points to: `live` and `1` are version 1, `$LATEST` is itself. */
  version(ref: FunctionRef, region: string): string {
    this.check(ref, region);
    if (ref.qualifier === ALIAS || ref.qualifier === PUBLISHED_VERSION) return PUBLISHED_VERSION;
    if (ref.qualifier === LATEST) return LATEST;
    if (ref.qualifier === undefined) {
      throw invalidParameter(
        `Durable functions must be invoked with a qualified function name: add a version or an alias, for example ${ref.name}:${ALIAS} or '${ref.name}:${LATEST}'.`,
      );
    }
    throw notFound(`Function not found: ${functionArn(region, ref.name, ref.qualifier)}`);
  }
}

/**
 * An execution name: 1 to 64 letters, digits, `-` or `_`, as Lambda accepts it (the model's
 * `DurableExecutionName`: min 1, max 64, pattern `[a-zA-Z0-9-_]+`). Anything else, such as a
 * name with accents or emoji, is refused, quoting the name as it was sent.
 */
export function checkExecutionName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw validationError("durableExecutionName", name, "Member must have length between 1 and 64 and match [a-zA-Z0-9-_]+.");
  }
}

/** A callback id as the model takes it: 1 to 1024 characters of base64 (`CallbackId`). */
export function checkCallbackId(callbackId: string): void {
  if (callbackId.length < 1 || callbackId.length > 1024) {
    throw validationError("callbackId", callbackId, "Member must have length between 1 and 1024.");
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(callbackId)) {
    throw validationError("callbackId", callbackId, "Member must satisfy regular expression pattern: [A-Za-z0-9+/]+={0,2}");
  }
}
