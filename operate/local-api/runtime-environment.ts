/**
 * The testing SDK's local runtime is set up once per process (its checkpoint server runs
 * in a worker thread). Several endpoints in one process (tests) share it; the last one to
 * close tears it down.
 *
 * Time runs for real: `skipTime: false`. Skipping time installs fake timers on the whole
 * process, which would also move the clock of the HTTP server, of the timestamps the API
 * returns and filters on, and of any client in the same process; and callback timeouts are
 * not skipped anyway (they run in the worker). Long waits are made short by configuration
 * instead: VERIFICATION_TIMEOUT_SECONDS, REVIEW_HOLD_SECONDS.
 */
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";

let users = 0;
let setup: Promise<void> | undefined;

export async function acquireRuntime(): Promise<void> {
  users += 1;
  setup ??= LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
  await setup;
}

export async function releaseRuntime(): Promise<void> {
  users -= 1;
  if (users > 0) return;
  users = 0;
  setup = undefined;
  await LocalDurableTestRunner.teardownTestEnvironment();
}
