/**
 * `npm run test:cloud`: the smoke suite against the local durable-lambda endpoint on 127.0.0.1,
 * which runs the real workflow (through the real CloudDurableTestRunner and AWS SDK), and its
 * refusal to start without credentials.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { stripVTControlCharacters } from "node:util";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { startLocalApi } from "../operate/local-api/server.ts";
import { workflowFor } from "../operate/local-api/workflow.ts";
import { loadWorkflow } from "../workshop/workflow-loader.ts";
import { makeCliHome } from "./support/aws-cli.ts";
import { run } from "./support/run.ts";
import { startRecorder } from "./support/loopback.ts";
import { captureIo, stubAwsEnv } from "./support/sandbox.ts";
import { smokeCases, testCloudMain } from "../workshop/cli/test-cloud.ts";
import { findModule, repoRoot } from "../workshop/manifest.ts";
import { mistakes, patchedFiles } from "../workshop/mistakes.ts";

afterEach(() => vi.unstubAllEnvs());

// A catalogued mistake's handler, written two folders below the repository as a solution is,
// so that its imports resolve as the solution's do. (.workshop/ is the workshop's own, ignored.)
const patchedFolder = join(repoRoot, ".workshop", "patched-handlers");
afterAll(() => rmSync(patchedFolder, { recursive: true, force: true }));

async function mistakeHandler(module: string, name: string): Promise<DurableLambdaHandler> {
  const mistake = mistakes().find((entry) => entry.module === findModule(module) && entry.name === name);
  if (mistake === undefined) throw new Error(`no catalogued mistake ${module}/${name}`);
  const [[, source]] = [...patchedFiles(mistake)] as [[string, string]];
  mkdirSync(patchedFolder, { recursive: true });
  const file = join(patchedFolder, `${mistake.module.number}-${name}.ts`);
  writeFileSync(file, source);
  return ((await import(pathToFileURL(file).href)) as { handler: DurableLambdaHandler }).handler;
}

/** test:cloud against the local endpoint running `handler` (the module's solution by default). */
async function smoke(module: string, handler?: DurableLambdaHandler) {
  const signatures: string[] = [];
  const api = await startLocalApi({
    handler: handler ?? (await loadWorkflow(workflowFor({ module, solution: true }))).handler,
    port: 0,
    executionTimeoutSeconds: () => 3600,
    onRequest: (request) => signatures.push(request.headers.authorization ?? "(unsigned)"),
  });
  stubAwsEnv();
  try {
    const io = captureIo();
    const code = await testCloudMain([module, "--endpoint-url", api.url, "--poll-ms", "50", "--timeout", "40"], io);
    const executions = api.registry.executions();
    await Promise.race([Promise.all(executions.map((execution) => execution.ended)), new Promise((resolve) => setTimeout(resolve, 5_000))]);
    // What each execution's callbacks were answered with, as the service recorded it.
    const answers = executions.flatMap((execution) =>
      execution
        .history()
        .filter((event) => event.EventType === "CallbackSucceeded")
        .map((event) => String(event.CallbackSucceededDetails?.Result?.Payload ?? "")),
    );
    // Colour codes come and go with the terminal and with CI=true; the assertions read the text.
    return {
      code,
      stdout: stripVTControlCharacters(io.stdout),
      stderr: stripVTControlCharacters(io.stderr),
      statuses: executions.map((execution) => execution.status),
      answers,
      signatures,
    };
  } finally {
    await api.close();
  }
}

describe("npm run test:cloud", () => {
  it("runs every case on the finished workflow (module 10), answering the medium ones by callback", async () => {
    const { code, stdout, stderr, statuses, answers, signatures } = await smoke("10");

    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toContain(`${smokeCases.length} passed, 0 failed`);
    expect(statuses).toEqual(smokeCases.map(() => "SUCCEEDED"));
    expect(answers.sort()).toEqual(['{"approved":false}', '{"approved":true}']);
    expect(signatures.length).toBeGreaterThan(0);
    expect(
      signatures.filter((signature) => !signature.includes("/eu-west-1/lambda/aws4_request")),
      "signed for the region set",
    ).toEqual([]);
  }, 60_000);

  it("runs only the cases a module's workflow can pass: module 01 authorizes low risk", async () => {
    const { code, stdout } = await smoke("first-step");

    expect(code).toBe(0);
    expect(stdout).toContain("low risk is authorized");
    expect(stdout).toContain("1 passed, 0 failed");
  }, 60_000);

  it("fails, naming the case, when the deployed workflow treats a no as a yes", async () => {
    // The catalogue's module 06 mistake: any answer approves (the FraudDetection sample's bug).
    const { code, stdout } = await smoke("06", await mistakeHandler("06", "any-answer-approves"));

    expect(code, stdout).toBe(1);
    expect(stdout).toMatch(/✗ medium risk, the card holder declines .*expected body.result "SentToFraudDept", got "authorized"/);
    expect(stdout).toContain("3 passed, 1 failed");
  }, 60_000);

  it("rejects an unknown module in one line that lists the valid ones", async () => {
    const io = captureIo();
    expect(await testCloudMain(["42"], io), "an unknown module is a usage error").toBe(2);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain("Valid modules: 1, 01 or first-step");
  });

  it("refuses in one line a module whose workflow is not the deployed fraud check, naming how to run it", async () => {
    const io = captureIo();
    expect(await testCloudMain(["11"], io), "a module that is not deployed is a usage error").toBe(2);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain("npm start -- --module 11");
    const composed = captureIo();
    expect(await testCloudMain(["13"], composed), "module 13 escalates without the card holder: not these smoke cases").toBe(2);
    expect(composed.stderr).toContain("npm run test:module -- 13");
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
