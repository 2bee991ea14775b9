/**
 * Reading requests and writing responses the way the Lambda REST JSON protocol does:
 * JSON bodies, timestamps as epoch seconds, errors with `x-amzn-errortype`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SYNC_PAYLOAD_MAX_BYTES } from "../limits.ts";
import { quote, ServiceError } from "./errors.ts";

/**
 * The largest body the endpoint reads: a synchronous invoke's 6 MB, the most any operation
 * takes. Each operation checks its own, smaller limit.
 */
export const MAX_BODY_BYTES = SYNC_PAYLOAD_MAX_BYTES;

export interface Body {
  /** The body; empty when it was larger than the limit. */
  bytes: Buffer;
  /** Its size in bytes, as sent. */
  size: number;
}

/**
 * Reads the whole request body. Past `limit` it keeps reading but keeps nothing, so the
 * client still gets an answer (the operation's own error for a body that large) rather than
 * a connection closed under it.
 */
export async function readBody(request: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<Body> {
  let chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else chunks = [];
  }
  return { bytes: size > limit ? Buffer.alloc(0) : Buffer.concat(chunks), size };
}

/**
 * Text as the client sent it. Node reads the request line and header values byte by byte,
 * as Latin-1; a client that puts UTF-8 there without percent-encoding it (a durable execution
 * name `tx-é`) would see it garbled in every message that quotes it. Bytes that form valid
 * UTF-8 are read as UTF-8; anything else stays as it was read.
 */
export function asSent(text: string): string {
  if (!/[\x80-\xff]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, "latin1");
  const decoded = bytes.toString("utf8");
  return Buffer.from(decoded, "utf8").equals(bytes) ? decoded : text;
}

/**
 * A value as the wire carries it: `Date`s become epoch seconds (the protocol's body
 * timestamp format), `undefined` members disappear.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) out[key] = toWire(member);
    }
    return out;
  }
  return value;
}

const baseHeaders = () => ({ "x-amzn-RequestId": randomUUID() });

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(toWire(body));
  response.writeHead(status, {
    ...baseHeaders(),
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

export function sendRaw(response: ServerResponse, status: number, body: Buffer | string, headers: Record<string, string> = {}): void {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  response.writeHead(status, {
    ...baseHeaders(),
    "content-type": "application/json",
    "content-length": String(bytes.length),
    ...headers,
  });
  response.end(bytes);
}

export function sendError(response: ServerResponse, error: ServiceError): void {
  sendJson(response, error.status, error.body(), { "x-amzn-errortype": error.code });
}

/** One request, as the operations need it. */
export interface ApiRequest {
  method: string;
  /** The path's segments after the operation prefix, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** The region the request was signed for (SigV4 credential scope), or the default. */
  region: string;
}

/** A single header's value, as the client sent it (see `asSent`). */
export function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : asSent(first);
}

/** The region of the SigV4 credential scope: `Credential=AKID/20260131/us-east-1/lambda/aws4_request`. */
export function signingRegion(authorization: string | undefined, fallback: string): string {
  const scope = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\/lambda\//.exec(authorization ?? "");
  return scope?.[1] ?? fallback;
}

/** A boolean query parameter (`true` / `false`); `undefined` when absent. */
export function queryBoolean(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new ServiceError("InvalidParameterValueException", `${name} must be true or false, got "${quote(value)}".`);
}

/** A whole-number query parameter within bounds; `undefined` when absent. */
export function queryInteger(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new ServiceError(
      "InvalidParameterValueException",
      `${name} must be a whole number from ${min} to ${max}, got "${quote(value)}".`,
    );
  }
  return number;
}

/** A timestamp query parameter: ISO 8601 (what the SDK and the CLI send) or epoch seconds. */
export function queryTimestamp(query: URLSearchParams, name: string): Date | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ServiceError("InvalidParameterValueException", `${name} must be an ISO 8601 timestamp, got "${quote(value)}".`);
  }
  return date;
}
