import { App, Duration } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { chooseWorkflow } from "../../infra/workflow-entry.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { EXECUTION_MARGIN, FraudCheckStack, executionTimeoutFor, type FraudCheckStackProps } from "./stack.ts";

const { todo } = guideFor(import.meta.url);
const file = "stack.ts";

// The finished workflow; these tests look at the template only, so nothing is bundled.
const entry = chooseWorkflow().entry;
const oneDay = Duration.days(1);

function synth(props: Partial<FraudCheckStackProps> = {}): Template {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  return Template.fromStack(new FraudCheckStack(app, "FraudCheck", { entry, ...props }));
}

interface FunctionProps {
  Runtime?: string;
  DurableConfig?: { ExecutionTimeout?: number; RetentionPeriodInDays?: number };
  Environment?: { Variables?: Record<string, string> };
}

function theFunction(template: Template): FunctionProps {
  const functions = Object.values(template.findResources("AWS::Lambda::Function"));
  expect(functions, `expected ${file} to define exactly one Lambda function`).toHaveLength(1);
  return (functions[0] as { Properties: FunctionProps }).Properties;
}

// Template validation costs seconds and checks nothing these tests need.
beforeAll(() => {
  vi.stubEnv("CDK_VALIDATION", "false");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

describe("09 · deploy with the CDK", () => {
  it("gives the execution a margin beyond the verification timeout", () => {
    const seconds = executionTimeoutFor(oneDay).toSeconds();
    expect(seconds, todo(1, "expected executionTimeoutFor(1 day) to be longer than one day (86400 s)", file)).toBeGreaterThan(86_400);
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
    expect(equal, todo(2, "expected the stack to throw when executionTimeout equals verificationTimeout", file)).toThrow(
      /must be longer than/,
    );
    const longer = () => synth({ verificationTimeout: oneDay, executionTimeout: Duration.days(2) });
    expect(longer, todo(2, "expected the stack to accept an executionTimeout longer than the verification timeout", file)).not.toThrow();
  });

  it("runs on Node.js 24", () => {
    expect(theFunction(synth()).Runtime, todo(3, 'expected runtime "nodejs24.x" (Runtime.NODEJS_24_X)', file)).toBe("nodejs24.x");
  });

  it("is a durable function with a retention period", () => {
    const template = synth();
    const { DurableConfig } = theFunction(template);
    expect(DurableConfig, todo(4, "expected the function to have durableConfig", file)).toBeDefined();
    expect(DurableConfig?.RetentionPeriodInDays, todo(4, "expected durableConfig.retentionPeriod: RETENTION_PERIOD (14 days)", file)).toBe(14);
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
      expect(callbackTimeout, `expected ${file} to pass VERIFICATION_TIMEOUT_SECONDS to the workflow, as the starter does`).toBe(
        verificationTimeout.toSeconds(),
      );
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

  it("is invoked through an alias named live", () => {
    const template = synth();
    const aliases = template.findResources("AWS::Lambda::Alias", { Properties: { Name: "live" } });
    expect(Object.keys(aliases), todo(5, 'expected an AWS::Lambda::Alias named "live"', file)).toHaveLength(1);
    const [aliasId] = Object.keys(aliases);
    const versionId = Object.keys(template.findResources("AWS::Lambda::Version"))[0];
    expect(
      (aliases[aliasId ?? ""] as { Properties: { FunctionVersion?: unknown } } | undefined)?.Properties.FunctionVersion,
      todo(5, "expected the alias to point at the function's current version (this.fn.currentVersion)", file),
    ).toEqual({ "Fn::GetAtt": [versionId, "Version"] });
    const outputs = template.findOutputs("AliasArn");
    expect(outputs["AliasArn"]?.Value, todo(5, "expected the AliasArn output to print the alias ARN (this.live = the alias)", file)).toEqual({
      Ref: aliasId,
    });
  });
});
