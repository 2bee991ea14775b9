/**
 * `npm run callback -- <approve|decline|fail|heartbeat> --callback-id <id>`: answers a
 * verification callback of a running fraud check, as the card holder would.
 *
 * The FraudDetection sample's `send-callback.sh`, with the AWS SDK: no shell, no prompts,
 * and an approval that really says `{"approved":true}` (a decline says `false`).
 */
import { Argument, Command, InvalidArgumentError } from "commander";
import {
  answerCommand,
  answerPayload,
  answers,
  CALLBACK_ID,
  checkAnswer,
  DEFAULT_FAILURE_MESSAGE,
  FAILURE_TYPE,
  type Answer,
} from "./answers.ts";
import { commandLine, type Io, processIo, runCommand, runIfEntry, UsageError } from "../workshop/command.ts";
import { describeFailure, lambdaClient, withConnectionOptions, type ConnectionOptions } from "./connection.ts";

interface CallbackOptions extends ConnectionOptions {
  callbackId: string;
  message: string;
}

const parseCallbackId = (value: string): string => {
  if (!CALLBACK_ID.test(value)) throw new InvalidArgumentError("A callback id is base64 text, as get-durable-execution-history prints it.");
  return value;
};

const what: Record<Answer, string> = {
  approve: `success ${answerPayload(true)}`,
  decline: `success ${answerPayload(false)}`,
  fail: `failure ${FAILURE_TYPE}`,
  heartbeat: "heartbeat",
};

/** Runs the tool with `argv` (the words after `npm run callback --`); resolves to the exit code. */
export async function callbackMain(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const command = commandLine(
    withConnectionOptions(
      new Command("npm run callback --")
        .description("Answer a verification callback of a running fraud check, as the card holder.")
        .addArgument(
          new Argument(
            "<answer>",
            "approve or decline (the card holder's answer), fail (the channel failed), heartbeat (still waiting)",
          ).choices(answers),
        )
        .requiredOption("--callback-id <id>", "the callback to answer, from the CallbackStarted events of the history", parseCallbackId)
        .option("--message <text>", "for fail: the error message the workflow receives", DEFAULT_FAILURE_MESSAGE),
    ),
    io,
  )
    .addHelpText(
      "after",
      `
Examples:
  npm run callback -- approve --callback-id 'Y2ItZW1haWwtdHgtMTAwMS0zZjZjMWUyYQ=='
  npm run callback -- decline --callback-id 'Y2ItZW1haWwtdHgtMTAwMS0zZjZjMWUyYQ=='
  npm run callback -- fail --callback-id 'Y2Itc21zLXR4LTEwMDEtM2Y2YzFlMmE=' --message 'SMS undeliverable'`,
    )
    .action(async (answer: Answer, options: CallbackOptions) => {
      const refused = checkAnswer(answer, options.message);
      if (refused) throw new UsageError(`error: ${refused}`);
      const client = lambdaClient(options);
      try {
        await client.send(answerCommand(options.callbackId, answer, options.message));
        io.out(`Sent ${what[answer]} to callback ${options.callbackId}.\n`);
      } catch (error) {
        io.err(`${describeFailure(`Sending ${answer}`, error)}\n`);
        exitCode = 1;
      } finally {
        client.destroy();
      }
    });
  const parsed = await runCommand(command, argv, io);
  return parsed || exitCode;
}

await runIfEntry(import.meta.url, callbackMain);
