/**
 * Which workflow the CDK app deploys: a module's `handler.ts`, chosen with `--module NN`.
 *
 * Without a module, the app deploys the finished workflow: the solution of the last module
 * that has a `handler.ts`. Modules without a handler (deploy, operate) deploy it too.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import {
  findModule,
  folderName,
  modules,
  repoRoot,
  solutionDir,
  starterDir,
  type WorkshopModule,
} from "../workshop/manifest.ts";

const HANDLER = "handler.ts";

/** The one stack the app deploys, whichever module's workflow it holds: `npm run destroy` removes it. */
export const STACK_NAME = "DurableFraudCheck";

export interface WorkflowChoice {
  /** The module whose handler is deployed. */
  module: WorkshopModule;
  /** Absolute path of the `handler.ts` esbuild bundles. */
  entry: string;
  /** `"starter"`: the learner's code in `modules/`; `"solution"`: the code in `solutions/`. */
  source: "starter" | "solution";
  /** One line for the stack description and the console, `modules/06-callbacks/handler.ts (your code)`. */
  label: string;
}

export interface ChooseOptions {
  /** Deploy the module's solution instead of the learner's code. */
  solution?: boolean;
}

const hasHandler = (module: WorkshopModule): boolean => module.files.includes(HANDLER);

/** The last module with a handler: its solution is the finished workflow. */
export function finishedWorkflowModule(): WorkshopModule {
  const last = modules.filter(hasHandler).at(-1);
  if (!last) throw new Error(`No module in workshop/modules.json lists ${HANDLER}.`);
  return last;
}

/** The path of a file relative to the repository, with forward slashes on every platform. */
export const repoPath = (file: string): string => relative(repoRoot, file).split("\\").join("/");

function choice(module: WorkshopModule, source: WorkflowChoice["source"]): WorkflowChoice {
  const dir = source === "solution" ? solutionDir(module) : starterDir(module);
  const entry = join(dir, HANDLER);
  const owner = source === "solution" ? "solution" : "your code";
  return { module, entry, source, label: `${repoPath(entry)} (${owner})` };
}

/**
 * Picks the handler for `moduleArg` (`8`, `08`, `timeouts`, `08-timeouts`; `undefined` for the
 * finished workflow). Throws `UnknownModuleError` for a name that is no module.
 */
export function chooseWorkflow(moduleArg?: string, { solution = false }: ChooseOptions = {}): WorkflowChoice {
  const requested = moduleArg === undefined || moduleArg === "" ? undefined : findModule(moduleArg);
  if (requested === undefined || !hasHandler(requested)) return choice(finishedWorkflowModule(), "solution");

  const picked = choice(requested, solution ? "solution" : "starter");
  if (!existsSync(picked.entry)) {
    throw new Error(
      `${repoPath(picked.entry)} does not exist. Restore module ${folderName(requested)} ` +
        `with \`npm run reset -- ${requested.number}\`, or deploy its solution with --solution.`,
    );
  }
  return picked;
}
