/**
 * `npm run synth|deploy|destroy -- [options]`: runs the AWS CDK CLI (the `aws-cdk` dev
 * dependency) on infra/app.ts, for the module chosen with `--module`.
 *
 * The choices travel to the app as CDK context (`-c module=06`), so `npx cdk synth -c module=06`
 * does the same. The CLI is started with this Node.js binary and no shell, on every platform.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { type Io, processIo, runIfEntry, UsageError } from "../workshop/command.ts";
import { chooseDeployableWorkflow, findModule, repoRoot, STACK_NAME, type Workflow } from "../workshop/manifest.ts";

export const actions = ["synth", "deploy", "destroy"] as const;
export type CdkAction = (typeof actions)[number];

/** What to run: the CDK action, the context for the app, and the arguments passed on to the CLI. */
export interface CdkRun {
  action: CdkAction;
  context: Record<string, string>;
  /** Options this command does not know, passed to `cdk` as given (`--profile dev`, `--require-approval never`). */
  passThrough: string[];
  workflow: Workflow;
  mine: boolean;
}

/** `--help` was shown: nothing to run, exit code 0. */
export class HelpShown extends Error {
  readonly exitCode = 0;
}

const examples = `
Examples:
  npm run synth                          # the finished workflow, offline, into cdk.out/
  npm run synth -- --module 06           # your modules/06-callbacks/handler.ts
  npm run deploy -- --module 8 --solution
  npm run deploy -- --verification-timeout 300 --profile workshop
  npm run destroy

Options this command does not know (--profile, --require-approval, --output, -q, ...) are
passed to the cdk CLI. Deploying needs an AWS account and a bootstrapped region
(\`npx cdk bootstrap\`, once per account and region); synth needs neither.`;

/**
 * The longest verification timeout a stack can take: the service runs an execution for at most
 * 366 days, and the stack adds EXECUTION_MARGIN (one hour, solutions/09-deploy/stack.ts) to the
 * verification timeout. Checked here so the CDK's own range error never reaches the learner.
 */
export const MAX_VERIFICATION_TIMEOUT_SECONDS = 366 * 86_400 - 3_600;

function parseSeconds(value: string): string {
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(seconds) || seconds < 1) {
    throw new UsageError(`--verification-timeout must be a whole number of seconds, 1 or more; got "${value}".`);
  }
  if (seconds > MAX_VERIFICATION_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--verification-timeout must be at most ${MAX_VERIFICATION_TIMEOUT_SECONDS} seconds (366 days, the longest ` +
        `execution, less the one-hour margin the stack adds); got ${value.trim()}.`,
    );
  }
  return String(seconds);
}

function program(): Command {
  return new Command("npm run synth|deploy|destroy --")
    .description("Synthesize, deploy or destroy the durable fraud check with the AWS CDK.")
    .addHelpText("after", examples)
    .argument("<action>", `one of ${actions.join(", ")} (the npm script fills it in)`)
    .argument("[cdk-options...]", "passed to the cdk CLI")
    .option("-m, --module <module>", "the module whose handler.ts to deploy: 6, 06 or callbacks (default: the finished workflow)")
    .option("--solution", "deploy that module's solution instead of your code")
    .addOption(
      new Option("--verification-timeout <seconds>", "how long the card holder has to answer (default: 86400, one day)").argParser(
        parseSeconds,
      ),
    )
    .option("--my-stack", "use your modules/09-deploy/stack.ts instead of the finished stack")
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption("-h, --help", "show this help")
    .usage("[options]")
    .exitOverride();
}

/** Reads the command line (without `node` and the script) into what to run; throws UsageError or HelpShown. */
export function planCdkRun(argv: readonly string[], write: (text: string) => void = (text) => process.stdout.write(text)): CdkRun {
  const command = program().configureOutput({ writeOut: write, writeErr: () => undefined });
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) throw new HelpShown(error.message);
      throw new UsageError(`${error.message.replace(/^error: /, "")} (see --help)`);
    }
    throw error;
  }

  const [action, passThrough = []] = command.processedArgs as [string, string[]];
  if (!(actions as readonly string[]).includes(action)) {
    throw new UsageError(`Unknown action "${action}". Use one of: ${actions.join(", ")}.`);
  }
  const options = command.opts<{ module?: string; solution?: boolean; verificationTimeout?: string; myStack?: boolean }>();

  let workflow: Workflow;
  try {
    workflow = chooseDeployableWorkflow(options.module, { solution: options.solution === true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const context: Record<string, string> = {};
  // The module asked for, which the app resolves as this command did (09 and 10: the finished workflow).
  if (options.module !== undefined) context.module = findModule(options.module).number;
  if (options.solution) context.solution = "true";
  if (options.verificationTimeout !== undefined) context.verificationTimeoutSeconds = options.verificationTimeout;
  if (options.myStack) context.stack = "mine";

  return { action: action as CdkAction, context, passThrough, workflow, mine: options.myStack === true };
}

/** The aws-cdk CLI's entry script, from node_modules. */
export function cdkBin(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("aws-cdk/package.json");
  const { bin } = JSON.parse(readFileSync(packageJson, "utf8")) as { bin: { cdk: string } };
  return join(dirname(packageJson), bin.cdk);
}

/** The process to start: this Node.js binary running the cdk CLI, with the context as `-c key=value`. */
export function cdkInvocation(run: CdkRun): { command: string; args: string[] } {
  const context = Object.entries(run.context).flatMap(([key, value]) => ["--context", `${key}=${value}`]);
  return { command: process.execPath, args: [cdkBin(), run.action, ...context, ...run.passThrough] };
}

function summary(run: CdkRun): string {
  const verb = { synth: "Synthesizing", deploy: "Deploying", destroy: "Destroying" }[run.action];
  const stack = run.mine ? "your modules/09-deploy/stack.ts" : "the finished stack";
  return run.action === "destroy"
    ? `${verb} stack ${STACK_NAME}.`
    : `${verb} ${run.workflow.described} with ${stack} as stack ${STACK_NAME}.`;
}

/** Runs the command with `argv` (the words after `npm run synth|deploy|destroy --`); resolves to the exit code. */
export async function cdkMain(argv: readonly string[], io: Io = processIo): Promise<number> {
  let run: CdkRun;
  try {
    run = planCdkRun(argv, (text) => io.out(text));
  } catch (error) {
    if (error instanceof HelpShown) return 0;
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }

  io.err(`${summary(run)}\n`);
  const { command, args } = cdkInvocation(run);
  const child = spawn(command, args, { cwd: repoRoot, stdio: "inherit" });
  // Ctrl-C reaches the cdk CLI too; let it finish (or roll back) and report, then exit with it.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  return new Promise<number>((done, fail) => {
    child.on("error", fail);
    child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0)));
  }).finally(() => process.off("SIGINT", ignore));
}

await runIfEntry(import.meta.url, cdkMain);
