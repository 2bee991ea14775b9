/**
 * `npm run synth|deploy|destroy`: argument handling without the CDK, then one real, offline
 * run of the command through the cdk CLI.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../workshop/manifest.ts";
import { HelpShown, UsageError, cdkBin, cdkInvocation, planCdkRun } from "./cdk-command.ts";
import { STACK_NAME } from "./workflow-entry.ts";

describe("npm run synth|deploy|destroy: arguments", () => {
  it("runs the cdk CLI from node_modules with this Node.js, no shell", () => {
    const run = planCdkRun(["synth"]);
    expect(run.action).toBe("synth");
    expect(run.context).toEqual({});
    expect(run.workflow.entry).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
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
      expect(run.workflow.entry).toMatch(/modules[\\/]01-first-step[\\/]handler\.ts$/);
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

  it("deploys the finished workflow for modules without a handler", () => {
    expect(planCdkRun(["synth", "--module", "09"]).workflow.entry).toMatch(/solutions[\\/]08-timeouts[\\/]handler\.ts$/);
  });

  it("stops with one line listing the valid modules for an unknown module (exit code 2)", () => {
    const attempt = () => planCdkRun(["synth", "--module", "42"]);
    expect(attempt).toThrow(UsageError);
    try {
      attempt();
    } catch (error) {
      const { message, exitCode } = error as UsageError;
      expect(exitCode).toBe(2);
      expect(message).not.toContain("\n");
      expect(message).toMatch(/Unknown module "42"\. Valid modules: 1, 01 or first-step; .*10, 10 or operate\./);
    }
  });

  it("rejects a bad timeout, a missing value and an unknown action", () => {
    expect(() => planCdkRun(["synth", "--verification-timeout", "0"])).toThrow(/whole number of seconds/);
    expect(() => planCdkRun(["synth", "--verification-timeout", "soon"])).toThrow(UsageError);
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
  const outdir = mkdtempSync(join(tmpdir(), "fraud-cdk-cli-"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes the chosen module through the cdk CLI", () => {
    // What `npm run synth -- --module 1 --solution` runs, with the output kept out of the repository.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CDK_VALIDATION: "false", // the validated synth is in app.test.ts
      CDK_DISABLE_CLI_TELEMETRY: "true",
      AWS_EC2_METADATA_DISABLED: "true",
    };
    delete env.NODE_ENV;
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "infra/cdk-command.ts", "synth", "--module", "1", "--solution", "--output", outdir, "--quiet", "--no-notices"],
      { cwd: repoRoot, env, encoding: "utf8", timeout: 90_000 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toContain("Synthesizing solutions/01-first-step/handler.ts (solution)");
    const template = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), "utf8")) as {
      Resources: Record<string, { Type: string; Properties: { Description?: string; Runtime?: string } }>;
    };
    const fn = Object.values(template.Resources).find((resource) => resource.Type === "AWS::Lambda::Function");
    expect(fn?.Properties.Description).toContain("solutions/01-first-step/handler.ts");
    expect(fn?.Properties.Runtime).toBe("nodejs24.x");
  }, 120_000);
});
