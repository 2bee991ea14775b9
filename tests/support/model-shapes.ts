/**
 * One description of an operation's wire shape, read either from `service.json` or from the
 * schemas `@aws-sdk/client-lambda` serializes with, so a test can compare the two.
 */
import * as lambda from "@aws-sdk/client-lambda";
import { NormalizedSchema } from "@smithy/core/schema";
import { sdkMemberNames, type ServiceModel } from "./cli-to-sdk.ts";

export type Kind = "string" | "number" | "boolean" | "timestamp" | "blob" | "list" | "structure" | "other";

export interface Member {
  kind: Kind;
  /** `uri`, `querystring Statuses`, `header X-Amz-...`, `payload`, `statusCode`, or `body`. */
  location: string;
  /** Members of a structure, or of a list's items. */
  members?: Record<string, Member>;
}

export interface OperationShape {
  http: [method: string, uri: string];
  input: Record<string, Member>;
  output: Record<string, Member>;
}

const MAX_DEPTH = 8;

function sdkKind(schema: NormalizedSchema): Kind {
  if (schema.isStructSchema()) return "structure";
  if (schema.isListSchema()) return "list";
  if (schema.isBlobSchema()) return "blob";
  if (schema.isTimestampSchema()) return "timestamp";
  if (schema.isBooleanSchema()) return "boolean";
  if (schema.isNumericSchema()) return "number";
  if (schema.isStringSchema()) return "string";
  return "other";
}

function sdkMembers(schema: NormalizedSchema, depth: number, payloadMember?: string): Record<string, Member> {
  const result: Record<string, Member> = {};
  for (const [name, member] of schema.structIterator()) {
    const traits = member.getMergedTraits() as Record<string, unknown>;
    let location = "body";
    if (traits.httpLabel) location = "uri";
    else if (typeof traits.httpQuery === "string") location = `querystring ${traits.httpQuery}`;
    else if (typeof traits.httpHeader === "string") location = `header ${traits.httpHeader.toLowerCase()}`;
    else if (traits.httpPayload || name === payloadMember) location = "payload";
    else if (traits.httpResponseCode) location = "statusCode";
    result[name] = sdkMember(member, location, depth);
  }
  return result;
}

function sdkMember(schema: NormalizedSchema, location: string, depth: number): Member {
  const kind = sdkKind(schema);
  const member: Member = { kind, location };
  if (depth < MAX_DEPTH && kind === "structure") member.members = sdkMembers(schema, depth + 1);
  if (depth < MAX_DEPTH && kind === "list") {
    const item = schema.getValueSchema();
    member.members = { item: sdkMember(item, "item", depth + 1) };
  }
  return member;
}

/** The operation as `@aws-sdk/client-lambda` sends and reads it. */
export function sdkOperation(name: string): OperationShape {
  const schema = (lambda as unknown as Record<string, unknown>)[`${name}$`] as unknown[] | undefined;
  if (!schema) throw new Error(`@aws-sdk/client-lambda has no schema ${name}$`);
  const [, , , traits, input, output] = schema as [number, string, string, { http: [string, string, number] }, unknown, unknown];
  return {
    http: [traits.http[0], traits.http[1]],
    input: sdkMembers(NormalizedSchema.of(input as never), 0),
    output: sdkMembers(NormalizedSchema.of(output as never), 0),
  };
}

function modelKind(type: string): Kind {
  if (["integer", "long", "double", "float"].includes(type)) return "number";
  if (["string", "boolean", "timestamp", "blob", "list", "structure"].includes(type)) return type as Kind;
  return "other";
}

function modelMembers(model: ServiceModel, shapeName: string, depth: number, top: boolean): Record<string, Member> {
  const shape = model.shapes[shapeName]!;
  const result: Record<string, Member> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    let location = "body";
    if (top && ref.location === "uri") location = "uri";
    else if (top && ref.location === "querystring") location = `querystring ${ref.locationName}`;
    else if (top && ref.location === "header") location = `header ${ref.locationName?.toLowerCase()}`;
    else if (top && ref.location === "statusCode") location = "statusCode";
    else if (top && shape.payload === name) location = "payload";
    result[top ? (sdkMemberNames[name] ?? name) : name] = modelMember(model, ref.shape, location, depth);
  }
  return result;
}

function modelMember(model: ServiceModel, shapeName: string, location: string, depth: number): Member {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`service.json: shape ${shapeName} is missing`);
  const kind = modelKind(shape.type);
  const member: Member = { kind, location };
  if (depth < MAX_DEPTH && kind === "structure") member.members = modelMembers(model, shapeName, depth + 1, false);
  if (depth < MAX_DEPTH && kind === "list") member.members = { item: modelMember(model, shape.member!.shape, "item", depth + 1) };
  return member;
}

/** The operation as `service.json` describes it, with the SDK's names for renamed members. */
export function modelOperation(model: ServiceModel, name: string): OperationShape {
  const operation = model.operations[name];
  if (!operation) throw new Error(`service.json has no operation ${name}`);
  return {
    http: [operation.http.method, operation.http.requestUri],
    input: modelMembers(model, operation.input.shape, 0, true),
    output: operation.output ? modelMembers(model, operation.output.shape, 0, true) : {},
  };
}
