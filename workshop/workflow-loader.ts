/**
 * Importing a workflow the module model chose (workshop/manifest.ts): its handler, and the
 * durable functions it invokes (module 13's scorer), by the name it invokes them with. `npm start`
 * and the local endpoint both run what this loads.
 */
import { pathToFileURL } from "node:url";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { UsageError } from "./command.ts";
import type { Workflow } from "./manifest.ts";

export interface LoadedWorkflow {
  handler: DurableLambdaHandler;
  functions: Record<string, DurableLambdaHandler>;
}

/** The `handler` a file exports; a file that exports none is a usage error that says how. */
async function importHandler(path: string, label: string): Promise<DurableLambdaHandler> {
  const loaded = (await import(pathToFileURL(path).href)) as { handler?: unknown };
  if (typeof loaded.handler !== "function") {
    throw new UsageError(`${label} exports no \`handler\`: export const handler = withDurableExecution(...).`);
  }
  return loaded.handler as DurableLambdaHandler;
}

export async function loadWorkflow(workflow: Workflow): Promise<LoadedWorkflow> {
  const [handler, ...invoked] = await Promise.all([
    importHandler(workflow.path, workflow.label),
    ...workflow.functions.map((fn) => importHandler(fn.path, fn.label)),
  ]);
  return { handler: handler!, functions: Object.fromEntries(workflow.functions.map((fn, index) => [fn.name, invoked[index]!])) };
}
