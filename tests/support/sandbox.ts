/**
 * In-process test set-up for the operate tools: dummy credentials, a fixed region, no
 * shared AWS config, no instance metadata, and an `Io` that collects what the tool prints.
 */
import { join } from "node:path";
import { tmpdir } from "node:os";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { vi } from "vitest";
import type { Io } from "../../workshop/command.ts";

/** Replaces every `AWS_*` variable with test values for the current test (undo with `vi.unstubAllEnvs`). */
export function stubAwsEnv(overrides: Record<string, string | undefined> = {}): void {
  for (const key of Object.keys(process.env)) if (/^AWS_/i.test(key)) vi.stubEnv(key, undefined);
  const nowhere = join(tmpdir(), "workshop-no-aws-config");
  const values: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: "AKIDWORKSHOPTEST",
    AWS_SECRET_ACCESS_KEY: "workshop-test-secret",
    AWS_REGION: "eu-west-1",
    AWS_CONFIG_FILE: join(nowhere, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(nowhere, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...overrides,
  };
  for (const [key, value] of Object.entries(values)) vi.stubEnv(key, value);
}

export interface CapturedIo extends Io {
  stdout: string;
  stderr: string;
}

export function captureIo(): CapturedIo {
  const io: CapturedIo = {
    stdout: "",
    stderr: "",
    out: (text) => {
      io.stdout += text;
    },
    err: (text) => {
      io.stderr += text;
    },
  };
  return io;
}

/** An SDK client for a local endpoint on 127.0.0.1: any credentials do, and a failure is not retried. */
export const localClient = (url: string): LambdaClient =>
  new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    maxAttempts: 1,
  });
