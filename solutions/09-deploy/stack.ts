import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import { ManagedPolicy, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Alias, Architecture, Runtime, type CfnFunction, type IFunction } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { join } from "node:path";
import { DEFAULT_VERIFICATION_TIMEOUT_SECONDS, EXECUTION_MARGIN_SECONDS } from "../../fraud/settings.ts";

/** Time the workflow needs besides waiting for the card holder: scoring with retries, the steps, replays. */
export const EXECUTION_MARGIN = Duration.seconds(EXECUTION_MARGIN_SECONDS);

/** How long Lambda keeps the history of a finished execution, for `get-durable-execution-history`. */
export const RETENTION_PERIOD = Duration.days(14);

/** The durable execution timeout for a workflow whose longest wait is the card holder's answer. */
export function executionTimeoutFor(verificationTimeout: Duration): Duration {
  return verificationTimeout.plus(EXECUTION_MARGIN);
}

export interface FraudCheckStackProps extends StackProps {
  /** The workflow's `handler.ts`: esbuild bundles it with everything it imports. */
  entry: string;
  /** The function's name, which the workshop's commands look it up by. */
  functionName: string;
  /** The folder that holds package-lock.json: esbuild bundles from there. */
  projectRoot: string;
  /** What is deployed, in words, for the function's description. */
  workflowLabel?: string;
  /** How long the card holder has to answer on each channel. @default one day */
  verificationTimeout?: Duration;
  /** Overrides the derived execution timeout; it must outlast the verification timeout. */
  executionTimeout?: Duration;
}

/** The fraud check as a durable function on Node.js 24, invoked through its alias `live`. */
export class FraudCheckStack extends Stack {
  readonly fn: NodejsFunction;
  readonly live: IFunction;

  constructor(scope: Construct, id: string, props: FraudCheckStackProps) {
    super(scope, id, props);
    const verificationTimeout = props.verificationTimeout ?? Duration.seconds(DEFAULT_VERIFICATION_TIMEOUT_SECONDS);
    const executionTimeout = props.executionTimeout ?? executionTimeoutFor(verificationTimeout);

    // The guard: an execution stopped before the card holder's deadline never reaches the
    // timeout branch, so the transaction would be neither authorized nor escalated.
    if (executionTimeout.toSeconds() <= verificationTimeout.toSeconds()) {
      throw new Error(
        `The execution timeout (${executionTimeout.toHumanString()}) must be longer than the ` +
          `verification timeout (${verificationTimeout.toHumanString()}), or the timeout branch is never reached.`,
      );
    }

    const logGroup = new LogGroup(this, "Logs", {
      retention: RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.fn = new NodejsFunction(this, "FraudCheck", {
      functionName: props.functionName,
      description: `Durable fraud check: ${props.workflowLabel ?? "the finished workflow"}`.slice(0, 256),
      entry: props.entry,
      handler: "handler",
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      // One invocation between two checkpoints; the whole execution may last much longer.
      timeout: Duration.seconds(30),
      logGroup,
      environment: {
        VERIFICATION_TIMEOUT_SECONDS: String(verificationTimeout.toSeconds()),
        NODE_OPTIONS: "--enable-source-maps",
      },
      durableConfig: { executionTimeout, retentionPeriod: RETENTION_PERIOD },

      // Bundle from the repository root (where package-lock.json is), whatever the working directory.
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, "package-lock.json"),
      bundling: {
        // Ship the durable SDK and the Lambda client it needs, rather than the runtime's copies.
        bundleAwsSDK: true,
        format: OutputFormat.CJS,
        target: "node24",
        minify: true,
        sourceMap: true,
      },
    });

    // Durable functions are invoked by a qualified ARN: a version, or an alias that follows it.
    this.live = new Alias(this, "Live", { aliasName: "live", version: this.fn.currentVersion });

    // The card holder's answer comes from outside the function (an email link, an SMS reply,
    // `npm run callback`). Whoever sends it needs these three actions, on this function only.
    const callbackSender = new ManagedPolicy(this, "CallbackSenderPolicy", {
      description: "Send the card holder's answer to the verification callbacks of this durable fraud check",
      statements: [
        new PolicyStatement({
          actions: [
            "lambda:SendDurableExecutionCallbackSuccess",
            "lambda:SendDurableExecutionCallbackFailure",
            "lambda:SendDurableExecutionCallbackHeartbeat",
          ],
          resources: [this.fn.functionArn, `${this.fn.functionArn}:*`],
        }),
      ],
    });

    new CfnOutput(this, "FunctionName", { value: this.fn.functionName });
    new CfnOutput(this, "AliasArn", { value: this.live.functionArn });
    new CfnOutput(this, "CallbackSenderPolicyArn", {
      description: "Attach to the role or user that answers callbacks",
      value: callbackSender.managedPolicyArn,
    });
    new CfnOutput(this, "LogGroupName", { value: logGroup.logGroupName });
    new CfnOutput(this, "InvokeCommand", {
      description: "Start a medium-risk transaction (asynchronously: it waits for the card holder)",
      value:
        `aws durable-lambda invoke --function-name '${this.live.functionArn}' --invocation-type Event ` +
        `--durable-execution-name 'tx-301' ` +
        `--payload '{"id":301,"amount":250,"location":"Lisbon","vendor":"Gadget Store","score":3}' /dev/null`,
    });
    new CfnOutput(this, "ListExecutionsCommand", {
      value: `aws durable-lambda list-durable-executions-by-function --function-name '${this.fn.functionName}' --status-filter RUNNING`,
    });

    // cdk-nag (AwsSolutions): what this stack does differently from the rules, and why.
    // The role CDK made for the function carries AWS's managed durable execution policy, and nothing more.
    Validations.of(this.fn.role!).acknowledge({
      id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy]",
      reason:
        "AWSLambdaBasicDurableExecutionRolePolicy is the policy AWS documents and maintains for durable functions: " +
        "CloudWatch Logs writes plus lambda:CheckpointDurableExecution and lambda:GetDurableExecutionState, " +
        "which the durable runtime calls. The role gets nothing else.",
    });
    const functionLogicalId = this.getLogicalId(this.fn.node.defaultChild as CfnFunction);
    Validations.of(callbackSender).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason:
        "Callbacks are answered on executions of this function's versions and alias, whose ARNs start with the " +
        "function ARN and a qualifier; the wildcard covers those qualifiers of this one function and no other.",
    });
  }
}
