/**
 * The claims the guides make about how the durable SDK behaves, each shown on the local runner.
 *
 * The handlers are written here, small and free of the fraud domain, so that a failure names
 * the SDK behaviour that changed rather than a workflow bug. Read the test names as sentences
 * from the guides: when one fails, the guide that makes that claim needs a second look.
 */
import type { Event } from "@aws-sdk/client-lambda";
import {
  BatchItemStatus,
  CallbackError,
  CallbackSubmitterError,
  createRetryStrategy,
  JitterStrategy,
  StepError,
  StepSemantics,
  withDurableExecution,
  type BatchResult,
  type DurableContext,
  type DurableLambdaHandler,
  type MapConfig,
} from "@aws/durable-execution-sdk-js";
import {
  LocalDurableTestRunner,
  OperationStatus,
  OperationType,
  WaitingOperationStatus,
  type DurableOperation,
  type TestResult,
} from "@aws/durable-execution-sdk-js-testing";
import { describe, expect, it, vi } from "vitest";
import { payments } from "../fraud/payments.ts";
import { useLocalRuntime } from "../workshop/testing/local-runtime.ts";

/** How long a callback in these tests may stay open; callback timeouts run on real time. */
const CALLBACK_TIMEOUT_SECONDS = 3;

/** Retries after exactly 1 s each (no jitter, no backoff): the shortest delay a strategy can give. */
const oneSecondRetries = (maxAttempts: number) =>
  createRetryStrategy({ maxAttempts, initialDelay: { seconds: 1 }, backoffRate: 1, jitter: JitterStrategy.NONE });

/** Starts one execution of `handler`; `finished` resolves when it ends, whatever its status. */
function start<T>(handler: DurableLambdaHandler, payload: unknown = {}) {
  const runner = new LocalDurableTestRunner<T>({ handlerFunction: handler });
  const began = Date.now();
  const finished = runner.run({ payload }).then((execution) => ({ execution, seconds: (Date.now() - began) / 1000 }));
  return { runner, finished };
}

/** The result of a succeeded execution, or a failed assertion that says why there is none. */
function resultOf<T>(execution: TestResult<T>, what: string): T {
  const status = execution.getStatus();
  if (status !== "SUCCEEDED") {
    const error = status === "FAILED" ? execution.getError() : undefined;
    expect.fail(`${what}: the execution ended ${status}${error ? ` (${error.errorType}: ${error.errorMessage})` : ""}`);
  }
  return execution.getResult() as T;
}

/** The unnamed CALLBACK operation inside a `waitForCallback` (a CONTEXT operation). */
function callbackInside(waitForCallback: DurableOperation): DurableOperation | undefined {
  return waitForCallback.getChildOperations()?.find((child) => child.getType() === OperationType.CALLBACK);
}

/** What a handler can return about a batch: the BatchResult itself has methods, so it is summarised. */
function summarise(batch: BatchResult<unknown>) {
  return {
    completionReason: batch.completionReason,
    status: batch.status,
    successCount: batch.successCount,
    failureCount: batch.failureCount,
    startedCount: batch.startedCount,
    items: batch.all.map((item) => item.status),
    results: batch.getResults(),
  };
}
type BatchSummary = ReturnType<typeof summarise>;

/** A parallel branch that fails at once. */
const failsAtOnce = {
  name: "fails-at-once",
  func: async () => {
    throw new Error("this branch fails at once");
  },
};

/** A parallel branch that waits on a callback named `callbackName`, answered (or not) by the test. */
const waitsFor = (callbackName: string) => ({
  name: `waits-for-${callbackName}`,
  func: async (context: DurableContext) =>
    context.waitForCallback(callbackName, async () => {}, { timeout: { seconds: CALLBACK_TIMEOUT_SECONDS } }),
});

describe.concurrent("SDK claims on real time", () => {
  useLocalRuntime({ skipTime: false, concurrent: true });

  it("parallel with no completion config ends at the first failed branch and returns a batch while the other branch still waits", async () => {
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      summarise(await context.parallel("both", [failsAtOnce, waitsFor("approval")])),
    );
    const { runner, finished } = start<BatchSummary>(handler);
    const { execution } = await finished;

    const batch = resultOf(execution, "parallel should return a batch, not throw");
    expect(batch.completionReason, "the failed branch should end the parallel").toBe("FAILURE_TOLERANCE_EXCEEDED");
    expect(batch.status, "a batch with a failed branch is FAILED").toBe(BatchItemStatus.FAILED);
    expect(batch.items, "the waiting branch should still be STARTED in the batch").toEqual([
      BatchItemStatus.FAILED,
      BatchItemStatus.STARTED,
    ]);
    const callback = callbackInside(runner.getOperation("approval"));
    expect(callback?.getStatus(), "the callback should still be open when the execution ends").toBe(OperationStatus.STARTED);
  });

  it("with minSuccessful 1 a failed branch does not end the parallel: a success sent later to another branch wins", async () => {
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      summarise(
        await context.parallel("first-success", [failsAtOnce, waitsFor("approval"), waitsFor("second-opinion")], {
          completionConfig: { minSuccessful: 1 },
        }),
      ),
    );
    const { runner, finished } = start<BatchSummary>(handler);
    const approval = await runner.getOperation("approval").waitForData(WaitingOperationStatus.SUBMITTED);
    const failed = await runner.getOperation("fails-at-once").waitForData(WaitingOperationStatus.COMPLETED);
    expect(failed.getStatus(), "the first branch should have failed before the answer is sent").toBe(OperationStatus.FAILED);
    await approval.sendCallbackSuccess("approved");
    const { execution } = await finished;

    const batch = resultOf(execution, "parallel should return a batch");
    expect(batch.completionReason, "the success sent after the failure should complete the parallel").toBe("MIN_SUCCESSFUL_REACHED");
    expect(batch.results, "the answer sent to the waiting branch should be its result").toEqual(["approved"]);
    expect(batch.items, "failed, succeeded, and the unanswered branch still STARTED").toEqual([
      BatchItemStatus.FAILED,
      BatchItemStatus.SUCCEEDED,
      BatchItemStatus.STARTED,
    ]);
    expect(batch.status, "a batch with a failed branch is FAILED even when minSuccessful is reached").toBe(BatchItemStatus.FAILED);
  });

  it("completionReason says what ended the batch: when the success is the last branch to finish it is ALL_COMPLETED, not MIN_SUCCESSFUL_REACHED", async () => {
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      summarise(await context.parallel("last-success", [failsAtOnce, waitsFor("approval")], { completionConfig: { minSuccessful: 1 } })),
    );
    const { runner, finished } = start<BatchSummary>(handler);
    const approval = await runner.getOperation("approval").waitForData(WaitingOperationStatus.SUBMITTED);
    await runner.getOperation("fails-at-once").waitForData(WaitingOperationStatus.COMPLETED);
    await approval.sendCallbackSuccess("approved");
    const { execution } = await finished;

    const batch = resultOf(execution, "parallel should return a batch");
    expect([batch.successCount, batch.failureCount], "one branch succeeded and one failed").toEqual([1, 1]);
    expect(batch.results, "the answer sent to the waiting branch should be its result").toEqual(["approved"]);
    expect(batch.completionReason, "every branch had finished, and that reason comes first").toBe("ALL_COMPLETED");
  });

  it("with minSuccessful 1 and every branch failing, parallel returns a failed batch instead of throwing", async () => {
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      summarise(await context.parallel("all-fail", [failsAtOnce, waitsFor("approval")], { completionConfig: { minSuccessful: 1 } })),
    );
    const { runner, finished } = start<BatchSummary>(handler);
    const approval = await runner.getOperation("approval").waitForData(WaitingOperationStatus.SUBMITTED);
    await approval.sendCallbackFailure({ ErrorType: "Declined", ErrorMessage: "the reviewer said no" });
    const { execution } = await finished;

    const batch = resultOf(execution, "parallel should return a failed batch, not throw");
    expect(batch.status, "every branch failed, so the batch is FAILED").toBe(BatchItemStatus.FAILED);
    expect([batch.successCount, batch.failureCount], "both branches should be counted as failed").toEqual([0, 2]);
    expect(
      batch.completionReason,
      "minSuccessful sets no failure tolerance, so failures never end it early: it ends when every branch has finished",
    ).toBe("ALL_COMPLETED");
  });

  it("every retry delay ends the invocation: two 1 s retries make three invocations and three runs of the step", async () => {
    let runs = 0;
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      context.step(
        "flaky",
        async () => {
          runs += 1;
          if (runs < 3) throw new Error(`attempt ${runs} fails`);
          return runs;
        },
        { retryStrategy: oneSecondRetries(3) },
      ),
    );
    const { execution } = await start<number>(handler).finished;

    expect(resultOf(execution, "the third attempt should succeed"), "the step's result comes from its third run").toBe(3);
    expect(runs, "the step should run once per attempt").toBe(3);
    expect(execution.getInvocations(), "each retry delay should end the invocation and start a new one").toHaveLength(3);
  });

  it("waitForCondition ends the invocation at every wait between checks, and hands each check the state the last one returned", async () => {
    const seen: number[] = [];
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      context.waitForCondition(
        "poll",
        async (state: { checks: number }) => {
          seen.push(state.checks);
          return { checks: state.checks + 1 };
        },
        {
          initialState: { checks: 0 },
          waitStrategy: (state) => (state.checks >= 3 ? { shouldContinue: false } : { shouldContinue: true, delay: { seconds: 1 } }),
        },
      ),
    );
    const { execution } = await start<{ checks: number }>(handler).finished;

    expect(resultOf(execution, "the polling should end"), "the final state").toEqual({ checks: 3 });
    expect(seen, "each check gets the state the one before returned, across invocations").toEqual([0, 1, 2]);
    expect(execution.getInvocations().length, "one invocation per check: each 1 s wait ends one").toBe(3);
    const operations = execution.getOperations();
    expect(
      operations.map((operation) => [operation.getType(), operation.getSubType()]),
      "the whole polling is one operation",
    ).toEqual([["STEP", "WaitForCondition"]]);
  });

  it("a child context that has completed does not run again on replay: its function runs once across two invocations", async () => {
    let runs = 0;
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const group = await context.runInChildContext("group", async (child) => {
        runs += 1;
        return child.step("inside", async () => "done");
      });
      await context.wait({ seconds: 1 });
      return group;
    });
    const { execution } = await start<string>(handler).finished;

    expect(resultOf(execution, "the execution should succeed"), "the group's result").toBe("done");
    expect(execution.getInvocations().length, "the wait ends the first invocation").toBe(2);
    expect(runs, "the group's function ran in the first invocation only").toBe(1);
  });

  it("invoke waits for another durable function's execution without running, and throws an InvokeError when that one fails", async () => {
    const target = withDurableExecution(async (event: { fail: boolean }, context: DurableContext) =>
      context.step(
        "work",
        async () => {
          if (event.fail) throw new Error("the target failed");
          return "ok";
        },
        { retryStrategy: () => ({ shouldRetry: false }) },
      ),
    );
    const caller = withDurableExecution(async (event: { fail: boolean }, context: DurableContext) => {
      try {
        return await context.invoke("call", "target-function", event);
      } catch (error) {
        return { caught: error instanceof Error ? error.name : String(error), message: error instanceof Error ? error.message : "" };
      }
    });
    const run = async (fail: boolean) => {
      const runner = new LocalDurableTestRunner({ handlerFunction: caller });
      runner.registerDurableFunction("target-function", target);
      return runner.run({ payload: { fail } });
    };
    const [succeeded, failed] = await Promise.all([run(false), run(true)]);

    expect(resultOf(succeeded, "the caller should succeed"), "the target's result").toBe("ok");
    expect(succeeded.getOperations()[0]?.getType(), "one CHAINED_INVOKE operation").toBe(OperationType.CHAINED_INVOKE);
    expect(succeeded.getInvocations().length, "the caller's invocation ends while the target runs").toBe(2);
    expect(resultOf(failed, "the caller should catch the failure"), "what the caller caught").toEqual({
      caught: "InvokeError",
      message: "the target failed",
    });
  });

  it("an awaited createCallback throws CallbackExternalError for a failure sent to it, and CallbackTimeoutError when no answer comes in time", async () => {
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const [answer] = await context.createCallback("answer", { timeout: { seconds: 1 } });
      try {
        return await answer;
      } catch (error) {
        return error instanceof Error ? error.name : String(error);
      }
    });
    const refused = start<string>(handler);
    const callback = await refused.runner.getOperation("answer").waitForData(WaitingOperationStatus.STARTED);
    await callback.sendCallbackFailure({ ErrorType: "Refused", ErrorMessage: "no" });
    const [failed, silent] = await Promise.all([refused.finished, start<string>(handler).finished]);

    expect(resultOf(failed.execution, "the failure should be caught"), "a failure sent").toBe("CallbackExternalError");
    expect(resultOf(silent.execution, "the timeout should be caught"), "no answer in 1 s").toBe("CallbackTimeoutError");
  });

  it("a checkpointed step does not run again on replay: a step before a 1 s wait runs once across two invocations", async () => {
    let runs = 0;
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const value = await context.step("once", async () => {
        runs += 1;
        return "scored";
      });
      await context.wait("pause", { seconds: 1 });
      return value;
    });
    const { execution } = await start<string>(handler).finished;

    expect(resultOf(execution, "the execution should finish after the wait"), "the replay reads the checkpointed result").toBe("scored");
    expect(execution.getInvocations(), "the wait should end the first invocation").toHaveLength(2);
    expect(runs, "the replay should take the step's result from the checkpoint, not run it again").toBe(1);
  });

  it("a step's result is JSON round-tripped even on the first run: a Date comes back as a string", async () => {
    const when = new Date("2026-01-02T03:04:05.000Z");
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const value: unknown = await context.step("now", async () => when);
      return { type: typeof value, isDate: value instanceof Date, value };
    });
    const { execution } = await start<{ type: string; isDate: boolean; value: unknown }>(handler).finished;

    const seen = resultOf(execution, "the step should succeed");
    expect(execution.getInvocations(), "no replay happened: this is the first run").toHaveLength(1);
    expect(seen.isDate, "the step should not hand back a Date").toBe(false);
    expect(seen.type, "the Date should come back as its JSON form").toBe("string");
    expect(seen.value, "the string is the Date's ISO form").toBe(when.toISOString());
  });

  it("a step's result that JSON cannot carry comes back changed: a Map becomes {}, undefined fields vanish, methods are lost", async () => {
    class Money {
      readonly cents: number;
      constructor(cents: number) {
        this.cents = cents;
      }
      euros(): number {
        return this.cents / 100;
      }
    }
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const map: unknown = await context.step("map", async () => new Map([["a", 1]]));
      const partial: unknown = await context.step("partial", async () => ({ kept: 1, dropped: undefined }));
      const money: unknown = await context.step("money", async () => new Money(250));
      return {
        mapIsMap: map instanceof Map,
        map,
        partialKeys: Object.keys(partial as object),
        moneyIsMoney: money instanceof Money,
        moneyHasEuros: typeof (money as { euros?: unknown }).euros === "function",
        money,
      };
    });
    const { execution } = await start<Record<string, unknown>>(handler).finished;

    const seen = resultOf(execution, "the steps should succeed");
    expect(seen.mapIsMap, "the step should not hand back a Map").toBe(false);
    expect(seen.map, "new Map([['a', 1]]) should come back as an empty object").toEqual({});
    expect(seen.partialKeys, "a field holding undefined should be gone").toEqual(["kept"]);
    expect(seen.moneyIsMoney, "a class instance should come back a plain object").toBe(false);
    expect(seen.moneyHasEuros, "the instance's methods should be lost").toBe(false);
    expect(seen.money, "only its own data should survive").toEqual({ cents: 250 });
  });

  it("with a retryStrategy of one attempt, a failing submitter makes waitForCallback throw a CallbackSubmitterError", async () => {
    let calls = 0;
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      try {
        await context.waitForCallback(
          "approval",
          async () => {
            calls += 1;
            throw new Error("the reviewer's queue is down");
          },
          { timeout: { seconds: CALLBACK_TIMEOUT_SECONDS }, retryStrategy: createRetryStrategy({ maxAttempts: 1 }) },
        );
        return { threw: false };
      } catch (error) {
        return {
          threw: true,
          name: (error as Error).constructor.name,
          isSubmitterError: error instanceof CallbackSubmitterError,
          isCallbackError: error instanceof CallbackError,
          message: (error as Error).message,
          causeIsStepError: (error as Error).cause instanceof StepError,
        };
      }
    });
    const { execution } = await start<Record<string, unknown>>(handler).finished;

    const seen = resultOf(execution, "the handler catches the error");
    expect(seen.threw, "waitForCallback should throw when the submitter gives up").toBe(true);
    expect(seen.isSubmitterError, `waitForCallback threw ${String(seen.name)}, expected a CallbackSubmitterError`).toBe(true);
    expect(seen.isCallbackError, "a CallbackSubmitterError is a CallbackError").toBe(true);
    expect(seen.message, "the submitter's own message is kept").toBe("the reviewer's queue is down");
    expect(seen.causeIsStepError, "its cause is the submitter step's StepError").toBe(true);
    expect(calls, "one attempt: the submitter runs once").toBe(1);
  });

  it("steps are at-least-once: a retry runs the whole step again, so a step that charges and then throws charges twice, even with AtMostOncePerRetry", async () => {
    // Each semantics gets its own transaction, so the two executions can run at the same time.
    const charged = async (id: number, semantics?: StepSemantics) => {
      const label = semantics ?? "default semantics";
      const transaction = { id, amount: 120, location: "Oslo", vendor: "Bakery" };
      let runs = 0;
      const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
        context.step(
          "charge",
          async () => {
            runs += 1;
            await payments.authorize(transaction);
            if (runs === 1) throw new Error("the response was lost after the charge");
            return "charged";
          },
          { semantics, retryStrategy: oneSecondRetries(2) },
        ),
      );
      const { execution } = await start<string>(handler).finished;
      expect(resultOf(execution, `${label}: the retry should succeed`), `${label}: the second attempt's result`).toBe("charged");
      return payments.callsFor("authorize", id).map((call) => call.duplicate);
    };
    const [atLeastOnce, atMostOnce] = await Promise.all([charged(970_001), charged(970_002, StepSemantics.AtMostOncePerRetry)]);

    expect(
      atLeastOnce,
      "default semantics: the charge ran on both attempts, and the payment system saw the second as a duplicate key",
    ).toEqual([false, true]);
    expect(atMostOnce, "AtMostOncePerRetry is per attempt: a retry after a throw still charges again").toEqual([false, true]);
  });
});

// Not `describe.concurrent`: sibling concurrent suites run at the same time in vitest, and the
// runtime (one per process) cannot be on real time and skipped time at once. Its tests run one
// after the other: the jitter test mocks Math.random, which every retry decision reads.
describe("SDK claims with time skipped", () => {
  useLocalRuntime({ skipTime: true, concurrent: true });

  it("retry delays have full jitter: an 8 s delay is recorded as 2 s when Math.random gives 0.25, and never under 1 s", async () => {
    // Each retry decision draws Math.random once; the two steps run one after the other.
    const random = vi.spyOn(Math, "random").mockReturnValueOnce(0.25).mockReturnValueOnce(0);
    try {
      const failsOnce = (name: string) => {
        let runs = 0;
        return async (context: DurableContext) =>
          context.step(
            name,
            async () => {
              runs += 1;
              if (runs === 1) throw new Error("first attempt fails");
              return "ok";
            },
            { retryStrategy: createRetryStrategy({ maxAttempts: 2, initialDelay: { seconds: 8 } }) },
          );
      };
      const [quarter, zero] = [failsOnce("draws-0.25"), failsOnce("draws-0")];
      const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => [
        await quarter(context),
        await zero(context),
      ]);
      const { execution } = await start<string[]>(handler).finished;

      expect(resultOf(execution, "both steps should succeed on their second attempt"), "both retries ran").toEqual(["ok", "ok"]);
      expect(random, "one draw per retry decision").toHaveBeenCalledTimes(2);
      const delayOf = (name: string) =>
        execution.getHistoryEvents().find((event: Event) => event.EventType === "StepFailed" && event.Name === name)?.StepFailedDetails
          ?.RetryDetails?.NextAttemptDelaySeconds;
      expect(delayOf("draws-0.25"), "full jitter: 0.25 × 8 s = 2 s, not the 8 s configured").toBe(2);
      expect(delayOf("draws-0"), "a jittered delay of 0 s is raised to the 1 s minimum").toBe(1);
    } finally {
      random.mockRestore();
    }
  });

  /** A map over `count` items, each a step that records its index, the first `failing` ones failing at once. */
  function mapHandler(count: number, failing: number, done: number[], config: MapConfig<number, number>) {
    return withDurableExecution(async (_event: unknown, context: DurableContext) =>
      summarise(
        await context.map(
          "batch",
          Array.from({ length: count }, (_, index) => index),
          async (item, index) => {
            if (index < failing) throw new Error(`item ${index} fails at once`);
            return item.step(`work-${index}`, async () => {
              for (let turn = 0; turn < 3; turn++) await Promise.resolve();
              done.push(index);
              return index;
            });
          },
          config,
        ),
      ),
    );
  }

  it("map with no completion config ends at the first failed item: later items never start, and map returns the batch instead of throwing", async () => {
    const done: number[] = [];
    const { execution } = await start<BatchSummary>(mapHandler(8, 1, done, { maxConcurrency: 2 })).finished;

    const batch = resultOf(execution, "map should return a batch, not throw");
    expect(batch.completionReason, "the failed item should end the map").toBe("FAILURE_TOLERANCE_EXCEEDED");
    expect(batch.status, "a batch with a failed item is FAILED").toBe(BatchItemStatus.FAILED);
    expect(done.length, "items after the failure should never start").toBeLessThan(7);
    expect(batch.items.length, "items never started are not in the batch at all").toBeLessThan(8);
  });

  it("context.promise.allSettled starts every promise at once, with no limit, and records itself as one child context", async () => {
    let inFlight = 0;
    let most = 0;
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) => {
      const work = (index: number) =>
        context.step(`work-${index}`, async () => {
          most = Math.max(most, ++inFlight);
          for (let turn = 0; turn < 3; turn++) await Promise.resolve();
          inFlight -= 1;
          return index;
        });
      const settled = await context.promise.allSettled("all-of-them", [0, 1, 2, 3, 4, 5, 6, 7].map(work));
      return settled.map((result) => result.status);
    });
    const { execution } = await start<string[]>(handler).finished;

    expect(resultOf(execution, "allSettled should settle"), "every step fulfilled").toEqual(Array(8).fill("fulfilled"));
    expect(most, "all eight steps were in progress together").toBe(8);
    const combinator = execution.getOperations().find((operation) => operation.getName() === "all-of-them");
    expect([combinator?.getType(), combinator?.getSubType()], "one operation for the combinator").toEqual(["CONTEXT", "RunInChildContext"]);
  });

  it("a map that stops early lists items still running as STARTED, though their steps may have done their work", async () => {
    const done: number[] = [];
    const config = { maxConcurrency: 5, completionConfig: { toleratedFailureCount: 2 } };
    const { execution } = await start<BatchSummary>(mapHandler(10, 3, done, config)).finished;

    const batch = resultOf(execution, "map should return a batch, not throw");
    expect(batch.completionReason, "a third failure is one more than tolerated").toBe("FAILURE_TOLERANCE_EXCEEDED");
    const started = batch.items.flatMap((status, index) => (status === BatchItemStatus.STARTED ? [index] : []));
    expect(started.length, "items in flight when the map stopped are STARTED").toBeGreaterThan(0);
    expect(
      started.filter((index) => done.includes(index)).length,
      "an item listed STARTED whose step nevertheless ran: the batch does not know its outcome",
    ).toBeGreaterThan(0);
  });

  it("a replay under changed code fails with NonDeterministicExecutionError where a name or type differs, after running a step put in the way", async () => {
    const ran: string[] = [];
    const version = (change: "none" | "rename" | "insert") =>
      withDurableExecution(async (_event: unknown, context: DurableContext) => {
        await context.step(change === "rename" ? "renamed" : "first", async () => ran.push(`first/${change}`));
        if (change === "insert") await context.step("inserted", async () => ran.push("inserted"));
        return context.waitForCallback("answer", async () => {}, { timeout: { seconds: CALLBACK_TIMEOUT_SECONDS } });
      });
    const resume = async (change: "none" | "rename" | "insert") => {
      let current: DurableLambdaHandler = version("none");
      const { runner, finished } = start<string>((event, context) => current(event, context));
      const answer = await runner.getOperation("answer").waitForData(WaitingOperationStatus.SUBMITTED);
      current = version(change);
      await answer.sendCallbackSuccess("yes");
      return (await finished).execution;
    };
    const [same, renamed, inserted] = await Promise.all([resume("none"), resume("rename"), resume("insert")]);

    expect(resultOf(same, "unchanged code should finish"), "the answer").toBe("yes");
    expect(renamed.getError(), "a renamed step").toMatchObject({
      errorType: "NonDeterministicExecutionError",
      errorMessage: expect.stringContaining("name mismatch"),
    });
    expect(inserted.getError(), "a step where a callback was").toMatchObject({
      errorType: "NonDeterministicExecutionError",
      errorMessage: expect.stringContaining("type mismatch"),
    });
    expect(ran, "the inserted step's function ran before the replay failed").toContain("inserted");
  });

  it("the waitForCallback submitter is a step with the default retry strategy: a submitter that fails once is retried", async () => {
    const callbackIds: string[] = [];
    const handler = withDurableExecution(async (_event: unknown, context: DurableContext) =>
      context.waitForCallback(
        "approval",
        async (callbackId) => {
          callbackIds.push(callbackId);
          if (callbackIds.length === 1) throw new Error("the reviewer's queue is down");
        },
        { timeout: { seconds: CALLBACK_TIMEOUT_SECONDS } },
      ),
    );
    const { runner, finished } = start<string>(handler);
    const approval = await runner.getOperation("approval").waitForData(WaitingOperationStatus.SUBMITTED);
    await approval.sendCallbackSuccess("approved");
    const { execution } = await finished;

    expect(resultOf(execution, "the callback should work after the retry"), "the answer sent to the callback").toBe("approved");
    expect(callbackIds, "the submitter should run twice").toHaveLength(2);
    expect(callbackIds[1], "the retried submitter gets the same callback id").toBe(callbackIds[0]);
    const retry = execution.getHistoryEvents().find((event: Event) => event.EventType === "StepFailed");
    expect(
      retry?.StepFailedDetails?.RetryDetails?.NextAttemptDelaySeconds,
      "the default strategy's first delay: 5 s with full jitter, so 1 to 5 s",
    ).toBeOneOf([1, 2, 3, 4, 5]);
  });
});
