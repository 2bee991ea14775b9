/**
 * `npm run synth|deploy|destroy`: argument handling without the CDK, then one real run of
 * `npm run synth` through the cdk CLI, with no network, proven to reach nothing off this machine.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseWorkflow, repoRoot, STACK_NAME } from "../workshop/manifest.ts";
import {
  describeAttempts,
  learnerEnv,
  noNetwork,
  npmCli,
  readNetworkTrace,
  settle,
  skipOrFail,
  type NetworkTrace,
} from "../workshop/testing/offline.ts";
import { captureIo } from "../tests/support/sandbox.ts";
import { UsageError } from "../workshop/command.ts";
import { HelpShown, MAX_VERIFICATION_TIMEOUT_SECONDS, cdkBin, cdkInvocation, cdkMain, planCdkRun } from "./cdk-command.ts";

describe("npm run synth|deploy|destroy: arguments", () => {
  it("runs the cdk CLI from node_modules with this Node.js, no shell", () => {
    const run = planCdkRun(["synth"]);
    expect(run.action).toBe("synth");
    expect(run.context).toEqual({});
    expect(run.workflow.path).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
    const { command, args } = cdkInvocation(run);
    expect(command).toBe(process.execPath);
    expect(args).toEqual([cdkBin(), "synth"]);
    expect(cdkBin()).toMatch(/node_modules[\\/]aws-cdk[\\/]bin[\\/]cdk$/);
    expect(existsSync(cdkBin())).toBe(true);
  });

  it("accepts a module as 1, 01 or a slug and passes it as context", () => {
    for (const given of ["1", "01", "first-step", "01-first-step"]) {
      const run = planCdkRun(["deploy", "--module", given]);
      expect(run.context, given).toEqual({ module: "01" });
      expect(run.workflow.path).toMatch(/modules[\\/]01-first-step[\\/]handler\.ts$/);
    }
  });

  it("passes the other choices as context and unknown options on to cdk", () => {
    const run = planCdkRun([
      "deploy",
      "-m",
      "8",
      "--solution",
      "--verification-timeout",
      "300",
      "--my-stack",
      "--profile",
      "workshop",
      "--require-approval",
      "never",
    ]);
    expect(run.context).toEqual({ module: "08", solution: "true", verificationTimeoutSeconds: "300", stack: "mine" });
    expect(run.passThrough).toEqual(["--profile", "workshop", "--require-approval", "never"]);
    expect(cdkInvocation(run).args.slice(1)).toEqual([
      "deploy",
      "--context",
      "module=08",
      "--context",
      "solution=true",
      "--context",
      "verificationTimeoutSeconds=300",
      "--context",
      "stack=mine",
      "--profile",
      "workshop",
      "--require-approval",
      "never",
    ]);
  });

  it("deploys the finished workflow for modules without a handler, and the app is told the same", () => {
    const run = planCdkRun(["synth", "--module", "09"]);
    expect(run.workflow.path).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
    // The app resolves the context with the same model (infra/fraud-app.ts): not module 08's starter.
    expect(run.context.module).toBe("09");
    expect(chooseWorkflow(run.context.module, { solution: run.context.solution === "true" }).described).toBe(run.workflow.described);
  });

  it("stops with one line listing the valid modules for an unknown module (exit code 2)", async () => {
    expect(() => planCdkRun(["synth", "--module", "42"])).toThrow(UsageError);
    const io = captureIo();
    expect(await cdkMain(["synth", "--module", "42"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toMatch(/Unknown module "42"\. Valid modules: 1, 01 or first-step; .*10, 10 or operate[.;]/);
    expect(io.stdout).toBe("");
  });

  it("refuses in one line a module whose workflow the app does not deploy (exit code 2), naming how to run it", async () => {
    const io = captureIo();
    expect(await cdkMain(["synth", "--module", "11"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toHaveLength(1);
    expect(io.stderr).toContain("npm start -- --module 11");
    expect(io.stdout).toBe("");
  });

  it("rejects a bad timeout, a missing value and an unknown action", () => {
    expect(() => planCdkRun(["synth", "--verification-timeout", "0"])).toThrow(/whole number of seconds/);
    expect(() => planCdkRun(["synth", "--verification-timeout", "soon"])).toThrow(UsageError);
    // Longer than the service runs an execution: one line, not the CDK's stack trace.
    expect(() => planCdkRun(["synth", "--verification-timeout", "99999999"])).toThrow(/at most 31618800 seconds/);
    expect(() => planCdkRun(["synth", "--verification-timeout", String(MAX_VERIFICATION_TIMEOUT_SECONDS)])).not.toThrow();
    expect(() => planCdkRun(["synth", "--module"])).toThrow(/argument missing/);
    expect(() => planCdkRun(["bootstrap"])).toThrow(/Unknown action "bootstrap"/);
  });

  it("prints help with the options and examples", () => {
    let text = "";
    expect(() => planCdkRun(["synth", "--help"], (chunk) => (text += chunk))).toThrow(HelpShown);
    for (const expected of ["--module <module>", "--solution", "--verification-timeout <seconds>", "--my-stack", "npx cdk bootstrap"]) {
      expect(text).toContain(expected);
    }
  });
});

describe("npm run synth: a real run, offline", () => {
  const scratch = mkdtempSync(join(tmpdir(), "fraud-cdk-cli-"));
  const outdir = join(scratch, "cdk.out");
  const traceFile = join(scratch, "network.jsonl");
  const isolation = noNetwork();
  const npm = npmCli();
  let result: SpawnSyncReturns<string>;
  let trace: NetworkTrace;
  let leftRunning: NetworkTrace["processes"] = [];
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  beforeAll(async () => {
    // `npm run synth -- --module 1 --solution` as a learner types it (with the output kept out
    // of the repository), with no network where the machine allows it, every Node.js process
    // traced, and a fresh HOME: npm and the cdk CLI remember earlier checks there.
    const home = join(scratch, "home");
    mkdirSync(home);
    // CDK_VALIDATION=false: the validated synth is in app.test.ts.
    const env: NodeJS.ProcessEnv = { ...learnerEnv(process.env, home, traceFile), CDK_VALIDATION: "false" };
    delete env.NODE_ENV;
    const synth = ["--module", "1", "--solution", "--output", outdir, "--quiet"];
    // Through npm itself where it can be found (npm has its own reasons to go online).
    const command = npm
      ? [process.execPath, npm, "run", "synth", "--", ...synth]
      : [process.execPath, "infra/cdk-command.ts", "synth", ...synth];
    const [file, ...args] = "prefix" in isolation ? [...isolation.prefix, ...command] : command;
    result = spawnSync(file as string, args, { cwd: repoRoot, env, encoding: "utf8", timeout: 90_000 });
    // The cdk CLI used to leave a process behind that went online after it exited.
    leftRunning = await settle(traceFile);
    trace = readNetworkTrace(traceFile);
  }, 120_000);

  it("synthesizes the chosen module through the cdk CLI", () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain("Synthesizing solutions/01-first-step/handler.ts (solution)");
    const template = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), "utf8")) as {
      Resources: Record<string, { Type: string; Properties: { Description?: string; Runtime?: string; Code?: { S3Key?: string } } }>;
    };
    const fn = Object.values(template.Resources).find((resource) => resource.Type === "AWS::Lambda::Function");
    expect(fn?.Properties.Description).toContain("solutions/01-first-step/handler.ts");
    expect(fn?.Properties.Runtime).toBe("nodejs24.x");
    // The function's code is module 01's handler, bundled: its step, and no later module's.
    const hash = String(fn?.Properties.Code?.S3Key).replace(/\.zip$/, "");
    const code = readFileSync(join(outdir, `asset.${hash}`, "index.js"), "utf8");
    expect(code).toContain("fraudCheck");
    expect(code, "module 01 has no parallel verification").not.toContain("human-verification");
  });

  it("looks nothing up and connects to nothing but 127.0.0.1, during the run or after it (no telemetry, no update check)", () => {
    expect(trace.processes.length, "the tracer saw no Node.js process: was it preloaded?").toBeGreaterThan(0);
    expect(describeAttempts(trace.attempts), "what `npm run synth` tried to reach off this machine").toBe("");
    expect(leftRunning, "processes of `npm run synth` still running after it ended").toEqual([]);
  });

  it("runs with no network at all (in a network namespace of its own, under unshare -n)", (context) => {
    if ("missing" in isolation) return skipOrFail(context, isolation.missing);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  });
});
