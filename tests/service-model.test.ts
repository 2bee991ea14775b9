/**
 * service.json, the AWS CLI model for `aws durable-lambda`: read as a model and compared with
 * the schemas of @aws-sdk/client-lambda, then loaded into the AWS CLI installed on this
 * machine (in a throwaway HOME) for `add-model`, `help` and its default endpoint.
 *
 * The commands of the module 10 guide are checked request by request in service-guide.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../workshop/manifest.ts";
import {
  findAwsClis,
  describeEachAwsCli,
  makeCliHome,
  openAwsCli,
  TEST_REGION,
  type AwsCliRunner,
  type CliHome,
} from "./support/aws-cli.ts";
import type { RunResult } from "./support/run.ts";
import { cliName, loadModel } from "./support/cli-to-sdk.ts";
import { startRecorder, type Recorder } from "./support/loopback.ts";
import { modelOperation, sdkOperation } from "./support/model-shapes.ts";

const model = loadModel(repoRoot);

const durableOperations = [
  "Invoke",
  "ListDurableExecutionsByFunction",
  "GetDurableExecution",
  "GetDurableExecutionHistory",
  "GetDurableExecutionState",
  "SendDurableExecutionCallbackSuccess",
  "SendDurableExecutionCallbackFailure",
  "SendDurableExecutionCallbackHeartbeat",
  "StopDurableExecution",
];

describe("service.json as a model", () => {
  it("sends to the Lambda endpoint and signs for lambda with SigV4", () => {
    expect(model.metadata).toMatchObject({
      apiVersion: "2025-12-01",
      endpointPrefix: "lambda",
      protocol: "rest-json",
      signingName: "lambda",
      signatureVersion: "v4",
    });
    expect(model.metadata.serviceId, "serviceId is required by the CLI").toEqual(expect.any(String));
  });

  it("has exactly the nine durable operations", () => {
    expect(Object.keys(model.operations).sort()).toEqual([...durableOperations].sort());
  });

  it.each(durableOperations)("%s: method, path and every request member match @aws-sdk/client-lambda", (name) => {
    const mine = modelOperation(model, name);
    const sdk = sdkOperation(name);
    expect(mine.http).toEqual(sdk.http);
    expect(mine.input).toEqual(sdk.input);
  });

  it.each(durableOperations)("%s: every response member of @aws-sdk/client-lambda is modelled, nested ones too", (name) => {
    expect(modelOperation(model, name).output).toEqual(sdkOperation(name).output);
  });

  it("offers the list filter as --status-filter and sends it as Statuses", () => {
    const input = model.shapes[model.operations.ListDurableExecutionsByFunction!.input.shape]!;
    expect(input.members?.StatusFilter).toMatchObject({ location: "querystring", locationName: "Statuses" });
    expect(cliName("StatusFilter")).toBe("status-filter");
  });

  it("sends the durable execution name of Invoke in its header", () => {
    const input = model.shapes[model.operations.Invoke!.input.shape]!;
    expect(input.members?.DurableExecutionName).toMatchObject({ location: "header", locationName: "X-Amz-Durable-Execution-Name" });
  });

  it("documents every operation and every member, and refers only to shapes it has", () => {
    const undocumented: string[] = [];
    for (const [name, operation] of Object.entries(model.operations)) {
      if (!(operation as { documentation?: string }).documentation?.trim()) undocumented.push(`operation ${name}`);
    }
    const used = new Set<string>();
    for (const operation of Object.values(model.operations)) {
      used.add(operation.input.shape);
      if (operation.output) used.add(operation.output.shape);
      for (const error of (operation as { errors?: { shape: string }[] }).errors ?? []) used.add(error.shape);
    }
    for (const [shapeName, shape] of Object.entries(model.shapes)) {
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        used.add(ref.shape);
        if (!(ref as { documentation?: string }).documentation?.trim()) undocumented.push(`${shapeName}.${member}`);
      }
      if (shape.member) used.add(shape.member.shape);
    }
    expect(undocumented, "members without help text").toEqual([]);
    expect(
      [...used].filter((shape) => !model.shapes[shape]),
      "shapes referred to but missing",
    ).toEqual([]);
    expect(
      Object.keys(model.shapes).filter((shape) => !used.has(shape)),
      "shapes nothing refers to",
    ).toEqual([]);
  });
});

const clis = await findAwsClis();

describeEachAwsCli("service.json in the AWS CLI", clis, ({ path: aws }) => {
  let home: CliHome;
  let recorder: Recorder;
  /** Every command of this block, in one HOME (one Python process for AWS CLI v1). */
  let cli: AwsCliRunner;
  let addModel: RunResult;
  const helps = new Map<string, Promise<RunResult>>();
  let proxied: Promise<RunResult>;

  beforeAll(async () => {
    home = makeCliHome();
    recorder = await startRecorder();
    cli = openAwsCli(aws, { env: home.env, cwd: repoRoot });
    addModel = await cli.run(["configure", "add-model", "--service-model", "file://./service.json", "--service-name", "durable-lambda"]);
    for (const name of durableOperations) helps.set(name, cli.run(["durable-lambda", cliName(name), "help"]));
    // No --endpoint-url: the CLI picks the real endpoint, and reaches it through the
    // recorder acting as an HTTPS proxy, which refuses the tunnel. Nothing leaves the machine.
    proxied = cli.run(
      [
        "durable-lambda",
        "get-durable-execution",
        "--durable-execution-arn",
        "arn:aws:lambda:eu-west-1:111122223333:function:f:1/durable-execution/x/y",
        "--cli-connect-timeout",
        "5",
      ],
      { env: { HTTPS_PROXY: recorder.url, https_proxy: recorder.url, NO_PROXY: "", no_proxy: "" } },
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...helps.values(), proxied]);
    await cli?.close();
    await recorder?.close();
    home?.remove();
  });

  it("add-model copies the model to HOME/.aws/models/durable-lambda/<apiVersion>/service-2.json", () => {
    expect(addModel.code, addModel.stderr).toBe(0);
    const copy = join(home.home, ".aws", "models", "durable-lambda", String(model.metadata.apiVersion), "service-2.json");
    expect(existsSync(copy)).toBe(true);
    expect(JSON.parse(readFileSync(copy, "utf8"))).toEqual(model);
  });

  it.each(durableOperations)(
    "aws durable-lambda <%s> help shows the help text and every option",
    async (name) => {
      const help = await helps.get(name)!;
      expect(help.code, help.stderr).toBe(0);
      const operation = model.operations[name]!;
      const input = model.shapes[operation.input.shape]!;
      // The renderer bolds with backspaces; take them out before reading.
      const text = help.stdout.replace(/.\x08/g, "");
      expect(text).toContain(cliName(name));
      for (const member of Object.keys(input.members ?? {})) {
        expect(text, `--${cliName(member)} in the help of ${cliName(name)}`).toContain(`--${cliName(member)}`);
      }
      const firstSentence = String((operation as { documentation?: string }).documentation)
        .replace(/<[^>]+>/g, "")
        .split(/[.:]/)[0]!
        .split(/\s+/)
        .slice(0, 3)
        .join(" ");
      expect(text.replace(/\s+/g, " ")).toContain(firstSentence);
    },
    60_000,
  );

  it("by default sends to https://lambda.<region>.amazonaws.com", async () => {
    const result = await proxied;
    expect(recorder.connects, result.stderr).toEqual([`lambda.${TEST_REGION}.amazonaws.com:443`]);
    expect(result.code, "the recorder refuses the tunnel, so the command fails").not.toBe(0);
  }, 60_000);
});
