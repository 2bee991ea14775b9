/**
 * A scripted stand-in for a deployed fraud check, for the loopback recorder: enough of
 * Lambda's durable-execution API (Invoke, GetDurableExecution, GetDurableExecutionHistory,
 * callback success and failure) for the testing SDK's `CloudDurableTestRunner` to run the
 * smoke cases of `npm run test:cloud` offline.
 *
 * It plays the finished workflow's decisions from the event (score < 3 authorize, >= 5 fraud
 * department, otherwise ask on email and SMS) and writes the history events the service
 * writes, in the order the local runtime records them. It checks the wiring of the cloud
 * runner, not the workflow.
 */
import { parseCustomerAnswer } from "../../fraud/customer-answer.ts";
import { authorizedResult, sentToFraudDeptResult } from "../../fraud/results.ts";
import { scoreByAmount } from "../../fraud/risk-scorer.ts";
import { validateTransaction, type Transaction } from "../../fraud/transaction.ts";
import { sample } from "./fixtures.ts";
import type { RecordedRequest, Reply } from "./loopback.ts";

interface FakeExecution {
  arn: string;
  name: string;
  transaction: Transaction;
  score: number;
  events: Record<string, unknown>[];
  status: "RUNNING" | "SUCCEEDED";
  result?: unknown;
  callbacks: Map<string, { id: string; parent: string; branch: string }>;
}

export interface FakeDurableService {
  respond(request: RecordedRequest): Reply;
  executions: FakeExecution[];
}

export interface FakeOptions {
  /** Play the FraudDetection sample's bug: any answer at all approves. */
  anyAnswerApproves?: boolean;
}

export function fakeDurableService({ anyAnswerApproves = false }: FakeOptions = {}): FakeDurableService {
  const executions: FakeExecution[] = [];
  const byArn = new Map<string, FakeExecution>();
  const byCallback = new Map<string, FakeExecution>();
  let clock = 0;

  const add = (execution: FakeExecution, event: Record<string, unknown>) => {
    clock += 0.05;
    execution.events.push({ EventId: execution.events.length + 1, EventTimestamp: sample.time(clock), ...event });
  };
  const step = (execution: FakeExecution, id: string, name: string | undefined, result: unknown, parent?: string) => {
    const common = { SubType: "Step", Id: id, ...(name ? { Name: name } : {}), ...(parent ? { ParentId: parent } : {}) };
    add(execution, { EventType: "StepStarted", ...common, StepStartedDetails: {} });
    add(execution, {
      EventType: "StepSucceeded",
      ...common,
      StepSucceededDetails: {
        Result: result === undefined ? {} : { Payload: JSON.stringify(result) },
        RetryDetails: { CurrentAttempt: 1 },
      },
    });
  };
  const succeed = (execution: FakeExecution, result: unknown) => {
    add(execution, {
      EventType: "ExecutionSucceeded",
      Id: "execution",
      ExecutionSucceededDetails: { Result: { Payload: JSON.stringify(result) } },
    });
    execution.status = "SUCCEEDED";
    execution.result = result;
  };

  function start(functionName: string, name: string, payload: unknown): FakeExecution {
    const transaction = validateTransaction(payload);
    const score = transaction.score ?? scoreByAmount(transaction.amount);
    const arn = sample.executionArn(name, "1", functionName.split(":")[0]);
    const execution: FakeExecution = { arn, name, transaction, score, events: [], status: "RUNNING", callbacks: new Map() };
    executions.push(execution);
    byArn.set(arn, execution);
    const { id } = transaction;

    add(execution, {
      EventType: "ExecutionStarted",
      Id: "execution",
      ExecutionStartedDetails: { Input: { Payload: JSON.stringify(payload) }, ExecutionTimeout: 90_000 },
    });
    step(execution, "op-score", "fraudCheck", score);
    if (score < 3) {
      step(execution, "op-authorize", `authorize-${id}`, { action: "authorize", transactionId: id });
      succeed(execution, authorizedResult(transaction, score));
    } else if (score >= 5) {
      step(execution, "op-fraud", `sendToFraudDepartment-${id}`, { action: "sendToFraudDepartment", transactionId: id });
      succeed(execution, sentToFraudDeptResult(transaction, score));
    } else {
      step(execution, "op-suspend", `suspend-${id}`, { action: "suspendCard", transactionId: id });
      add(execution, {
        EventType: "ContextStarted",
        SubType: "Parallel",
        Id: "ctx-parallel",
        Name: "human-verification",
        ContextStartedDetails: {},
      });
      for (const [index, channel] of ["SendVerificationEmail", "SendVerificationSMS"].entries()) {
        const branch = `ctx-branch-${index}`;
        const context = `ctx-${channel}`;
        const callback = `cb-${channel}`;
        const callbackId = Buffer.from(`${arn}|${channel}`).toString("base64");
        add(execution, {
          EventType: "ContextStarted",
          SubType: "ParallelBranch",
          Id: branch,
          ParentId: "ctx-parallel",
          Name: `parallel-branch-${index}`,
          ContextStartedDetails: {},
        });
        add(execution, {
          EventType: "ContextStarted",
          SubType: "WaitForCallback",
          Id: context,
          ParentId: branch,
          Name: channel,
          ContextStartedDetails: {},
        });
        add(execution, {
          EventType: "CallbackStarted",
          SubType: "Callback",
          Id: callback,
          ParentId: context,
          CallbackStartedDetails: { CallbackId: callbackId, Timeout: 86_400 },
        });
        step(execution, `submit-${channel}`, undefined, undefined, context);
        execution.callbacks.set(callbackId, { id: callback, parent: context, branch });
        byCallback.set(callbackId, execution);
      }
      add(execution, {
        EventType: "InvocationCompleted",
        InvocationCompletedDetails: {
          StartTimestamp: sample.time(0),
          EndTimestamp: sample.time(clock),
          RequestId: `request-${executions.length}`,
        },
      });
    }
    return execution;
  }

  function answer(callbackId: string, result: string | undefined, failed: boolean): Reply {
    const execution = byCallback.get(callbackId);
    const callback = execution?.callbacks.get(callbackId);
    if (!execution || !callback || execution.status !== "RUNNING") {
      return {
        status: 400,
        headers: { "x-amzn-errortype": "CallbackTimeoutException" },
        body: { Type: "User", Message: "Callback is not waiting" },
      };
    }
    const { transaction, score } = execution;
    if (failed) {
      add(execution, {
        EventType: "CallbackFailed",
        SubType: "Callback",
        Id: callback.id,
        ParentId: callback.parent,
        CallbackFailedDetails: { Error: { Payload: { ErrorType: "VerificationFailed" } } },
      });
    } else {
      add(execution, {
        EventType: "CallbackSucceeded",
        SubType: "Callback",
        Id: callback.id,
        ParentId: callback.parent,
        CallbackSucceededDetails: { Result: { Payload: result ?? "" } },
      });
    }
    const approved = anyAnswerApproves || (!failed && parseCustomerAnswer(result) === "approved");
    add(execution, {
      EventType: "ContextSucceeded",
      SubType: "Parallel",
      Id: "ctx-parallel",
      Name: "human-verification",
      ContextSucceededDetails: { Result: { Payload: "{}" } },
    });
    step(execution, "op-finalize", `finalize-${transaction.id}`, undefined);
    succeed(
      execution,
      approved
        ? authorizedResult(transaction, score, "TransactionApproved")
        : sentToFraudDeptResult(transaction, score, "TransactionDeclined"),
    );
    return { body: {} };
  }

  function respond(request: RecordedRequest): Reply {
    const { method, path } = request;
    const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (method === "POST" && invoke) {
      const header = request.headers["x-amz-durable-execution-name"];
      const name = typeof header === "string" ? header : `smoke-${executions.length + 1}`;
      const execution = start(decodeURIComponent(invoke[1]!), name, JSON.parse(request.body.toString() || "null"));
      return { status: 202, headers: { "x-amz-durable-execution-arn": execution.arn, "x-amz-executed-version": "1" }, body: "" };
    }
    const read = /^\/2025-12-01\/durable-executions\/([^/]+)(\/history)?$/.exec(path);
    if (method === "GET" && read) {
      const execution = byArn.get(decodeURIComponent(read[1]!));
      if (!execution)
        return {
          status: 404,
          headers: { "x-amzn-errortype": "ResourceNotFoundException" },
          body: { Type: "User", Message: "No such execution" },
        };
      if (read[2]) return { body: { Events: execution.events } };
      return {
        body: {
          DurableExecutionArn: execution.arn,
          DurableExecutionName: execution.name,
          FunctionArn: `${sample.functionArn}:1`,
          Status: execution.status,
          StartTimestamp: sample.time(0),
          ...(execution.result === undefined ? {} : { Result: JSON.stringify(execution.result), EndTimestamp: sample.time(clock) }),
        },
      };
    }
    const callback = /^\/2025-12-01\/durable-execution-callbacks\/([^/]+)\/(succeed|fail)$/.exec(path);
    if (method === "POST" && callback) {
      return answer(decodeURIComponent(callback[1]!), request.body.toString(), callback[2] === "fail");
    }
    return {
      status: 404,
      headers: { "x-amzn-errortype": "ResourceNotFoundException" },
      body: { Type: "User", Message: `fake: ${method} ${path}` },
    };
  }

  return { respond, executions };
}
