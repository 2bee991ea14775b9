/**
 * Module 13's risk scorer, deployed beside the fraud check as a durable function of its own,
 * and the one permission the fraud check needs to call it with `context.invoke`:
 * `lambda:InvokeFunction` on the scorer's alias, and nothing else.
 */
import { CfnOutput, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { Alias, Architecture, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { join } from "node:path";
import { RISK_SCORER_FUNCTION_NAME } from "../fraud/settings.ts";

export interface RiskScorerProps {
  /** The scorer's `scorer.ts`. */
  entry: string;
  /** What is deployed, in words, for the function's description. */
  label: string;
  projectRoot: string;
  /** The fraud check, which invokes the scorer. */
  caller: NodejsFunction;
}

export class RiskScorerFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly live: Alias;

  constructor(scope: Construct, id: string, props: RiskScorerProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, "Logs", { retention: RetentionDays.TWO_WEEKS, removalPolicy: RemovalPolicy.DESTROY });
    this.fn = new NodejsFunction(this, "Scorer", {
      functionName: RISK_SCORER_FUNCTION_NAME,
      description: `Durable risk scorer: ${props.label}`.slice(0, 256),
      entry: props.entry,
      handler: "handler",
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup,
      environment: { NODE_OPTIONS: "--enable-source-maps" },
      // Three attempts a few seconds apart fit well within a quarter of an hour.
      durableConfig: { executionTimeout: Duration.minutes(15), retentionPeriod: Duration.days(14) },
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, "package-lock.json"),
      bundling: { bundleAwsSDK: true, format: OutputFormat.CJS, target: "node24", minify: true, sourceMap: true },
    });
    // Durable functions are invoked by a qualified ARN; the caller gets the alias, and may invoke only it.
    this.live = new Alias(this, "Live", { aliasName: "live", version: this.fn.currentVersion });
    this.live.grantInvoke(props.caller);
    props.caller.addEnvironment("RISK_SCORER_FUNCTION", this.live.functionArn);

    Validations.of(this.fn.role!).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy]",
      reason:
        "AWSLambdaBasicDurableExecutionRolePolicy is the policy AWS documents and maintains for durable functions: " +
        "CloudWatch Logs writes plus the checkpoint calls of the durable runtime. The scorer's role gets nothing else.",
    });
    new CfnOutput(this, "ScorerFunctionName", { value: this.fn.functionName });
    new CfnOutput(this, "ScorerAliasArn", { value: this.live.functionArn });
  }
}
