/**
 * Loaded first in each worker of a learner's run (`--import`, vitest.config.ts): the durable SDK
 * and vitest's test API are loaded, and the local checkpoint server started, while vitest is still
 * setting the worker up, instead of once the test file asks for them; the module tests then use
 * that server (local-runtime.ts). In watch mode this is done before the learner even saves
 * (workshop/warm-workers.ts). Nothing of the repository is loaded here: a file the learner can
 * edit is loaded when the run starts, never before.
 */
import { isMainThread } from "node:worker_threads";

// Node.js loads this file in the worker's threads too, the checkpoint server's included: there it
// must do nothing, or each server thread would start another server.
if (isMainThread) {
  // A worker started ahead may never run a test: it ends with the command that started it.
  process.once("disconnect", () => process.exit());
  const [{ LocalDurableTestRunner }] = await Promise.all([
    import("@aws/durable-execution-sdk-js-testing"),
    import("@aws/durable-execution-sdk-js"),
    import("vitest"),
  ]);
  process.env.WORKSHOP_SHARE_RUNTIME = "1";
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: false });
}
