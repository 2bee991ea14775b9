import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { repoRoot } from "../workshop/manifest.ts";
import { makeCliHome } from "../tests/support/aws-cli.ts";
import { run } from "../tests/support/run.ts";
import { lambdaResponder, startRecorder, type Recorder } from "../tests/support/loopback.ts";
import { captureIo, stubAwsEnv } from "../tests/support/sandbox.ts";
import { invokeMain } from "./invoke.ts";

let recorder: Recorder;
beforeAll(async () => {
  recorder = await startRecorder((request) =>
    request.path.includes("missing-function")
      ? {
          status: 404,
          headers: { "x-amzn-errortype": "ResourceNotFoundException" },
          body: { Type: "User", Message: "Function not found: missing-function:live" },
        }
      : lambdaResponder(request),
  );
});
afterAll(() => recorder.close());
beforeEach(() => {
  recorder.requests.length = 0;
  stubAwsEnv();
});
afterEach(() => vi.unstubAllEnvs());

async function invoke(...argv: string[]) {
  const io = captureIo();
  const code = await invokeMain([...argv, "--endpoint-url", recorder.url], io, () => 1_769_853_600_000);
  return { code, ...io };
}

describe("npm run invoke", () => {
  it("starts the transaction asynchronously on the alias, named after the transaction", async () => {
    const { code, stdout, stderr } = await invoke("--id", "1001", "--amount", "6500");

    expect(code, stderr).toBe(0);
    expect(recorder.requests).toHaveLength(1);
    const [request] = recorder.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/2015-03-31/functions/durable-fraud-check%3Alive/invocations");
    expect(request?.headers["x-amz-invocation-type"]).toBe("Event");
    expect(request?.headers["x-amz-durable-execution-name"]).toBe("tx-1001");
    expect(JSON.parse(request!.body.toString())).toEqual({ id: 1001, amount: 6500, location: "Seattle, WA", vendor: "Outdoor Gear Co" });
    expect(request?.headers.authorization).toMatch(/Credential=AKIDWORKSHOPTEST\/\d{8}\/eu-west-1\/lambda\/aws4_request/);
    expect(stdout).toContain(
      "Execution ARN: arn:aws:lambda:us-east-1:111122223333:function:durable-fraud-check:1/durable-execution/tx-1001/",
    );
    expect(stdout, "next commands quote the ARN").toMatch(/--durable-execution-arn 'arn:aws:lambda:[^']+'/);
  });

  it("passes a forced score, another function and execution name, and a region", async () => {
    const { code } = await invoke(
      "--function-name",
      "other-fn:$LATEST",
      "--id",
      "7",
      "--score",
      "5",
      "--execution-name",
      "retry_7-b",
      "--region",
      "ap-southeast-2",
    );

    expect(code).toBe(0);
    const [request] = recorder.requests;
    expect(request?.path).toBe("/2015-03-31/functions/other-fn%3A%24LATEST/invocations");
    expect(request?.headers["x-amz-durable-execution-name"]).toBe("retry_7-b");
    expect(JSON.parse(request!.body.toString())).toMatchObject({ id: 7, score: 5 });
    expect(request?.headers.authorization).toContain("/ap-southeast-2/lambda/aws4_request");
  });

  it("takes the transaction id from the clock when none is given", async () => {
    await invoke();
    expect(recorder.requests[0]?.headers["x-amz-durable-execution-name"]).toBe("tx-1769853600");
  });

  it("--wait invokes synchronously and prints the workflow's result", async () => {
    const { code, stdout } = await invoke("--id", "1002", "--amount", "42", "--wait");

    expect(code).toBe(0);
    expect(recorder.requests[0]?.headers["x-amz-invocation-type"]).toBe("RequestResponse");
    expect(stdout).toContain('Result: {"statusCode":200');
  });

  it.each([
    [["--amount", "abc"], "--amount"],
    [["--amount", "-5"], "--amount"],
    [["--id", "1.5"], "--id"],
    [["--score", "7"], "--score"],
    [["--execution-name", "no spaces!"], "--execution-name"],
    [["--endpoint-url", "ftp://example"], "--endpoint-url"],
    [["--colour", "red"], "unknown option"],
  ])("rejects %j in one line, with a non-zero exit, sending nothing", async (argv, mention) => {
    const io = captureIo();
    const code = await invokeMain(argv, io);

    expect(code).not.toBe(0);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain(mention);
    expect(recorder.requests).toHaveLength(0);
  });

  it("refuses a transaction bigger than Lambda takes (1 MB started asynchronously) in one short line, sending nothing", async () => {
    const { code, stderr } = await invoke("--id", "1", "--location", "x".repeat(1024 * 1024));

    expect(code, "a usage error").toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("1048576");
    expect(stderr.length, "the transaction is not echoed back").toBeLessThan(400);
    expect(recorder.requests).toHaveLength(0);
  });

  it("sends the same transaction with --wait, which Lambda takes up to 6 MB", async () => {
    const { code } = await invoke("--id", "1", "--location", "x".repeat(1024 * 1024), "--wait");

    expect(code).toBe(0);
    expect(recorder.requests).toHaveLength(1);
  });

  it("reports a Lambda error in one line", async () => {
    const { code, stderr } = await invoke("--function-name", "missing-function:live", "--id", "1");

    expect(code).toBe(1);
    expect(stderr).toBe("Invoking missing-function:live failed: ResourceNotFoundException: Function not found: missing-function:live\n");
  });

  it("says so when no region is configured", async () => {
    stubAwsEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined });
    const { code, stderr } = await invoke("--id", "1");

    expect(code).toBe(1);
    expect(stderr).toContain("no AWS region");
    expect(recorder.requests).toHaveLength(0);
  });

  it("--help lists the options and exits 0", async () => {
    const io = captureIo();
    expect(await invokeMain(["--help"], io)).toBe(0);
    for (const option of ["--function-name", "--amount", "--score", "--id", "--execution-name", "--region", "--endpoint-url"]) {
      expect(io.stdout).toContain(option);
    }
  });

  it("runs as `npm run invoke` does: a bad argument exits 2 with one line", async () => {
    const home = makeCliHome();
    try {
      const bad = await run(process.execPath, ["operate/invoke.ts", "--score", "9", "--endpoint-url", recorder.url], {
        env: home.env,
        cwd: repoRoot,
      });
      expect(bad.code, "a usage error").toBe(2);
      expect(bad.stderr.trim().split("\n")).toEqual([
        "error: option '--score <0-5>' argument '9' is invalid. Use a whole number from 0 to 5 (0 asks the risk scorer).",
      ]);
      expect(recorder.requests).toHaveLength(0);
    } finally {
      home.remove();
    }
  });
});
