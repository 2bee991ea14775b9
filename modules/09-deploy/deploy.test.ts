import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Duration } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chooseWorkflow, FUNCTION_NAME, repoRoot } from "../../workshop/manifest.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { EXECUTION_MARGIN, FraudCheckStack, executionTimeoutFor, type FraudCheckStackProps } from "./stack.ts";

const guide = guideFor(import.meta.url);
const { todo } = guide;
const file = "stack.ts";

// The finished workflow; these tests look at the template only, so nothing is bundled.
const entry = chooseWorkflow().path;
const oneDay = Duration.days(1);

/** What went wrong when the stack did not synthesize, as the next thing to do. */
function whyNotSynthesized(message: string, props: Partial<FraudCheckStackProps>): string {
  if (/must be longer than/.test(message)) {
    const execution = props.executionTimeout?.toHumanString() ?? "(derived)";
    const verification = props.verificationTimeout?.toHumanString() ?? "(default)";
    return todo(
      2,
      `expected the guard to accept executionTimeout ${execution} with verificationTimeout ${verification}; it threw: ${message}`,
      file,
    );
  }
  if (/executionTimeout|retentionPeriod|whole number of days/.test(message)) {
    return todo(
      4,
      "expected a durableConfig the CDK accepts (executionTimeout 1 s to 366 days; retentionPeriod, kept after the execution " +
        `ends, 1 to 90 whole days): the CDK refused it: ${message}`,
      file,
    );
  }
  return guide.concept(`expected the stack to synthesize; the CDK refused it: ${message}`, file);
}

// Every synthesis writes a cloud assembly: keep them in one folder, removed after the tests.
const assemblies = mkdtempSync(join(tmpdir(), "fraud-deploy-test-"));

function synth(props: Partial<FraudCheckStackProps> = {}): Template {
  const app = new App({ outdir: mkdtempSync(join(assemblies, "cdk.out-")), context: { "aws:cdk:bundling-stacks": [] } });
  let stack: FraudCheckStack;
  try {
    stack = new FraudCheckStack(app, "FraudCheck", { entry, functionName: FUNCTION_NAME, projectRoot: repoRoot, ...props });
  } catch (error) {
    throw new Error(whyNotSynthesized(error instanceof Error ? error.message : String(error), props), { cause: error });
  }
  return Template.fromStack(stack);
}

interface FunctionProps {
  Runtime?: string;
  Timeout?: number;
  DurableConfig?: { ExecutionTimeout?: number; RetentionPeriodInDays?: number };
  Environment?: { Variables?: Record<string, string> };
}

function theFunction(template: Template): FunctionProps {
  const functions = Object.values(template.findResources("AWS::Lambda::Function"));
  expect(functions, guide.concept("expected exactly one Lambda function in the stack, the fraud check", file)).toHaveLength(1);
  return (functions[0] as { Properties: FunctionProps }).Properties;
}

/** The alias named live: its logical id and the version it points at, as the template says it. */
function liveAlias(template: Template): { id: string; version: unknown } {
  const aliases = template.findResources("AWS::Lambda::Alias", { Properties: { Name: "live" } });
  expect(Object.keys(aliases), todo(5, 'expected an AWS::Lambda::Alias named "live"', file)).toHaveLength(1);
  const [id = ""] = Object.keys(aliases);
  return { id, version: (aliases[id] as { Properties: { FunctionVersion?: unknown } }).Properties.FunctionVersion };
}

// Template validation costs seconds and checks nothing these tests need.
beforeAll(() => {
  vi.stubEnv("CDK_VALIDATION", "false");
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(assemblies, { recursive: true, force: true });
});

describe("09 · deploy with the CDK", () => {
  it("gives the execution a margin beyond the verification timeout", () => {
    const seconds = executionTimeoutFor(oneDay).toSeconds();
    expect(
      seconds,
      todo(
        1,
        "expected executionTimeoutFor(1 day) to be longer than one day (86400 s). An execution must outlast its longest wait, " +
          "so the margin is added to the card holder's deadline, not taken off it",
        file,
      ),
    ).toBeGreaterThan(86_400);
    expect(seconds, todo(1, "expected executionTimeoutFor to add EXECUTION_MARGIN to the verification timeout", file)).toBe(
      86_400 + EXECUTION_MARGIN.toSeconds(),
    );
  });

  it("refuses an execution timeout that does not outlast the verification timeout", () => {
    const tooShort = () => synth({ verificationTimeout: oneDay, executionTimeout: Duration.hours(1) });
    expect(tooShort, todo(2, "expected the stack to throw when executionTimeout (1 hour) < verificationTimeout (1 day)", file)).toThrow(
      /must be longer than/,
    );
    const equal = () => synth({ verificationTimeout: oneDay, executionTimeout: oneDay });
    expect(
      equal,
      todo(
        2,
        "expected the stack to throw when executionTimeout equals verificationTimeout. An execution that ends at the " +
          'deadline never runs the timeout branch: "not longer than" includes equal',
        file,
      ),
    ).toThrow(/must be longer than/);
    // Throws a TODO 2 message of its own if the guard refuses it.
    synth({ verificationTimeout: oneDay, executionTimeout: Duration.days(2) });
  });

  it("runs on Node.js 24", () => {
    expect(
      theFunction(synth()).Runtime,
      todo(
        3,
        'expected runtime "nodejs24.x" (Runtime.NODEJS_24_X). Durable functions need Node.js 22 or later, and the CDK does not check',
        file,
      ),
    ).toBe("nodejs24.x");
  });

  it("is a durable function with a retention period", () => {
    const template = synth();
    const { DurableConfig } = theFunction(template);
    expect(DurableConfig, todo(4, "expected the function to have durableConfig", file)).toBeDefined();
    expect(DurableConfig?.RetentionPeriodInDays, todo(4, "expected durableConfig.retentionPeriod: RETENTION_PERIOD (14 days)", file)).toBe(
      14,
    );
    const durableRoles = template.findResources("AWS::IAM::Role", {
      Properties: { ManagedPolicyArns: Match.arrayWith([Match.objectLike({ "Fn::Join": Match.anyValue() })]) },
    });
    expect(
      JSON.stringify(durableRoles),
      todo(4, "expected the CDK to give the role AWSLambdaBasicDurableExecutionRolePolicy, as it does for a durable function", file),
    ).toContain("AWSLambdaBasicDurableExecutionRolePolicy");
  });

  it("lets the execution outlast the callback timeout it passes to the workflow", () => {
    for (const verificationTimeout of [oneDay, Duration.seconds(60)]) {
      const { DurableConfig, Environment } = theFunction(synth({ verificationTimeout }));
      const callbackTimeout = Number(Environment?.Variables?.VERIFICATION_TIMEOUT_SECONDS);
      const executionTimeout = DurableConfig?.ExecutionTimeout ?? 0;
      const shown = DurableConfig?.ExecutionTimeout === undefined ? "missing" : `${executionTimeout} s`;
      expect(
        callbackTimeout,
        guide.concept(
          `expected VERIFICATION_TIMEOUT_SECONDS to be the verification timeout (${verificationTimeout.toSeconds()} s), as the ` +
            "starter sets it. The callbacks wait that long; if they wait as long as the execution may run, the execution " +
            "ends before the timeout branch",
          file,
        ),
      ).toBe(verificationTimeout.toSeconds());
      expect(
        executionTimeout,
        todo(
          4,
          `expected DurableConfig.ExecutionTimeout (${shown}) to be longer than the ${callbackTimeout} s ` +
            "callback timeout (TODO 1 adds the margin)",
          file,
        ),
      ).toBeGreaterThan(callbackTimeout);
      expect(
        executionTimeout,
        todo(4, "expected durableConfig to use `executionTimeout`, derived from the verification timeout, not a fixed value", file),
      ).toBe(executionTimeoutFor(verificationTimeout).toSeconds());
    }
  });

  it("keeps each invocation short: the execution's length is durableConfig's job", () => {
    const { Timeout } = theFunction(synth());
    expect(
      Timeout ?? 3,
      guide.concept(
        `expected the function timeout (${Timeout ?? 3} s) to stay within Lambda's 15 minutes, as the starter's 30 s does. ` +
          "It bounds one invocation; durableConfig.executionTimeout bounds the whole execution, and Lambda refuses a longer timeout at deploy",
        file,
      ),
    ).toBeLessThanOrEqual(900);
  });

  it("is invoked through an alias named live, on a published version", () => {
    const template = synth();
    const alias = liveAlias(template);
    const versionIds = Object.keys(template.findResources("AWS::Lambda::Version"));
    const shown = alias.version === "$LATEST" ? "$LATEST" : JSON.stringify(alias.version);
    expect(
      versionIds.map((id) => ({ "Fn::GetAtt": [id, "Version"] })),
      todo(
        5,
        `expected the alias to point at a published version (this.fn.currentVersion), not ${shown}. A version pins each ` +
          "execution to the code it started with; $LATEST changes under the executions still waiting",
        file,
      ),
    ).toContainEqual(alias.version);
    const outputs = template.findOutputs("AliasArn");
    expect(outputs.AliasArn?.Value, todo(5, "expected the AliasArn output to print the alias ARN (this.live = the alias)", file)).toEqual({
      Ref: alias.id,
    });
  });

  it("publishes a new version when the function changes, and the alias follows it", () => {
    const before = liveAlias(synth({ verificationTimeout: oneDay })).version;
    const after = liveAlias(synth({ verificationTimeout: Duration.seconds(60) })).version;
    expect(
      after,
      todo(
        5,
        "expected a changed function (another VERIFICATION_TIMEOUT_SECONDS) to give the alias a new version: " +
          "this.fn.currentVersion publishes one whenever the code or configuration changes, while a Version resource " +
          "of your own is published once and the alias would stay on the old code",
        file,
      ),
    ).not.toEqual(before);
  });
});
