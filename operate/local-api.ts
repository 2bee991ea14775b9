/**
 * `npm run local-api -- [--module NN] [--solution] [--port P]`: a local stand-in for the
 * Lambda durable-execution API, on 127.0.0.1, for practising module 10 without an AWS account.
 *
 * The AWS CLI (`aws durable-lambda ... --endpoint-url http://127.0.0.1:9090`), `npm run invoke`
 * and `npm run callback` (`--endpoint-url`) and any `@aws-sdk/client-lambda` code talk to it as
 * they talk to Lambda. Each execution runs a workflow's `handler.ts` on the testing SDK's
 * local durable runtime, in real time; VERIFICATION_TIMEOUT_SECONDS and REVIEW_HOLD_SECONDS
 * shorten the day-long waits. It takes what Lambda takes (payloads up to 1 MB started
 * asynchronously and 6 MB synchronously, callback results up to 256 KB, one answer per
 * callback) and keeps, in memory, every running execution and the last 100 ended ones.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { commandLine, type Io, moduleListHelp, processIo, runIfEntry, UsageError } from "../workshop/command.ts";
import { captureDurableLogs } from "../workshop/durable-logs.ts";
import { FUNCTION_NAME } from "../workshop/manifest.ts";
import { ALIAS, LATEST } from "./local-api/names.ts";
import { MAX_ENDED_EXECUTIONS } from "./local-api/registry.ts";
import { HOST, startLocalApi, type LocalApi } from "./local-api/server.ts";
import { shutdown } from "./local-api/shutdown.ts";
import { loadWorkflow } from "../workshop/workflow-loader.ts";
import { durations, executionTimeoutSeconds, workflowFor } from "./local-api/workflow.ts";

export const DEFAULT_PORT = 9090;

const port = (value: string): number => {
  const number = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || number > 65_535)
    throw new InvalidArgumentError("Use a port number from 0 to 65535 (0 picks a free one).");
  return number;
};

interface Options {
  module?: string;
  solution?: boolean;
  port: number;
  functionName: string;
}

export function localApiCommand(): Command {
  return new Command("npm run local-api --")
    .description(
      "Serve the Lambda durable-execution API on 127.0.0.1, for practising module 10 without an AWS account.\n" +
        "Each execution runs a workflow's handler.ts on the local durable runtime, in real time.",
    )
    .option("-m, --module <module>", "run your code of this module (1, 01 or slug) instead of the finished workflow")
    .option("--solution", "with --module: run the module's solution instead of your code")
    .option("-p, --port <port>", `port on ${HOST} (0 picks a free one and prints it)`, port, DEFAULT_PORT)
    .option("--function-name <name>", "the function name to answer to", FUNCTION_NAME)
    .addHelpText(
      "after",
      `${moduleListHelp()}

Environment:
  VERIFICATION_TIMEOUT_SECONDS  how long the card holder has to answer (default 86400, one day)
  REVIEW_HOLD_SECONDS           module 05's review hold (default 86400)

Examples:
  npm run local-api
  VERIFICATION_TIMEOUT_SECONDS=60 npm run local-api
  npm run local-api -- --module 06 --port 0

Then, in another terminal (any credentials do; the endpoint does not check them):
  aws durable-lambda invoke --endpoint-url http://${HOST}:${DEFAULT_PORT} --function-name '${FUNCTION_NAME}:${ALIAS}' ...
  npm run invoke -- --endpoint-url http://${HOST}:${DEFAULT_PORT} --region us-east-1 --id 1001 --amount 6500

It keeps, in memory only, every running execution and the last ${MAX_ENDED_EXECUTIONS} that have ended;
older ones read as not found, as after their retention period on Lambda.
Ctrl+C stops the endpoint and lists the executions still running, which are lost.`,
    );
}

function startupMessage(api: LocalApi, label: string, verification: number, reviewHold: number): string {
  return [
    `Local durable-lambda endpoint on ${api.url}`,
    `Function ${api.functionName} (alias ${ALIAS} -> version 1, and ${LATEST}) runs ${label} on the local durable runtime, in real time.`,
    `The card holder has ${verification} s to answer (VERIFICATION_TIMEOUT_SECONDS); the review hold is ${reviewHold} s (REVIEW_HOLD_SECONDS).`,
    `Point the AWS CLI or SDK here with --endpoint-url ${api.url} (dummy credentials are fine).`,
    "Ctrl+C stops it; executions still running are listed, then lost.",
    "",
  ].join("\n");
}

/**
 * Starts the endpoint with `argv` (the words after `npm run local-api --`). Resolves to 0 once it
 * listens (it serves until Ctrl+C), or to the exit code of what stopped it from starting.
 */
export async function localApiMain(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = commandLine(localApiCommand(), io);
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const options = program.opts<Options>();

  let api: LocalApi;
  const stamp = () => new Date().toISOString().slice(11, 19);
  let label = "the workflow";
  try {
    const { verification, reviewHold } = durations();
    const workflow = workflowFor(options);
    label = workflow.label;
    api = await startLocalApi({
      ...(await loadWorkflow(workflow)),
      port: options.port,
      functionName: options.functionName,
      executionTimeoutSeconds: () => executionTimeoutSeconds(),
      log: (line) => io.out(`${stamp()} ${line}\n`),
    });
    io.out(startupMessage(api, workflow.label, verification, reviewHold));
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && "code" in error && error.code === "EADDRINUSE") {
      io.err(`error: Port ${options.port} on ${HOST} is in use: pass --port with another number, or --port 0 for a free one.\n`);
      return 1;
    }
    io.err(`error: Could not start the local endpoint with ${label}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }

  // The workflow's context.logger lines, one short line each, with the execution's name.
  captureDurableLogs((line) => {
    const execution = typeof line.executionArn === "string" ? api.registry.byRuntimeId(line.executionArn) : undefined;
    io.out(`${stamp()} ${execution?.identity.name ?? "?"} log ${line.level}: ${line.message ?? ""}\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    io.out(`\n${signal}: stopping.\n`);
    void shutdown(api, (text) => io.out(text)).finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return 0;
}

await runIfEntry(import.meta.url, localApiMain);
