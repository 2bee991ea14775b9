/**
 * The CDK app as `npm run synth` builds it: the template, the bundle, cdk-nag's verdict.
 *
 * Synthesizes into temporary directories. One synth keeps the CDK's CloudFormation
 * validation on (a few seconds); the others turn it off with CDK_VALIDATION=false.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { FraudCheckStack as LearnerStack } from "../modules/09-deploy/stack.ts";
import { EXECUTION_MARGIN } from "../solutions/09-deploy/stack.ts";
import { RISK_SCORER_FUNCTION_NAME } from "../fraud/settings.ts";
import { FUNCTION_NAME, repoRoot } from "../workshop/manifest.ts";
import { createFraudApp, type FraudApp } from "./fraud-app.ts";

// Templates are plain JSON; the assertions below say what they expect of them.
// biome-ignore lint/suspicious/noExplicitAny: a template is any JSON; each test narrows what it reads.
type Json = Record<string, any>;

interface Synthesized extends FraudApp {
  outdir: string;
  json: Json;
  template: Template;
}

const outdirs: string[] = [];
const skipBundling = { "aws:cdk:bundling-stacks": [] };

async function synthesize(context: Record<string, unknown> = {}): Promise<Synthesized> {
  const outdir = mkdtempSync(join(tmpdir(), "fraud-cdk-"));
  outdirs.push(outdir);
  const built = await createFraudApp({ outdir, context });
  const json = built.app.synth().getStackByName(built.stack.stackName).template as Json;
  return { ...built, outdir, json, template: Template.fromJSON(json) };
}

const resourcesOf = (json: Json, type: string): [string, Json][] =>
  Object.entries(json.Resources as Json).filter(([, resource]) => resource.Type === type);

const onlyFunction = (json: Json): [string, Json] => {
  const functions = resourcesOf(json, "AWS::Lambda::Function");
  expect(functions).toHaveLength(1);
  return functions[0]!;
};

/** The code esbuild wrote for the function, read from the cloud assembly. */
function bundleOf({ json, outdir }: Synthesized): string {
  const [, fn] = onlyFunction(json);
  const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, "");
  const file = join(outdir, `asset.${hash}`, "index.js");
  expect(existsSync(file), `expected the bundle at ${file}`).toBe(true);
  return readFileSync(file, "utf8");
}

/** Every IAM statement in the template: inline policies, policies, managed policies. */
function statementsOf(json: Json): Json[] {
  const documents: Json[] = [];
  for (const [, resource] of Object.entries(json.Resources as Json)) {
    const props = resource.Properties ?? {};
    if (props.PolicyDocument) documents.push(props.PolicyDocument);
    for (const policy of props.Policies ?? []) documents.push(policy.PolicyDocument);
  }
  return documents.flatMap((document) => document.Statement as Json[]);
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe("the finished stack, synthesized with CloudFormation validation on", () => {
  let finished: Synthesized;

  beforeAll(async () => {
    vi.stubEnv("CDK_VALIDATION", "true");
    finished = await synthesize();
    vi.unstubAllEnvs();
  }, 120_000);

  it("passes cdk-nag's AwsSolutions rules with every exception acknowledged", () => {
    // The app registers the pack; in a test, synth throws on any unacknowledged error.
    const report = JSON.parse(readFileSync(join(finished.outdir, "validation-report.json"), "utf8")) as Json;
    const errors = (report.pluginReports as Json[]).flatMap((plugin) =>
      (plugin.violations as Json[]).filter((violation) => violation.severity === "error" || violation.severity === "fatal"),
    );
    expect(errors).toEqual([]);
    // And a second look, independent of the app's registration.
    const again = new AwsSolutionsChecks(finished.app).validateScope(finished.app);
    expect(again.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it("gives every cdk-nag acknowledgement a reason, in the tree and in the template", () => {
    const acknowledged = finished.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged.map(([id]) => id).sort()).toEqual([
      "Annotation::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy]",
      expect.stringMatching(/^Annotation::AwsSolutions-IAM5\[Resource::<FraudCheck[0-9A-F]+\.Arn>:\*\]$/),
    ]);
    for (const [id, reason] of acknowledged) expect(reason.length, `reason for ${id}`).toBeGreaterThan(40);

    const inTemplate = Object.values(finished.json.Resources as Json).flatMap(
      (resource) => (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Json[],
    );
    expect(inTemplate).toHaveLength(2);
    for (const rule of inTemplate) expect(String(rule.reason).length, `reason for ${rule.id}`).toBeGreaterThan(40);
  });

  it("runs the finished workflow on Node.js 24 as a durable function that outlasts its callbacks", () => {
    const [, fn] = onlyFunction(finished.json);
    const props = fn.Properties;
    expect(props.Runtime).toBe("nodejs24.x");
    expect(props.Description).toContain("solutions/08-timeouts/handler.ts");
    const callbackTimeout = Number(props.Environment.Variables.VERIFICATION_TIMEOUT_SECONDS);
    expect(callbackTimeout).toBe(86_400);
    expect(props.DurableConfig).toEqual({
      ExecutionTimeout: callbackTimeout + EXECUTION_MARGIN.toSeconds(),
      RetentionPeriodInDays: 14,
    });
  });

  it("is invoked through the alias live, whose ARN the outputs print, single-quoted", () => {
    const [[aliasId, alias]] = resourcesOf(finished.json, "AWS::Lambda::Alias") as [[string, Json]];
    const [[versionId]] = resourcesOf(finished.json, "AWS::Lambda::Version") as [[string, Json]];
    expect(alias.Properties.Name).toBe("live");
    expect(alias.Properties.FunctionVersion).toEqual({ "Fn::GetAtt": [versionId, "Version"] });

    const outputs = finished.json.Outputs as Json;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(["FunctionName", "AliasArn", "InvokeCommand", "ListExecutionsCommand", "CallbackSenderPolicyArn"]),
    );
    expect(outputs.AliasArn.Value).toEqual({ Ref: aliasId });
    const [, parts] = outputs.InvokeCommand.Value["Fn::Join"] as [string, unknown[]];
    expect(parts[0]).toMatch(/^aws durable-lambda invoke --function-name '$/);
    expect(parts[1]).toEqual({ Ref: aliasId });
    expect(parts[2]).toMatch(/^' --invocation-type Event --durable-execution-name '[A-Za-z0-9_-]{1,64}' --payload '\{.*\}' \S+$/);
    expect(String(parts[2]).match(/--payload '(.*)'/)?.[1], "the payload is JSON").toSatisfy((payload: string) => {
      JSON.parse(payload);
      return true;
    });
  });

  it("prints commands that the durable-lambda model in service.json understands", () => {
    const model = JSON.parse(readFileSync(join(repoRoot, "service.json"), "utf8")) as Json;
    const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
    for (const output of ["InvokeCommand", "ListExecutionsCommand"]) {
      const value = (finished.json.Outputs as Json)[output].Value as Json;
      const [, parts] = value["Fn::Join"] as [string, unknown[]];
      const command = parts.map((part) => (typeof part === "string" ? part : "TOKEN")).join("");
      const [, operation] = /^aws durable-lambda (\S+) /.exec(command) ?? [];
      const name = Object.keys(model.operations as Json).find((candidate) => kebab(candidate) === operation);
      expect(name, `${output}: operation ${operation}`).toBeDefined();
      const members = Object.keys(model.shapes[model.operations[name!].input.shape].members as Json).map(kebab);
      const options = [...command.matchAll(/ --([a-z-]+)/g)].map(([, option]) => option);
      expect(
        options.filter((option) => !members.includes(option!)),
        `${output}: options unknown to service.json`,
      ).toEqual([]);
    }
  });

  it("keeps its logs two weeks in its own log group", () => {
    const [[logGroupId, logGroup]] = resourcesOf(finished.json, "AWS::Logs::LogGroup") as [[string, Json]];
    expect(logGroup.Properties.RetentionInDays).toBe(14);
    expect(logGroup.DeletionPolicy).toBe("Delete");
    expect(onlyFunction(finished.json)[1].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
  });

  it("grants no wildcard action, and the callback actions only on this function", () => {
    const statements = statementsOf(finished.json);
    const actions = statements.flatMap((statement) => asList(statement.Action).map(String));
    expect(actions.filter((action) => action.includes("*"))).toEqual([]);

    const [functionId] = onlyFunction(finished.json);
    const callbackActions = [
      "lambda:SendDurableExecutionCallbackSuccess",
      "lambda:SendDurableExecutionCallbackFailure",
      "lambda:SendDurableExecutionCallbackHeartbeat",
    ];
    const callbackStatements = statements.filter((statement) =>
      asList(statement.Action).some((action) => callbackActions.includes(String(action))),
    );
    expect(callbackStatements).toHaveLength(1);
    expect(asList(callbackStatements[0]!.Action).sort()).toEqual([...callbackActions].sort());
    expect(callbackStatements[0]!.Resource).toEqual([
      { "Fn::GetAtt": [functionId, "Arn"] },
      { "Fn::Join": ["", [{ "Fn::GetAtt": [functionId, "Arn"] }, ":*"]] },
    ]);

    // The function's own role: the managed durable execution policy and nothing inline.
    const roles = resourcesOf(finished.json, "AWS::IAM::Role");
    expect(roles).toHaveLength(1);
    const role = roles[0]![1].Properties;
    expect(role.Policies).toBeUndefined();
    expect(JSON.stringify(role.ManagedPolicyArns)).toMatch(
      /^\[\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::aws:policy\/service-role\/AWSLambdaBasicDurableExecutionRolePolicy"\]\]\}\]$/,
    );
    expect(resourcesOf(finished.json, "AWS::IAM::Policy")).toEqual([]);
  });

  it("bundles the durable SDK and the Lambda client into the function's code", () => {
    const code = bundleOf(finished);
    // Strings only those packages hold: the SDK's context brand, the client's durable API path.
    expect(code, "durable SDK").toContain("@aws/durable-execution-sdk-js/durable-context");
    expect(code, "Lambda client").toContain("/2025-12-01/durable-executions/");
    expect(code).not.toMatch(/require\(["']@aws\/durable-execution-sdk-js["']\)/);
    expect(code).not.toMatch(/require\(["']@aws-sdk\/client-lambda["']\)/);
    expect(code, "the finished workflow's parallel step").toContain("human-verification");
  });
});

describe("module 13's two functions, synthesized with CloudFormation validation on", () => {
  let composed: Synthesized;

  beforeAll(async () => {
    vi.stubEnv("CDK_VALIDATION", "true");
    // cdk-nag and the template need no bundle: esbuild is left out (the finished stack's test reads one).
    composed = await synthesize({ ...skipBundling, module: "13", solution: "true" });
    vi.unstubAllEnvs();
  }, 120_000);

  it("deploys the scorer as a durable function of its own, and passes cdk-nag with every exception acknowledged", () => {
    const functions = resourcesOf(composed.json, "AWS::Lambda::Function").map(([, fn]) => fn.Properties);
    expect(functions.map((fn) => fn.FunctionName).sort()).toEqual([FUNCTION_NAME, RISK_SCORER_FUNCTION_NAME].sort());
    for (const fn of functions) {
      expect(fn.Runtime).toBe("nodejs24.x");
      expect(fn.DurableConfig, `${fn.FunctionName} is durable`).toBeDefined();
    }
    const report = JSON.parse(readFileSync(join(composed.outdir, "validation-report.json"), "utf8")) as Json;
    const errors = (report.pluginReports as Json[]).flatMap((plugin) =>
      (plugin.violations as Json[]).filter((violation) => violation.severity === "error" || violation.severity === "fatal"),
    );
    expect(errors).toEqual([]);
  });

  it("lets the fraud check invoke the scorer's alias, and nothing else of it, and tells it the alias's ARN", () => {
    const [aliasId] = resourcesOf(composed.json, "AWS::Lambda::Alias").find(([, alias]) =>
      JSON.stringify(alias.Properties.FunctionName).includes("Scorer"),
    )!;
    const invokes = statementsOf(composed.json).filter((statement) => asList(statement.Action).includes("lambda:InvokeFunction"));
    expect(invokes).toHaveLength(1);
    expect(asList(invokes[0]!.Action)).toEqual(["lambda:InvokeFunction"]);
    expect(asList(invokes[0]!.Resource)).toEqual([{ Ref: aliasId }]);
    const caller = resourcesOf(composed.json, "AWS::Lambda::Function").find(([, fn]) => fn.Properties.FunctionName === FUNCTION_NAME)!;
    expect(caller[1].Properties.Environment.Variables.RISK_SCORER_FUNCTION).toEqual({ Ref: aliasId });
  });
});

describe("the app's choices (CDK_VALIDATION=false)", () => {
  beforeAll(() => {
    vi.stubEnv("CDK_VALIDATION", "false");
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  // The bundle of module 01 is read in cdk-command.test.ts, which synthesizes it through the cdk CLI.
  it("deploys the handler of the module given as context", async () => {
    const first = await synthesize({ ...skipBundling, module: "1", solution: "true" });
    expect(first.workflow.path).toMatch(/solutions[\\/]01-first-step[\\/]handler\.ts$/);
    expect(onlyFunction(first.json)[1].Properties.Description).toContain("solutions/01-first-step/handler.ts");
  });

  it("passes a shorter verification timeout and derives the execution timeout from it", async () => {
    const short = await synthesize({ ...skipBundling, verificationTimeoutSeconds: "300" });
    const props = onlyFunction(short.json)[1].Properties;
    expect(props.Environment.Variables.VERIFICATION_TIMEOUT_SECONDS).toBe("300");
    expect(props.DurableConfig.ExecutionTimeout).toBe(300 + EXECUTION_MARGIN.toSeconds());
  });

  it("uses the learner's stack from modules/09-deploy with stack=mine", async () => {
    const outdir = mkdtempSync(join(tmpdir(), "fraud-cdk-"));
    outdirs.push(outdir);
    const mine = await createFraudApp({ outdir, context: { ...skipBundling, stack: "mine" } });
    expect(mine.stackSource).toBe("mine");
    expect(mine.stack).toBeInstanceOf(LearnerStack);
  });

  it("refuses a verification timeout that is not whole seconds", async () => {
    await expect(synthesize({ ...skipBundling, verificationTimeoutSeconds: "1.5" })).rejects.toThrow(/whole number of seconds/);
  });
});
