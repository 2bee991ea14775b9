/**
 * The workflow the endpoint runs (the module model decides which: workshop/manifest.ts) and the
 * durations it runs with.
 */
import { EXECUTION_MARGIN_SECONDS, reviewHoldSeconds, verificationTimeoutSeconds } from "../../fraud/settings.ts";
import { UsageError } from "../../workshop/command.ts";
import { chooseWorkflow, MissingWorkflowError, UnknownModuleError, type Workflow } from "../../workshop/manifest.ts";

/** The workflow for `--module` and `--solution`; a module or file that is not there is a usage error. */
export function workflowFor({ module, solution = false }: { module?: string; solution?: boolean }): Workflow {
  try {
    return chooseWorkflow(module, { solution });
  } catch (error) {
    if (error instanceof UnknownModuleError || error instanceof MissingWorkflowError) throw new UsageError(error.message);
    throw error;
  }
}

/** The durations the workflow reads from the environment, checked once at start-up. */
export function durations(env: NodeJS.ProcessEnv = process.env): { verification: number; reviewHold: number } {
  try {
    return { verification: verificationTimeoutSeconds(env), reviewHold: reviewHoldSeconds(env) };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The function's execution timeout, as the deployed one: the verification timeout plus the margin. */
export const executionTimeoutSeconds = (env: NodeJS.ProcessEnv = process.env): number =>
  verificationTimeoutSeconds(env) + EXECUTION_MARGIN_SECONDS;
