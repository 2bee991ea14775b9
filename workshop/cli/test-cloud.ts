/**
 * `npm run test:cloud -- <module> [options]`: a smoke test of the deployed fraud check.
 *
 * It does not run the module's own test files: those run the handler in-process on the local
 * runtime and count calls to the payment and notification fakes, which a deployed function
 * does not expose. Instead it starts a few real executions of the deployed function with the
 * testing SDK's `CloudDurableTestRunner` and checks what the service records: the status,
 * the result and the named operations. The cases match what the module's workflow can do:
 *
 * | case | from module |
 * | --- | --- |
 * | low risk (42.00) is authorized in step `authorize-<id>` | 01 |
 * | high risk (score 5) goes to `sendToFraudDepartment-<id>` | 02 |
 * | medium risk, card holder says yes on `SendVerificationEmail`: TransactionApproved | 06 |
 * | medium risk, card holder says no: SentToFraudDept, TransactionDeclined | 06 |
 *
 * Modules 09 and 10 deploy the finished workflow, so they get every case. Deploy the module
 * first (`npm run deploy -- --module NN`). Before anything else it looks for AWS credentials
 * (environment and shared config only, with instance metadata off unless you set
 * `AWS_EC2_METADATA_DISABLED=false`) and stops with one line and exit code 1 without them.
 */
import { InvocationType, LambdaClient } from "@aws-sdk/client-lambda";
import { CloudDurableTestRunner, WaitingOperationStatus, type TestResult } from "@aws/durable-execution-sdk-js-testing";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { commandLine, type Io, moduleListHelp, processIo, runIfEntry } from "../command.ts";
import pc from "picocolors";
import type { FraudCheckResult } from "../../fraud/results.ts";
import { DEFAULT_FUNCTION } from "../../operate/connection.ts";
import { findModule, UnknownModuleError, workflowModule, type WorkshopModule } from "../manifest.ts";

export interface SmokeCase {
  name: string;
  /** The first module whose workflow does this. */
  since: number;
  event: (id: number) => Record<string, unknown>;
  /** For medium risk: what the card holder answers on the email channel. */
  answer?: { approved: boolean };
  expect: (result: FraudCheckResult | undefined, operations: string[], id: number) => string | undefined;
}

const base = { location: "Seattle, WA", vendor: "Workshop smoke test" };

function expectResult(result: FraudCheckResult | undefined, wanted: Partial<FraudCheckResult["body"]>): string | undefined {
  for (const [key, value] of Object.entries(wanted)) {
    const actual = (result?.body as Record<string, unknown> | undefined)?.[key];
    if (actual !== value) return `expected body.${key} ${JSON.stringify(value)}, got ${JSON.stringify(actual)}`;
  }
  return undefined;
}

const expectOperation = (operations: string[], name: string): string | undefined =>
  operations.includes(name) ? undefined : `expected an operation named "${name}"; saw ${operations.join(", ") || "none"}`;

export const smokeCases: SmokeCase[] = [
  {
    name: "low risk is authorized",
    since: 1,
    event: (id) => ({ id, amount: 42, ...base }),
    expect: (result, operations, id) =>
      expectResult(result, { result: "authorized", fraud_score: 1 }) ??
      expectOperation(operations, "fraudCheck") ??
      expectOperation(operations, `authorize-${id}`),
  },
  {
    name: "high risk goes to the fraud department",
    since: 2,
    event: (id) => ({ id, amount: 12_000, score: 5, ...base }),
    expect: (result, operations, id) =>
      expectResult(result, { result: "SentToFraudDept", fraud_score: 5 }) ?? expectOperation(operations, `sendToFraudDepartment-${id}`),
  },
  {
    name: "medium risk, the card holder approves",
    since: 6,
    event: (id) => ({ id, amount: 6500, score: 3, ...base }),
    answer: { approved: true },
    expect: (result, operations, id) =>
      expectResult(result, { result: "authorized", customerVerificationResult: "TransactionApproved" }) ??
      expectOperation(operations, `suspend-${id}`),
  },
  {
    name: "medium risk, the card holder declines",
    since: 6,
    event: (id) => ({ id, amount: 6500, score: 4, ...base }),
    answer: { approved: false },
    expect: (result) => expectResult(result, { result: "SentToFraudDept", customerVerificationResult: "TransactionDeclined" }),
  },
];

/** The workflow stage a module deploys: its own number, or the finished workflow's for 09 and 10. */
export const stageOf = (module: WorkshopModule): number => Number(workflowModule(module).number);

const withTimeout = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();

interface Options {
  functionName: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  timeout: number;
  pollMs: number;
}

async function runCase(client: LambdaClient, options: Options, smoke: SmokeCase, id: number): Promise<string | undefined> {
  const runner = new CloudDurableTestRunner<FraudCheckResult>({
    functionName: options.functionName,
    client,
    // Event: the invocation returns at once, so the card holder can answer while it waits.
    config: { pollInterval: options.pollMs, invocationType: InvocationType.Event },
  });
  const finished = runner.run({ payload: smoke.event(id) });
  if (smoke.answer) {
    const email = await runner.getOperation("SendVerificationEmail").waitForData(WaitingOperationStatus.SUBMITTED);
    await email.sendCallbackSuccess(JSON.stringify(smoke.answer));
  }
  const execution: TestResult<FraudCheckResult> = await finished;
  const status = execution.getStatus();
  if (status !== "SUCCEEDED") {
    const error = status === "FAILED" ? execution.getError() : undefined;
    return `execution ${status}${error ? `: ${error.errorType ?? "Error"}: ${error.errorMessage ?? ""}` : ""}`;
  }
  const operations = execution
    .getOperations()
    .map((operation) => operation.getName())
    .filter((name): name is string => typeof name === "string");
  return smoke.expect(execution.getResult(), operations, id);
}

/** Runs the command with `argv` (the words after `npm run test:cloud --`); resolves to the exit code. */
export async function testCloudMain(argv: readonly string[], io: Io = processIo, now: () => number = Date.now): Promise<number> {
  const positive = (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("Use a whole number, 1 or more.");
    return number;
  };
  const program = commandLine(
    new Command("npm run test:cloud --")
      .description("Smoke-test the deployed fraud check with real executions (needs AWS credentials).")
      .argument("<module>", "the module whose workflow you deployed: its number (8 or 08) or slug")
      .option("--function-name <name>", "the function with its alias or version", DEFAULT_FUNCTION)
      .option("--region <region>", "AWS region (default: AWS_REGION or your profile's region)")
      .option("--profile <name>", "named profile from your AWS config")
      .option("--endpoint-url <url>", "send requests here instead of the Lambda endpoint")
      .option("--timeout <seconds>", "give up on a case after this long", positive, 300)
      .option("--poll-ms <ms>", "how often to read the execution history", positive, 1000)
      .addHelpText("after", moduleListHelp()),
    io,
  );
  let moduleArg: string;
  let options: Options;
  try {
    program.parse([...argv], { from: "user" });
    moduleArg = program.args[0]!;
    options = program.opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }

  let module: WorkshopModule;
  try {
    module = findModule(moduleArg);
  } catch (error) {
    if (!(error instanceof UnknownModuleError)) throw error;
    io.err(`error: ${error.message}\n`);
    return 2;
  }
  if (module.workflow !== "fraud-check") {
    // Its smoke cases are those of the fraud check that asks the card holder; module 13 escalates without asking.
    io.err(
      `error: npm run test:cloud checks the fraud check of modules 01-10. Module ${module.number} has its own tests and runs on ` +
        `your machine: npm run test:module -- ${module.number}, npm start -- --module ${module.number}.\n`,
    );
    return 2;
  }

  // Look for credentials locally: environment, shared config and credentials files, SSO
  // cache, credential_process. Instance metadata is a network call; it stays off unless
  // you set AWS_EC2_METADATA_DISABLED=false yourself.
  process.env.AWS_EC2_METADATA_DISABLED ??= "true";
  const client = new LambdaClient({
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
  });
  try {
    try {
      await withTimeout(client.config.credentials(), 5000, "Looking for AWS credentials");
    } catch (error) {
      io.err(
        `No AWS credentials found (${firstLine(error)}). Run \`aws configure\` or set AWS_PROFILE, then run npm run test:cloud -- ${module.number} again.\n`,
      );
      return 1;
    }
    let region: string;
    try {
      region = await client.config.region();
    } catch {
      io.err("No AWS region: pass --region or set AWS_REGION, then run again.\n");
      return 1;
    }

    const stage = stageOf(module);
    const cases = smokeCases.filter((smoke) => smoke.since <= stage);
    io.out(
      `Smoke-testing ${options.functionName} in ${region} as the workflow of module ${module.number} ` +
        `(deploy it with npm run deploy -- --module ${module.number}): ${cases.length} case(s).\n`,
    );
    const firstId = Math.floor(now() / 1000) * 10;
    const outcomes = await Promise.all(
      cases.map(async (smoke, index) => {
        const started = Date.now();
        let problem: string | undefined;
        try {
          problem = await withTimeout(runCase(client, options, smoke, firstId + index), options.timeout * 1000, smoke.name);
        } catch (error) {
          problem = firstLine(error);
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        io.out(problem ? `${pc.red("✗")} ${smoke.name} (${seconds} s): ${problem}\n` : `${pc.green("✓")} ${smoke.name} (${seconds} s)\n`);
        return problem === undefined;
      }),
    );
    const passed = outcomes.filter(Boolean).length;
    io.out(`${passed} passed, ${outcomes.length - passed} failed\n`);
    return passed === outcomes.length ? 0 : 1;
  } finally {
    client.destroy();
  }
}

await runIfEntry(import.meta.url, async (argv, io) => {
  const code = await testCloudMain(argv, io);
  // A case that timed out leaves its history poller running; do not wait for it.
  setTimeout(() => process.exit(), 200).unref();
  return code;
});
