/**
 * What `npm run invoke` and `npm run callback` share: the options that say where Lambda is,
 * the client built from them, and one-line error messages.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { type Command, InvalidArgumentError, Option } from "commander";
import { FUNCTION_NAME } from "../workshop/manifest.ts";
import { ALIAS } from "./local-api/names.ts";

/**
 * The alias the deploy module publishes. `--function-name` defaults to it; pass the
 * `FunctionName` output of `npm run deploy` (plus `:live`) if your function has another name.
 */
export const DEFAULT_FUNCTION = `${FUNCTION_NAME}:${ALIAS}`;

export interface ConnectionOptions {
  region?: string;
  endpointUrl?: string;
  profile?: string;
}

/** Adds `--region`, `--profile` and `--endpoint-url` to a command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option("--region <region>", "AWS region of the function (default: AWS_REGION or your profile's region)")
    .option("--profile <name>", "named profile from your AWS config (default: AWS_PROFILE or default)")
    .addOption(
      new Option("--endpoint-url <url>", "send requests here instead of the Lambda endpoint (tests use a local server)").argParser(
        (value: string) => {
          if (!/^https?:\/\/[^\s/]+/.test(value)) throw new InvalidArgumentError("Use an http(s) URL.");
          return value;
        },
      ),
    );
}

export function lambdaClient({ region, endpointUrl, profile }: ConnectionOptions): LambdaClient {
  return new LambdaClient({
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    ...(endpointUrl ? { endpoint: endpointUrl } : {}),
    maxAttempts: 2,
  });
}

/** One line that says what went wrong talking to Lambda, and what to do about the usual causes. */
export function describeFailure(action: string, error: unknown): string {
  const name = error instanceof Error ? error.name : "Error";
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
  if (/region is missing/i.test(message)) {
    return `${action} failed: no AWS region. Pass --region or set AWS_REGION.`;
  }
  if (/could not load credentials|credential/i.test(message) && name !== "AccessDeniedException") {
    return `${action} failed: no AWS credentials (${message}). Run aws configure, or set AWS_PROFILE.`;
  }
  return `${action} failed: ${name}: ${message}`;
}
