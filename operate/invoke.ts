/**
 * `npm run invoke -- [options]`: starts one fraud check on the deployed durable function.
 *
 * The FraudDetection sample's `invoke-function.sh`, with the AWS SDK: the transaction comes
 * from options instead of prompts, the start is idempotent (the execution is named after the
 * transaction, `tx-<id>`), and it prints the execution's ARN and the commands to follow it.
 */
import { InvocationType, InvokeCommand } from "@aws-sdk/client-lambda";
import { Command, InvalidArgumentError } from "commander";
import { payloadLimit, SYNC_PAYLOAD_MAX_BYTES } from "./limits.ts";
import { commandLine, type Io, processIo, runCommand, runIfEntry, UsageError } from "../workshop/command.ts";
import { DEFAULT_FUNCTION, describeFailure, lambdaClient, withConnectionOptions, type ConnectionOptions } from "./connection.ts";

interface InvokeOptions extends ConnectionOptions {
  functionName: string;
  id?: number;
  amount: number;
  location: string;
  vendor: string;
  score?: number;
  executionName?: string;
  wait?: boolean;
}

const wholeNumber = (value: string): number => {
  if (!/^\d{1,15}$/.test(value.trim())) throw new InvalidArgumentError("Use a whole number, 0 or more.");
  return Number(value);
};
const amount = (value: string): number => {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < 0) throw new InvalidArgumentError("Use a number, 0 or more.");
  return number;
};
const score = (value: string): number => {
  if (!/^[0-5]$/.test(value.trim())) throw new InvalidArgumentError("Use a whole number from 0 to 5 (0 asks the risk scorer).");
  return Number(value);
};
const executionName = (value: string): string => {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new InvalidArgumentError("Use 1 to 64 letters, digits, - or _.");
  return value;
};
const functionName = (value: string): string => {
  if (!/\S/.test(value) || /\s/.test(value)) throw new InvalidArgumentError("Use a function name or ARN with a version or alias.");
  return value;
};

/** Runs the tool with `argv` (the words after `npm run invoke --`); resolves to the exit code. */
export async function invokeMain(argv: readonly string[], io: Io = processIo, now: () => number = Date.now): Promise<number> {
  let exitCode = 0;
  const command = commandLine(
    withConnectionOptions(
      new Command("npm run invoke --")
        .description("Start a fraud check of one card transaction on the deployed durable function.")
        .option("--function-name <name>", "function with its alias or version (durable functions need one)", functionName, DEFAULT_FUNCTION)
        .option("--id <number>", "transaction id (default: the current time in seconds)", wholeNumber)
        .option("--amount <number>", "amount; 5,000 to 9,999 scores 3, which asks the card holder", amount, 5000)
        .option("--location <text>", "where the card was used", "Seattle, WA")
        .option("--vendor <text>", "who charged the card", "Outdoor Gear Co")
        .option("--score <0-5>", "force a risk score instead of asking the scorer", score)
        .option("--execution-name <name>", "durable execution name, which makes the start idempotent (default: tx-<id>)", executionName)
        .option("--wait", "wait for the result (at most 15 minutes) instead of returning at once"),
    ),
    io,
  )
    .addHelpText(
      "after",
      `
Examples:
  npm run invoke -- --id 1001 --amount 6500
  npm run invoke -- --id 1002 --amount 42 --wait
  npm run invoke -- --function-name 'durable-fraud-check:$LATEST' --id 1003 --score 5`,
    )
    .action(async (options: InvokeOptions) => {
      const id = options.id ?? Math.floor(now() / 1000);
      const name = options.executionName ?? `tx-${id}`;
      const event = {
        id,
        amount: options.amount,
        location: options.location,
        vendor: options.vendor,
        ...(options.score !== undefined ? { score: options.score } : {}),
      };
      const invocationType = options.wait ? InvocationType.RequestResponse : InvocationType.Event;
      const payload = new TextEncoder().encode(JSON.stringify(event));
      const limit = payloadLimit(invocationType);
      if (payload.length > limit) {
        const how = options.wait ? "for a synchronous invoke" : `started asynchronously (${SYNC_PAYLOAD_MAX_BYTES} with --wait)`;
        throw new UsageError(
          `error: the transaction is ${payload.length} bytes, and Lambda takes ${limit} bytes at most ${how}: shorten --location or --vendor.`,
        );
      }
      const client = lambdaClient(options);
      try {
        const response = await client.send(
          new InvokeCommand({
            FunctionName: options.functionName,
            InvocationType: invocationType,
            DurableExecutionName: name,
            Payload: payload,
          }),
        );
        const arn = response.DurableExecutionArn;
        io.out(`Started durable execution ${name} on ${options.functionName} (HTTP ${response.StatusCode}).\n`);
        io.out(`Transaction: ${JSON.stringify(event)}\n`);
        if (!arn) {
          io.err("Lambda returned no durable execution ARN: is the function durable, and qualified with an alias or version?\n");
          exitCode = 1;
          return;
        }
        io.out(`Execution ARN: ${arn}\n`);
        if (options.wait) {
          const result = new TextDecoder().decode(response.Payload ?? new Uint8Array());
          io.out(`${response.FunctionError ? `Function error (${response.FunctionError})` : "Result"}: ${result}\n`);
          if (response.FunctionError) exitCode = 1;
        }
        io.out(
          [
            "",
            "Follow it with the AWS CLI (after aws configure add-model, see modules/10-operate/README.md):",
            `  aws durable-lambda get-durable-execution --durable-execution-arn '${arn}'`,
            `  aws durable-lambda get-durable-execution-history --durable-execution-arn '${arn}' --query 'Events[?EventType==\`CallbackStarted\`].CallbackStartedDetails.CallbackId' --output text`,
            "Invoking again with the same execution name returns this execution instead of starting another.",
            "",
          ].join("\n"),
        );
      } catch (error) {
        io.err(`${describeFailure(`Invoking ${options.functionName}`, error)}\n`);
        exitCode = 1;
      } finally {
        client.destroy();
      }
    });
  const parsed = await runCommand(command, argv, io);
  return parsed || exitCode;
}

await runIfEntry(import.meta.url, invokeMain);
