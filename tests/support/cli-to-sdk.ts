/**
 * Turns an `aws durable-lambda ...` command into the same call made with
 * `@aws-sdk/client-lambda`, so a test can compare what the two send and what they print.
 *
 * The command's options are read with the types `service.json` gives them (a list takes
 * several words, a boolean is `--x` or `--no-x`, a structure is JSON); the SDK then
 * serializes the input its own way. Only the member whose name differs from the SDK's
 * (`StatusFilter`, the SDK's `Statuses`) is renamed.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as lambda from "@aws-sdk/client-lambda";
import type { RecordedRequest } from "./loopback.ts";
import { TEST_REGION } from "./aws-cli.ts";

interface ShapeRef {
  shape: string;
  location?: string;
  locationName?: string;
}
interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  payload?: string;
}
export interface ServiceModel {
  metadata: Record<string, unknown>;
  operations: Record<
    string,
    { name: string; http: { method: string; requestUri: string }; input: { shape: string }; output?: { shape: string } }
  >;
  shapes: Record<string, Shape>;
}

/** Members of service.json whose SDK name differs. */
export const sdkMemberNames: Record<string, string> = { StatusFilter: "Statuses" };

/** botocore's rule for option and command names: `DurableExecutionArn` -> `durable-execution-arn`. */
export function cliName(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
}

/** Options the CLI handles itself; the value says whether they take an argument. */
const globalOptions: Record<string, boolean> = {
  query: true,
  output: true,
  region: true,
  profile: true,
  "endpoint-url": true,
  "cli-binary-format": true,
  "cli-read-timeout": true,
  "cli-connect-timeout": true,
  color: true,
  debug: false,
  "no-paginate": false,
  "no-cli-pager": false,
  "no-verify-ssl": false,
  "no-sign-request": false,
};

export interface CliCall {
  operation: string;
  /** The input for the SDK command, with SDK member names. */
  input: Record<string, unknown>;
  /** Global options given (`query`, `output`, ...). */
  globals: Record<string, string | true>;
  positional: string[];
}

/** Reads `aws <service> <command> [options] [positional]` against the model. */
export function parseCliCall(words: readonly string[], model: ServiceModel, cwd: string): CliCall {
  const [program, , command, ...rest] = words;
  if (program !== "aws" || command === undefined) throw new Error(`not an aws command: ${words.join(" ")}`);
  const operation = Object.keys(model.operations).find((name) => cliName(name) === command);
  if (!operation) throw new Error(`service.json has no operation for "${command}"`);
  const inputShape = model.shapes[model.operations[operation]!.input.shape]!;
  const members = Object.entries(inputShape.members ?? {});

  const call: CliCall = { operation, input: {}, globals: {}, positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith("--")) {
      call.positional.push(word);
      continue;
    }
    const option = word.slice(2);
    if (option in globalOptions) {
      call.globals[option] = globalOptions[option] ? (rest[++i] ?? "") : true;
      continue;
    }
    const negated = option.startsWith("no-");
    const found =
      members.find(([name]) => cliName(name) === option) ??
      (negated ? members.find(([name]) => cliName(name) === option.slice(3)) : undefined);
    if (!found) throw new Error(`service.json has no option --${option} for ${command}`);
    const [name, ref] = found;
    const shape = model.shapes[ref.shape]!;
    const sdkName = sdkMemberNames[name] ?? name;
    if (shape.type === "boolean") {
      call.input[sdkName] = cliName(name) === option;
    } else if (shape.type === "list") {
      const values: unknown[] = [];
      while (i + 1 < rest.length && !rest[i + 1]!.startsWith("--"))
        values.push(scalar(rest[++i]!, model.shapes[shape.member!.shape]!, cwd));
      call.input[sdkName] = values;
    } else {
      call.input[sdkName] = scalar(rest[++i] ?? "", shape, cwd);
    }
  }
  return call;
}

function scalar(value: string, shape: Shape, cwd: string): unknown {
  const file = (prefix: string) => {
    const path = value.slice(prefix.length);
    return readFileSync(isAbsolute(path) ? path : join(cwd, path));
  };
  switch (shape.type) {
    case "integer":
    case "long":
      return Number(value);
    case "timestamp":
      return new Date(value);
    case "blob":
      // AWS CLI v1 sends a blob argument's text as is; fileb:// sends the file's bytes.
      if (value.startsWith("fileb://")) return new Uint8Array(file("fileb://"));
      return new TextEncoder().encode(value.startsWith("file://") ? file("file://").toString("utf8") : value);
    case "structure":
      if (!value.trimStart().startsWith("{")) throw new Error(`use JSON for structure arguments in the guide, got: ${value}`);
      return JSON.parse(value);
    default:
      return value;
  }
}

/** Sends the call with the SDK to `endpoint` and returns the SDK's output. */
export async function sendWithSdk(call: CliCall, endpoint: string): Promise<Record<string, unknown>> {
  type AnyCommand = Parameters<lambda.LambdaClient["send"]>[0];
  const Command = (lambda as unknown as Record<string, (new (input: object) => AnyCommand) | undefined>)[`${call.operation}Command`];
  if (!Command) throw new Error(`@aws-sdk/client-lambda has no ${call.operation}Command`);
  const client = new lambda.LambdaClient({
    region: TEST_REGION,
    endpoint,
    credentials: { accessKeyId: "AKIDWORKSHOPTEST", secretAccessKey: "workshop-test-secret" },
    maxAttempts: 1,
  });
  try {
    return (await client.send(new Command(call.input))) as unknown as Record<string, unknown>;
  } finally {
    client.destroy();
  }
}

const modelledHeaders = [
  "x-amz-invocation-type",
  "x-amz-durable-execution-name",
  "x-amz-log-type",
  "x-amz-client-context",
  "x-amz-tenant-id",
];

/** What must be equal between two clients' requests for the same operation. */
export function comparable(request: RecordedRequest, rawBody: boolean): Record<string, unknown> {
  const text = request.body.toString("utf8");
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization ?? ""));
  const headers: Record<string, unknown> = {};
  for (const name of modelledHeaders) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  return {
    method: request.method,
    path: request.path,
    query: [...request.query].sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b))),
    headers,
    body: rawBody || text === "" ? text : JSON.parse(text),
    signingScope: scope ? { region: scope[1], service: scope[2] } : "unsigned",
  };
}

/** True when the operation's request payload is a blob, sent byte for byte. */
export function hasBlobPayload(model: ServiceModel, operation: string): boolean {
  const input = model.shapes[model.operations[operation]!.input.shape]!;
  const payload = input.payload ? input.members?.[input.payload] : undefined;
  return payload !== undefined && model.shapes[payload.shape]?.type === "blob";
}

/**
 * The SDK's output as the CLI prints it: no `$metadata`, no payload blob (the CLI writes it
 * to a file), dates as `date:<epoch ms>`. Apply `cliOutput` to the CLI's side.
 */
export function sdkOutput(output: Record<string, unknown>): unknown {
  const { $metadata: _metadata, Payload: _payload, ...rest } = output;
  return normalize(rest);
}

function normalize(value: unknown): unknown {
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

/**
 * The CLI's JSON output, with its timestamps written like `sdkOutput` writes dates. AWS CLI v1
 * prints a timestamp as it arrived (epoch seconds); v2 prints ISO 8601.
 */
export function cliOutput(stdout: string, like: unknown): unknown {
  const parsed: unknown = stdout.trim() === "" ? {} : JSON.parse(stdout);
  const align = (cli: unknown, sdk: unknown): unknown => {
    if (typeof sdk === "string" && sdk.startsWith("date:")) {
      if (typeof cli === "number") return `date:${Math.round(cli * 1000)}`;
      if (typeof cli === "string" && /^\d{4}-\d\d-\d\dT/.test(cli)) return `date:${Date.parse(cli)}`;
    }
    if (Array.isArray(cli) && Array.isArray(sdk)) return cli.map((item, i) => align(item, sdk[i]));
    if (cli && typeof cli === "object" && sdk && typeof sdk === "object") {
      return Object.fromEntries(Object.entries(cli).map(([k, v]) => [k, align(v, (sdk as Record<string, unknown>)[k])]));
    }
    return cli;
  };
  return align(parsed, like);
}

/** Reads service.json from the repository root. */
export function loadModel(repoRoot: string): ServiceModel {
  return JSON.parse(readFileSync(join(repoRoot, "service.json"), "utf8")) as ServiceModel;
}
