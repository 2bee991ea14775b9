/**
 * Builds the CDK app: one stack, `DurableFraudCheck`, checked by cdk-nag's AwsSolutions rules.
 *
 * Everything it needs comes from CDK context, so `cdk synth -c module=06` and a test's
 * `createFraudApp({ context: { module: "06" } })` take the same path:
 *
 * | context key | meaning | default |
 * | --- | --- | --- |
 * | `module` | the module whose `handler.ts` is deployed (`6`, `06`, `callbacks`) | the finished workflow |
 * | `solution` | `true`: that module's solution instead of the learner's code | `false` |
 * | `verificationTimeoutSeconds` | how long the card holder has to answer | one day |
 * | `stack` | `mine`: the learner's `modules/09-deploy/stack.ts`; `solution`: the finished stack | `solution` |
 */
import { App, Duration, Validations, type AppProps } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { DEFAULT_VERIFICATION_TIMEOUT_SECONDS } from "../fraud/settings.ts";
import type { FraudCheckStack } from "../solutions/09-deploy/stack.ts";
import { RiskScorerFunction } from "./risk-scorer-function.ts";
import { chooseDeployableWorkflow, FUNCTION_NAME, repoRoot, STACK_NAME, type Workflow } from "../workshop/manifest.ts";

export type StackSource = "solution" | "mine";

type StackClass = typeof FraudCheckStack;

/** Where each stack source lives; the app imports only the one it uses. */
const stackModules: Record<StackSource, () => Promise<{ FraudCheckStack: StackClass }>> = {
  solution: () => import("../solutions/09-deploy/stack.ts"),
  mine: () => import("../modules/09-deploy/stack.ts"),
};

export interface FraudApp {
  app: App;
  stack: FraudCheckStack;
  workflow: Workflow;
  stackSource: StackSource;
}

/** A context value that may arrive as a string (`-c solution=true`) or a JSON value. */
const flag = (value: unknown): boolean => value === true || value === "true";

function verificationTimeoutFrom(value: unknown): Duration {
  if (value === undefined || value === "") return Duration.seconds(DEFAULT_VERIFICATION_TIMEOUT_SECONDS);
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new Error(`verificationTimeoutSeconds must be a whole number of seconds, 1 or more; got ${JSON.stringify(value)}`);
  }
  return Duration.seconds(seconds);
}

function stackSourceFrom(value: unknown): StackSource {
  if (value === undefined || value === "" || value === "solution") return "solution";
  if (value === "mine") return "mine";
  throw new Error(`stack must be "solution" or "mine"; got ${JSON.stringify(value)}`);
}

/** Creates the app and its stack; call `app.synth()` to write the cloud assembly. */
export async function createFraudApp(props: AppProps = {}): Promise<FraudApp> {
  const app = new App(props);
  const context = (key: string): unknown => app.node.tryGetContext(key);

  const moduleArg = context("module");
  const workflow = chooseDeployableWorkflow(moduleArg === undefined ? undefined : String(moduleArg), {
    solution: flag(context("solution")),
  });
  const stackSource = stackSourceFrom(context("stack"));
  const { FraudCheckStack: Stack } = await stackModules[stackSource]();

  const stack = new Stack(app, STACK_NAME, {
    description: `Workshop: durable fraud check (${workflow.described})`,
    entry: workflow.path,
    functionName: FUNCTION_NAME,
    projectRoot: repoRoot,
    workflowLabel: workflow.described,
    verificationTimeout: verificationTimeoutFrom(context("verificationTimeoutSeconds")),
  });

  // Module 13: the fraud check invokes the risk scorer, a function of its own.
  for (const invoked of workflow.functions) {
    new RiskScorerFunction(stack, "RiskScorer", { entry: invoked.path, label: invoked.label, projectRoot: repoRoot, caller: stack.fn });
  }

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack, workflow, stackSource };
}
