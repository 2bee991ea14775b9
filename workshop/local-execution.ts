/**
 * Runs one execution of a module's workflow on the testing SDK's local durable runtime,
 * outside vitest, and answers the card holder's verification request when a fraud check asks
 * for one.
 */
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import {
  LocalDurableTestRunner,
  WaitingOperationStatus,
  type DurableOperation,
  type TestResult,
} from "@aws/durable-execution-sdk-js-testing";
import { notifications, type VerificationMessage } from "../fraud/notifications.ts";
import type { FraudCheckResult } from "../fraud/results.ts";
import { realNow } from "./real-clock.ts";

export type Answer = "approve" | "decline" | "silent";

/** Decides the card holder's answer once the verification message is out. */
export type Answerer = (message: VerificationMessage) => Promise<Answer>;

export interface OperationRow {
  name: string;
  type: string;
  status: string;
  /** Runtime time between start and end; simulated when waits are skipped. */
  durationMs: number | undefined;
}

export interface ExecutionReport {
  status: string;
  /** The workflow's result: a fraud check's, or the report of another workflow (module 11's batch review). */
  result: unknown;
  error: string | undefined;
  operations: OperationRow[];
  invocations: number;
  wallMs: number;
  answer: Answer | undefined;
}

/** The callback operations the finished workflow opens, in the order they are answered. */
const verificationOperations = ["SendVerificationEmail", "SendVerificationSMS"];

function operationRows(execution: TestResult<FraudCheckResult>): OperationRow[] {
  return execution.getOperations().map((operation: DurableOperation) => {
    const start = operation.getStartTimestamp()?.getTime();
    const end = operation.getEndTimestamp()?.getTime();
    return {
      // waitForCallback's own callback and submitter step carry no name of their own.
      name: operation.getName() ?? `(${String(operation.getType()).toLowerCase()})`,
      type: [operation.getType(), operation.getSubType()].filter(Boolean).join(" / "),
      status: operation.getStatus() ?? "",
      durationMs: start !== undefined && end !== undefined ? end - start : undefined,
    };
  });
}

/** Waits for the first verification request; undefined when the execution ends without one. */
async function firstVerification(
  runner: LocalDurableTestRunner<FraudCheckResult>,
  finished: Promise<unknown>,
): Promise<DurableOperation | undefined> {
  const submitted = verificationOperations.map((name) =>
    runner
      .getOperation(name)
      .waitForData(WaitingOperationStatus.SUBMITTED)
      .catch(() => new Promise<never>(() => {})),
  );
  return Promise.race([...submitted, finished.then(() => undefined)]);
}

export async function runLocally(
  handler: DurableLambdaHandler,
  payload: unknown,
  answerer: Answerer,
  functions: Record<string, DurableLambdaHandler> = {},
): Promise<ExecutionReport> {
  const started = realNow();
  const runner = new LocalDurableTestRunner<FraudCheckResult>({ handlerFunction: handler });
  // The durable functions the workflow invokes (module 13's scorer), by the name it invokes them with.
  for (const [name, invoked] of Object.entries(functions)) runner.registerDurableFunction(name, invoked);
  const finished = runner.run({ payload });

  let answer: Answer | undefined;
  const callback = await firstVerification(runner, finished);
  const message = notifications.sent.at(-1);
  if (callback && message) {
    answer = await answerer(message);
    if (answer !== "silent") await callback.sendCallbackSuccess(JSON.stringify({ approved: answer === "approve" }));
  }

  const execution = await finished;
  const status = execution.getStatus() ?? "UNKNOWN";
  const failure = status === "FAILED" ? execution.getError() : undefined;
  return {
    status,
    result: status === "SUCCEEDED" ? execution.getResult() : undefined,
    error: failure ? `${failure.errorType ?? "Error"}: ${failure.errorMessage ?? ""}` : undefined,
    operations: operationRows(execution),
    invocations: execution.getInvocations().length,
    wallMs: realNow() - started,
    answer,
  };
}
