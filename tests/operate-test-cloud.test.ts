/**
 * `npm run test:cloud`: the smoke suite against a scripted fake of the deployed function on
 * 127.0.0.1 (through the real CloudDurableTestRunner and AWS SDK), and its refusal to start
 * without credentials.
 */
import { stripVTControlCharacters } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeCliHome, run } from "../operate/testing/aws-cli.ts";
import { fakeDurableService, type FakeOptions } from "../operate/testing/fake-durable.ts";
import { startRecorder } from "../operate/testing/loopback.ts";
import { captureIo, stubAwsEnv } from "../operate/testing/sandbox.ts";
import { smokeCases, testCloudMain } from "../workshop/cli/test-cloud.ts";
import { repoRoot } from "../workshop/manifest.ts";

afterEach(() => vi.unstubAllEnvs());

async function smoke(module: string, fakeOptions: FakeOptions = {}) {
  const fake = fakeDurableService(fakeOptions);
  const recorder = await startRecorder(fake.respond);
  stubAwsEnv();
  try {
    const io = captureIo();
    const code = await testCloudMain(
      [module, "--endpoint-url", recorder.url, "--poll-ms", "50", "--timeout", "40"],
      io,
      () => 1_769_853_600_000,
    );
    // Colour codes come and go with the terminal and with CI=true; the assertions read the text.
    return {
      code,
      stdout: stripVTControlCharacters(io.stdout),
      stderr: stripVTControlCharacters(io.stderr),
      fake,
      requests: recorder.requests,
    };
  } finally {
    await recorder.close();
  }
}

describe("npm run test:cloud", () => {
  it("runs every case on the finished workflow (module 10), answering the medium ones by callback", async () => {
    const { code, stdout, stderr, fake, requests } = await smoke("10");

    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toContain(`${smokeCases.length} passed, 0 failed`);
    expect(fake.executions.map((execution) => execution.status)).toEqual(smokeCases.map(() => "SUCCEEDED"));
    const answers = requests.filter((request) => request.path.endsWith("/succeed")).map((request) => request.body.toString());
    expect(answers.sort()).toEqual(['{"approved":false}', '{"approved":true}']);
    expect(requests.every((request) => request.headers.authorization?.includes("/eu-west-1/lambda/aws4_request"))).toBe(true);
  }, 60_000);

  it("runs only the cases a module's workflow can pass: module 01 authorizes low risk", async () => {
    const { code, stdout } = await smoke("first-step");

    expect(code).toBe(0);
    expect(stdout).toContain("low risk is authorized");
    expect(stdout).toContain("1 passed, 0 failed");
  }, 60_000);

  it("fails, naming the case, when the deployed workflow treats a no as a yes", async () => {
    const { code, stdout } = await smoke("08", { anyAnswerApproves: true });

    expect(code, stdout).toBe(1);
    expect(stdout).toMatch(/✗ medium risk, the card holder declines .*expected body.result "SentToFraudDept", got "authorized"/);
    expect(stdout).toContain("3 passed, 1 failed");
  }, 60_000);

  it("rejects an unknown module in one line that lists the valid ones", async () => {
    const io = captureIo();
    expect(await testCloudMain(["11"], io), "an unknown module is a usage error").toBe(2);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain("Valid modules: 1, 01 or first-step");
  });

  it("--help exits 0", async () => {
    const io = captureIo();
    expect(await testCloudMain(["--help"], io)).toBe(0);
    expect(io.stdout).toContain("--function-name");
  });

  it("without credentials stops with one line and exit code 1, touching no network", async () => {
    // Traps: were it to ask instance metadata or go through a proxy, the recorder would see it.
    const trap = await startRecorder();
    const home = makeCliHome();
    try {
      const env: NodeJS.ProcessEnv = {
        ...home.env,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: trap.url,
        HTTPS_PROXY: trap.url,
        HTTP_PROXY: trap.url,
        NO_PROXY: "",
      };
      for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"]) delete env[key];
      const result = await run(process.execPath, ["workshop/cli/test-cloud.ts", "10"], { env, cwd: repoRoot, timeoutMs: 20_000 });

      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^No AWS credentials found \(.*\)\. Run `aws configure` or set AWS_PROFILE/);
      expect(trap.requests, "no request reached the metadata trap").toEqual([]);
      expect(trap.connects).toEqual([]);
    } finally {
      home.remove();
      await trap.close();
    }
  }, 60_000);
});
