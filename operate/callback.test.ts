import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { parseCustomerAnswer } from "../fraud/customer-answer.ts";
import { repoRoot } from "../workshop/manifest.ts";
import { makeCliHome } from "../tests/support/aws-cli.ts";
import { run } from "../tests/support/run.ts";
import { sample } from "../tests/support/fixtures.ts";
import { lambdaResponder, startRecorder, type Recorder } from "../tests/support/loopback.ts";
import { captureIo, stubAwsEnv } from "../tests/support/sandbox.ts";
import { callbackMain } from "./callback.ts";

const EXPIRED = "ZXhwaXJlZA==";

let recorder: Recorder;
beforeAll(async () => {
  recorder = await startRecorder((request) =>
    request.path.includes(encodeURIComponent(EXPIRED))
      ? { status: 400, headers: { "x-amzn-errortype": "CallbackTimeoutException" }, body: { Type: "User", Message: "Callback timed out" } }
      : lambdaResponder(request),
  );
});
afterAll(() => recorder.close());
beforeEach(() => {
  recorder.requests.length = 0;
  stubAwsEnv();
});
afterEach(() => vi.unstubAllEnvs());

const emailCallback = sample.callbackIds.email;
const encodedEmail = encodeURIComponent(emailCallback);

async function callback(...argv: string[]) {
  const io = captureIo();
  const code = await callbackMain([...argv, "--endpoint-url", recorder.url], io);
  const [request, ...more] = recorder.requests;
  expect(more, "one request per answer").toEqual([]);
  return { code, request, ...io };
}

describe("npm run callback", () => {
  it('approve sends a success whose result is exactly {"approved":true}', async () => {
    const { code, request, stdout } = await callback("approve", "--callback-id", emailCallback);

    expect(code).toBe(0);
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/2025-12-01/durable-execution-callbacks/${encodedEmail}/succeed`);
    expect(request?.body.toString()).toBe('{"approved":true}');
    expect(parseCustomerAnswer(request?.body.toString()), "the workflow reads it as a yes").toBe("approved");
    expect(request?.headers.authorization).toMatch(/\/eu-west-1\/lambda\/aws4_request/);
    expect(stdout).toContain("Sent success");
  });

  it('decline sends a success whose result is exactly {"approved":false}', async () => {
    const { code, request } = await callback("decline", "--callback-id", emailCallback);

    expect(code).toBe(0);
    expect(request?.path).toBe(`/2025-12-01/durable-execution-callbacks/${encodedEmail}/succeed`);
    expect(request?.body.toString()).toBe('{"approved":false}');
    expect(parseCustomerAnswer(request?.body.toString()), "the workflow reads it as a no").toBe("declined");
  });

  it("fail sends a failure with an error type and the message", async () => {
    const { code, request } = await callback("fail", "--callback-id", sample.callbackIds.sms, "--message", "SMS undeliverable");

    expect(code).toBe(0);
    expect(request?.path).toBe(`/2025-12-01/durable-execution-callbacks/${encodeURIComponent(sample.callbackIds.sms)}/fail`);
    expect(JSON.parse(request!.body.toString())).toEqual({ ErrorType: "VerificationFailed", ErrorMessage: "SMS undeliverable" });
  });

  it("heartbeat sends a heartbeat with no body", async () => {
    const { code, request } = await callback("heartbeat", "--callback-id", emailCallback, "--region", "us-west-2");

    expect(code).toBe(0);
    expect(request?.path).toBe(`/2025-12-01/durable-execution-callbacks/${encodedEmail}/heartbeat`);
    expect(request?.body.length).toBe(0);
    expect(request?.headers.authorization).toContain("/us-west-2/lambda/aws4_request");
  });

  it("reports an answer that comes too late in one line", async () => {
    const { code, stderr } = await callback("approve", "--callback-id", EXPIRED);

    expect(code).toBe(1);
    expect(stderr).toBe("Sending approve failed: CallbackTimeoutException: Callback timed out\n");
  });

  it.each([
    [["approve"], "--callback-id"],
    [["maybe", "--callback-id", "abc"], "approve, decline, fail, heartbeat"],
    [["approve", "--callback-id", "not base64!"], "--callback-id"],
    [["--callback-id", "abc"], "answer"],
  ])("rejects %j in one line, with a non-zero exit, sending nothing", async (argv, mention) => {
    const io = captureIo();
    const code = await callbackMain(argv, io);

    expect(code).not.toBe(0);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain(mention);
    expect(recorder.requests).toHaveLength(0);
  });

  it("refuses a failure the service would refuse (its error fields over 1 MB together) in one short line, sending nothing", async () => {
    const io = captureIo();
    const code = await callbackMain(
      ["fail", "--callback-id", emailCallback, "--message", "m".repeat(1024 * 1024), "--endpoint-url", recorder.url],
      io,
    );

    expect(code).not.toBe(0);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain("--message");
    expect(io.stderr).toContain("1048576");
    expect(io.stderr.length, "the message is not echoed back").toBeLessThan(400);
    expect(recorder.requests).toHaveLength(0);
  });

  it("sends a long failure message the service takes", async () => {
    const { code, request } = await callback("fail", "--callback-id", sample.callbackIds.sms, "--message", "m".repeat(40 * 1024));

    expect(code).toBe(0);
    expect(JSON.parse(request!.body.toString()).ErrorMessage).toHaveLength(40 * 1024);
  });

  it("--help names the answers and the options, and exits 0", async () => {
    const io = captureIo();
    expect(await callbackMain(["--help"], io)).toBe(0);
    for (const word of ["approve", "decline", "fail", "heartbeat", "--callback-id", "--region", "--endpoint-url"]) {
      expect(io.stdout).toContain(word);
    }
  });

  it("runs as `npm run callback` does: a missing callback id exits 2 with one line", async () => {
    const home = makeCliHome();
    try {
      const bad = await run(process.execPath, ["operate/callback.ts", "approve", "--endpoint-url", recorder.url], {
        env: home.env,
        cwd: repoRoot,
      });
      expect(bad.code, "a usage error").toBe(2);
      expect(bad.stderr.trim().split("\n")).toEqual(["error: required option '--callback-id <id>' not specified"]);
      expect(recorder.requests).toHaveLength(0);
    } finally {
      home.remove();
    }
  });
});
