/**
 * Sample data in the shape Lambda's durable-execution API returns it, on the wire (JSON
 * bodies, timestamps in epoch seconds). The history is the one the finished workflow writes
 * for a medium-risk transaction that waits for the card holder, recorded from a local run
 * with its ids made readable.
 *
 * The module 10 guide uses the same names and ids, so what its commands print in the tests
 * is what the guide shows.
 */
import { FUNCTION_NAME } from "../../workshop/manifest.ts";

/** 2026-01-31T10:00:00Z, the moment every sample execution starts. */
const START = 1_769_853_600;

const REGION = "us-east-1";
const ACCOUNT = "111122223333";
const FUNCTION = FUNCTION_NAME;
const EXECUTION_ID = "3f6c1e2a-7b5d-4c1e-9a8f-2d4b6c8e0a1f";

const event = { id: 1001, amount: 6500, location: "Seattle, WA", vendor: "Outdoor Gear Co" };

export const sample = {
  region: REGION,
  account: ACCOUNT,
  functionName: FUNCTION,
  functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTION}`,
  event,
  /** The callback ids of the two verification channels of transaction 1001. */
  callbackIds: {
    email: "Y2ItZW1haWwtdHgtMTAwMS0zZjZjMWUyYQ==",
    sms: "Y2Itc21zLXR4LTEwMDEtM2Y2YzFlMmE=",
  },
  /** Epoch seconds, `offset` seconds after the sample start. */
  time: (offset: number): number => START + offset,
  executionArn: (name = "tx-1001", version = "1", fn = FUNCTION): string =>
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn}:${version}/durable-execution/${name}/${EXECUTION_ID}`,
  /** What a `RequestResponse` invocation of an approved medium-risk transaction returns. */
  result: {
    statusCode: 200,
    body: { transaction_id: 1001, amount: 6500, fraud_score: 3, result: "authorized", customerVerificationResult: "TransactionApproved" },
  },
  executions(): object[] {
    return [
      {
        DurableExecutionArn: sample.executionArn("tx-1001"),
        DurableExecutionName: "tx-1001",
        FunctionArn: `${sample.functionArn}:1`,
        Status: "RUNNING",
        StartTimestamp: sample.time(0),
      },
      {
        DurableExecutionArn: sample.executionArn("tx-1000"),
        DurableExecutionName: "tx-1000",
        FunctionArn: `${sample.functionArn}:1`,
        Status: "SUCCEEDED",
        StartTimestamp: sample.time(-600),
        EndTimestamp: sample.time(-599.5),
      },
    ];
  },
  execution(arn: string): object {
    return {
      DurableExecutionArn: arn,
      DurableExecutionName: arn.split("/")[2] ?? "tx-1001",
      FunctionArn: `${sample.functionArn}:1`,
      InputPayload: JSON.stringify(event),
      StartTimestamp: sample.time(0),
      Status: "RUNNING",
      Version: "1",
      TraceHeader: { XAmznTraceId: "Root=1-697dd2a0-0123456789abcdef01234567" },
      ExecutionDataIncluded: true,
      DurableConfig: { RetentionPeriodInDays: 14, ExecutionTimeout: 90_000 },
    };
  },
  operations(): object[] {
    return [
      {
        Id: "exec",
        Type: "EXECUTION",
        Status: "STARTED",
        StartTimestamp: sample.time(0),
        ExecutionDetails: { InputPayload: JSON.stringify(event) },
      },
      {
        Id: "c4ca4238a0b92382",
        Type: "STEP",
        SubType: "Step",
        Name: "fraudCheck",
        Status: "SUCCEEDED",
        StartTimestamp: sample.time(0.1),
        EndTimestamp: sample.time(0.2),
        StepDetails: { Attempt: 1, Result: "3" },
      },
      {
        Id: "cb-email",
        ParentId: "ctx-email",
        Type: "CALLBACK",
        SubType: "Callback",
        Status: "STARTED",
        StartTimestamp: sample.time(0.4),
        CallbackDetails: { CallbackId: sample.callbackIds.email },
      },
    ];
  },
};

/** The history of tx-1001 while both verification callbacks wait for the card holder. */
export function waitingHistory(): object[] {
  const t = sample.time;
  const events: object[] = [
    {
      EventType: "ExecutionStarted",
      Id: "exec",
      EventTimestamp: t(0),
      ExecutionStartedDetails: { Input: { Payload: JSON.stringify(event) }, ExecutionTimeout: 90_000 },
    },
    {
      EventType: "StepStarted",
      SubType: "Step",
      Id: "c4ca4238a0b92382",
      Name: "fraudCheck",
      EventTimestamp: t(0.1),
      StepStartedDetails: {},
    },
    {
      EventType: "StepSucceeded",
      SubType: "Step",
      Id: "c4ca4238a0b92382",
      Name: "fraudCheck",
      EventTimestamp: t(0.2),
      StepSucceededDetails: { Result: { Payload: "3" }, RetryDetails: { CurrentAttempt: 1 } },
    },
    {
      EventType: "StepStarted",
      SubType: "Step",
      Id: "c81e728d9d4c2f63",
      Name: "suspend-1001",
      EventTimestamp: t(0.25),
      StepStartedDetails: {},
    },
    {
      EventType: "StepSucceeded",
      SubType: "Step",
      Id: "c81e728d9d4c2f63",
      Name: "suspend-1001",
      EventTimestamp: t(0.3),
      StepSucceededDetails: { Result: { Payload: '{"action":"suspendCard","transactionId":1001}' }, RetryDetails: { CurrentAttempt: 1 } },
    },
    {
      EventType: "ContextStarted",
      SubType: "Parallel",
      Id: "ctx-parallel",
      Name: "human-verification",
      EventTimestamp: t(0.35),
      ContextStartedDetails: {},
    },
    {
      EventType: "ContextStarted",
      SubType: "ParallelBranch",
      Id: "ctx-branch-0",
      ParentId: "ctx-parallel",
      Name: "parallel-branch-0",
      EventTimestamp: t(0.35),
      ContextStartedDetails: {},
    },
    {
      EventType: "ContextStarted",
      SubType: "ParallelBranch",
      Id: "ctx-branch-1",
      ParentId: "ctx-parallel",
      Name: "parallel-branch-1",
      EventTimestamp: t(0.35),
      ContextStartedDetails: {},
    },
    {
      EventType: "ContextStarted",
      SubType: "WaitForCallback",
      Id: "ctx-email",
      ParentId: "ctx-branch-0",
      Name: "SendVerificationEmail",
      EventTimestamp: t(0.36),
      ContextStartedDetails: {},
    },
    {
      EventType: "ContextStarted",
      SubType: "WaitForCallback",
      Id: "ctx-sms",
      ParentId: "ctx-branch-1",
      Name: "SendVerificationSMS",
      EventTimestamp: t(0.36),
      ContextStartedDetails: {},
    },
    {
      EventType: "CallbackStarted",
      SubType: "Callback",
      Id: "cb-email",
      ParentId: "ctx-email",
      EventTimestamp: t(0.4),
      CallbackStartedDetails: { CallbackId: sample.callbackIds.email, Timeout: 86_400 },
    },
    {
      EventType: "CallbackStarted",
      SubType: "Callback",
      Id: "cb-sms",
      ParentId: "ctx-sms",
      EventTimestamp: t(0.4),
      CallbackStartedDetails: { CallbackId: sample.callbackIds.sms, Timeout: 86_400 },
    },
    {
      EventType: "StepStarted",
      SubType: "Step",
      Id: "submit-email",
      ParentId: "ctx-email",
      EventTimestamp: t(0.45),
      StepStartedDetails: {},
    },
    { EventType: "StepStarted", SubType: "Step", Id: "submit-sms", ParentId: "ctx-sms", EventTimestamp: t(0.45), StepStartedDetails: {} },
    {
      EventType: "StepSucceeded",
      SubType: "Step",
      Id: "submit-email",
      ParentId: "ctx-email",
      EventTimestamp: t(0.5),
      StepSucceededDetails: { Result: {}, RetryDetails: { CurrentAttempt: 1 } },
    },
    {
      EventType: "StepSucceeded",
      SubType: "Step",
      Id: "submit-sms",
      ParentId: "ctx-sms",
      EventTimestamp: t(0.5),
      StepSucceededDetails: { Result: {}, RetryDetails: { CurrentAttempt: 1 } },
    },
    {
      EventType: "InvocationCompleted",
      EventTimestamp: t(0.6),
      InvocationCompletedDetails: { StartTimestamp: t(0), EndTimestamp: t(0.6), RequestId: "6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f" },
    },
  ];
  return events.map((entry, index) => ({ EventId: index + 1, ...entry }));
}
