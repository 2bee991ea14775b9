import { GetDurableExecutionHistoryCommand, LambdaClient, type Event } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCustomerAnswer } from "../../fraud/customer-answer.ts";
import { answerCommand as toolAnswer } from "../../operate/answers.ts";
import { sample } from "../../tests/support/fixtures.ts";
import { startRecorder, type RecordedRequest, type Recorder } from "../../tests/support/loopback.ts";
import { guideFor } from "../../workshop/testing/guidance.ts";
import { answerCommand, waitingCallbacks, type AnswerCommand } from "./callback.ts";

const { todo } = guideFor(import.meta.url);
const file = "callback.ts";
const callbackId = sample.callbackIds.email;
const callbacks = "/2025-12-01/durable-execution-callbacks";

// A stand-in for Lambda on 127.0.0.1: it records each request and answers like the service.
let recorder: Recorder;
let lambda: LambdaClient;
beforeAll(async () => {
  recorder = await startRecorder();
  lambda = new LambdaClient({
    region: "eu-west-1",
    endpoint: recorder.url,
    credentials: { accessKeyId: "AKIDWORKSHOPTEST", secretAccessKey: "workshop-test-secret" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  lambda.destroy();
  await recorder.close();
});

/** Sends a command to the recorder and returns the request that arrived. */
async function send(command: AnswerCommand | ReturnType<typeof toolAnswer>, guidance: string): Promise<RecordedRequest> {
  const before = recorder.requests.length;
  try {
    await lambda.send(command as AnswerCommand);
  } catch (error) {
    throw new Error(`${guidance}\n  The SDK could not send it: ${String(error)}`);
  }
  const request = recorder.requests[before];
  if (!request) throw new Error(`${guidance}\n  No request arrived.`);
  return request;
}

/** The last part of a callback request's path: `succeed`, `fail` or `heartbeat`. */
const action = (request: RecordedRequest): string => request.path.split("/").at(-1) ?? "";

/**
 * What is wrong with the result a success carried, in the learner's words, or "" when it is
 * the JSON text of an object with a boolean `approved`.
 */
function resultProblem(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return (
      `the result ${JSON.stringify(body.slice(0, 60))} is not JSON text. Result is a blob of the JSON text itself ` +
      "(new TextEncoder().encode(json)); the SDK puts those bytes on the wire as they are, with no base64 of your own"
    );
  }
  if (typeof parsed === "string") {
    return "the result is a JSON string holding JSON, encoded twice. JSON.stringify the answer once, then encode those bytes";
  }
  if (typeof parsed !== "object" || parsed === null || typeof (parsed as { approved?: unknown }).approved !== "boolean") {
    return (
      `the result ${body.slice(0, 60)} has no boolean "approved". The workflow reads {"approved":true} or {"approved":false}; ` +
      'the AWS sample\'s {"status":"approved"} reads as a decline'
    );
  }
  return "";
}

/** Checks what a success request carried, with guidance for TODO `number`. */
function expectResult(request: RecordedRequest, expected: string, number: 1 | 2): void {
  const body = request.body.toString();
  const problem = resultProblem(body);
  expect(body, todo(number, `expected the result ${expected}${problem === "" ? "" : `: ${problem}`}`, file)).toBe(expected);
}

/** Checks that the request went to the callback given, escaped once (by the SDK). */
function expectCallbackPath(request: RecordedRequest, id: string, verb: string, number: 1 | 2): void {
  const escaped = request.path.split("/").at(-2) ?? "";
  expect(
    decodeURIComponent(escaped),
    todo(
      number,
      `expected the request to answer the callback id as given (${id}). The SDK escapes it for the URL; ` +
        "escaping it yourself escapes it twice, and Lambda finds no such callback",
      file,
    ),
  ).toBe(id);
  expect(request.path, todo(number, `expected POST ${callbacks}/<callback id>/${verb}`, file)).toBe(
    `${callbacks}/${encodeURIComponent(id)}/${verb}`,
  );
}

/** The history of tx-1001 while both channels wait, read through the SDK as a program would. */
async function history(): Promise<Event[]> {
  const response = await lambda.send(new GetDurableExecutionHistoryCommand({ DurableExecutionArn: sample.executionArn() }));
  return response.Events ?? [];
}

describe("10 · operate: answering the card holder", () => {
  it('approve sends a success whose result is {"approved":true}', async () => {
    const guidance = todo(
      1,
      'expected answerCommand(id, "approve") to send SendDurableExecutionCallbackSuccess with {"approved":true}',
      file,
    );
    const request = await send(answerCommand(callbackId, "approve"), guidance);

    expect(action(request), guidance).toBe("succeed");
    expectCallbackPath(request, callbackId, "succeed", 1);
    expectResult(request, '{"approved":true}', 1);
    expect(parseCustomerAnswer(request.body.toString()), todo(1, "expected the workflow to read the result as an approval", file)).toBe(
      "approved",
    );
  });

  it("approve sends the same request as `npm run callback -- approve`", async () => {
    const guidance = todo(1, "expected the same path and body as operate/answers.ts sends for approve", file);
    const mine = await send(answerCommand(callbackId, "approve"), guidance);
    const tool = await send(toolAnswer(callbackId, "approve"), guidance);

    expect({ action: action(mine), body: mine.body.toString() }, guidance).toEqual({ action: action(tool), body: tool.body.toString() });
    expect(mine.path, guidance).toBe(tool.path);
  });

  it('decline sends a success whose result is {"approved":false}, an answer and not an error', async () => {
    const guidance = todo(
      2,
      'expected answerCommand(id, "decline") to send SendDurableExecutionCallbackSuccess with {"approved":false}. ' +
        "A no is the card holder's answer, not an error: the failure command is for a channel that could not reach them",
      file,
    );
    const request = await send(answerCommand(callbackId, "decline"), guidance);

    expect(action(request), guidance).toBe("succeed");
    expectCallbackPath(request, callbackId, "succeed", 2);
    expectResult(request, '{"approved":false}', 2);
    expect(parseCustomerAnswer(request.body.toString()), todo(2, "expected the workflow to read the result as a decline", file)).toBe(
      "declined",
    );
  });

  it("fail sends a failure with an error type and message, like `npm run callback -- fail`", async () => {
    const guidance = todo(2, 'expected answerCommand(id, "fail", message) to send SendDurableExecutionCallbackFailure', file);
    const mine = await send(answerCommand(sample.callbackIds.sms, "fail", "SMS undeliverable"), guidance);
    const tool = await send(toolAnswer(sample.callbackIds.sms, "fail", "SMS undeliverable"), guidance);

    expect(action(mine), guidance).toBe("fail");
    expectCallbackPath(mine, sample.callbackIds.sms, "fail", 2);
    const error = JSON.parse(mine.body.toString() || "{}") as Record<string, unknown>;
    expect(
      error,
      todo(
        2,
        'expected Error: { ErrorType: "VerificationFailed", ErrorMessage: message }. Both fields: the type says why the ' +
          "channel failed, in the history and to the workflow (the name of the CallbackExternalError's cause)",
        file,
      ),
    ).toEqual({
      ErrorType: "VerificationFailed",
      ErrorMessage: "SMS undeliverable",
    });
    expect(error, guidance).toEqual(JSON.parse(tool.body.toString()));
  });

  it("finds both verification callbacks waiting in the history, with their channel", async () => {
    const waiting = waitingCallbacks(await history());

    expect(
      waiting.map((callback) => callback.callbackId),
      todo(
        3,
        "expected the ids to answer with, from CallbackStartedDetails.CallbackId of each CallbackStarted event " +
          "(the event's own Id names the operation in the history, not the callback)",
        file,
      ),
    ).toEqual([sample.callbackIds.email, sample.callbackIds.sms]);
    expect(
      waiting.map((callback) => callback.channel),
      todo(
        3,
        "expected each callback's channel: the Name of the event whose Id is the callback's ParentId, its waitForCallback " +
          "context. The callback event itself has no name",
        file,
      ),
    ).toEqual(["SendVerificationEmail", "SendVerificationSMS"]);
    expect(waiting, todo(3, "expected the email and the SMS callback of tx-1001, in the order they started", file)).toEqual([
      { callbackId: sample.callbackIds.email, channel: "SendVerificationEmail" },
      { callbackId: sample.callbackIds.sms, channel: "SendVerificationSMS" },
    ]);
  });

  it("drops a callback once it has been answered, has failed or has timed out", async () => {
    const events = await history();
    const answered: Event = {
      EventType: "CallbackSucceeded",
      EventId: events.length + 1,
      Id: "cb-email",
      ParentId: "ctx-email",
      CallbackSucceededDetails: { Result: { Payload: '{"approved":true}' } },
    };
    const timedOut: Event = {
      EventType: "CallbackTimedOut",
      EventId: events.length + 2,
      Id: "cb-sms",
      ParentId: "ctx-sms",
      CallbackTimedOutDetails: { Error: { Payload: { ErrorType: "CallbackTimeout" } } },
    };
    const failed: Event = {
      EventType: "CallbackFailed",
      EventId: events.length + 1,
      Id: "cb-sms",
      ParentId: "ctx-sms",
      CallbackFailedDetails: { Error: { Payload: { ErrorType: "VerificationFailed", ErrorMessage: "SMS undeliverable" } } },
    };

    expect(
      waitingCallbacks([...events, answered]),
      todo(3, "expected only the SMS callback once the email one was answered: a CallbackSucceeded event with the same Id ends it", file),
    ).toEqual([{ callbackId: sample.callbackIds.sms, channel: "SendVerificationSMS" }]);
    expect(
      waitingCallbacks([...events, failed]),
      todo(
        3,
        "expected only the email callback once the SMS one failed: a CallbackFailed event ends a callback too. The other " +
          "channel can still answer, but the failed callback takes no second answer",
        file,
      ),
    ).toEqual([{ callbackId: sample.callbackIds.email, channel: "SendVerificationEmail" }]);
    expect(
      waitingCallbacks([...events, answered, timedOut]),
      todo(3, "expected no callback once both have ended: CallbackTimedOut ends one as well", file),
    ).toEqual([]);
  });
});
