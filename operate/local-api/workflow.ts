/**
 * Which workflow the endpoint runs, and the durations it runs with.
 *
 * By default the finished workflow (the solution of the last module with a `handler.ts`);
 * with `--module NN`, the learner's `modules/NN-slug/handler.ts`; with `--solution` too,
 * that module's solution.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { reviewHoldSeconds, verificationTimeoutSeconds } from "../../fraud/settings.ts";
import { findModule, modules, repoRoot, solutionDir, starterDir, type WorkshopModule } from "../../workshop/manifest.ts";

/** A choice the command line cannot run; the entry ends with exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The margin the deploy module adds to the verification timeout for the execution timeout (EXECUTION_MARGIN, one hour). */
export const EXECUTION_MARGIN_SECONDS = 3600;

export interface Workflow {
  module: WorkshopModule;
  /** Absolute path of the handler file. */
  path: string;
  /** The path relative to the repository, for messages. */
  label: string;
}

/** The finished workflow: the last module whose learner file is a handler. */
export const finishedModule = (): WorkshopModule =>
  [...modules].reverse().find((module) => module.files.includes("handler.ts")) as WorkshopModule;

export function chooseWorkflow({ module, solution = false }: { module?: string; solution?: boolean }): Workflow {
  const chosen = module === undefined ? finishedModule() : findModule(module);
  if (!chosen.files.includes("handler.ts")) {
    const last = finishedModule().number;
    throw new UsageError(`Module ${chosen.number} (${chosen.title}) has no workflow to run; pick one of 01-${last}.`);
  }
  const useSolution = module === undefined || solution;
  const path = join(useSolution ? solutionDir(chosen) : starterDir(chosen), "handler.ts");
  const label = relative(repoRoot, path).split("\\").join("/");
  if (!existsSync(path)) throw new UsageError(`${label} does not exist. Restore it: npm run reset -- ${chosen.number}`);
  return { module: chosen, path, label };
}

/** Imports a workflow's `handler`. */
export async function loadHandler(workflow: Workflow): Promise<DurableLambdaHandler> {
  const loaded = (await import(pathToFileURL(workflow.path).href)) as { handler?: unknown };
  if (typeof loaded.handler !== "function") {
    throw new UsageError(`${workflow.label} exports no \`handler\`: export const handler = withDurableExecution(...).`);
  }
  return loaded.handler as DurableLambdaHandler;
}

/** The durations the workflow reads from the environment, checked once at start-up. */
export function durations(env: NodeJS.ProcessEnv = process.env): { verification: number; reviewHold: number } {
  try {
    return { verification: verificationTimeoutSeconds(env), reviewHold: reviewHoldSeconds(env) };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The function's execution timeout, as the deploy module derives it: verification timeout plus a margin. */
export const executionTimeoutSeconds = (env: NodeJS.ProcessEnv = process.env): number =>
  verificationTimeoutSeconds(env) + EXECUTION_MARGIN_SECONDS;
