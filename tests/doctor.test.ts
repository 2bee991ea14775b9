/**
 * `npm run doctor`: each check says what it found and how to fix what is missing, and the exit
 * code says whether modules 01-08 can run. The AWS CLI's answers are scripted (a probe), so
 * nothing here calls AWS; one run uses this machine's real tools, without `aws` on PATH.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { captureIo } from "./support/sandbox.ts";
import { dependenciesFinding, diagnose, doctorMain, nodeFinding, type Probe } from "../workshop/cli/doctor.ts";
import { repoRoot } from "../workshop/manifest.ts";

const scratch = mkdtempSync(join(tmpdir(), "workshop-doctor-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A machine whose tools answer as scripted: `command args...` -> first line, or undefined. */
const scripted =
  (answers: Record<string, string | undefined>): Probe =>
  async (command, args) =>
    answers[[command, ...args].join(" ")];
const tools = { "npm --version": "11.6.0", "git --version": "git version 2.47.0" };
const skeleton = "aws lambda get-durable-execution --generate-cli-skeleton";

describe("npm run doctor: each check", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("takes Node.js 24, warns on 22.18 to 23, and stops older ones with how to get 24", () => {
    expect(nodeFinding("24.11.1").state).toBe("ok");
    const older = nodeFinding("22.18.0");
    expect(older.state).toBe("warning");
    expect(older.fix).toContain("nvm install 24");
    const tooOld = nodeFinding("20.19.5");
    expect(tooOld).toMatchObject({ state: "missing", blocksLearning: true });
    expect(tooOld.fix).toContain("nvm install 24");
  });

  it("finds the dependencies npm ci installed, and names a package that differs from the lockfile", () => {
    expect(dependenciesFinding().state, "this repository, as npm ci left it").toBe("ok");
    const root = mkdtempSync(join(scratch, "deps-"));
    const lock = {
      packages: { "": {}, "node_modules/vitest": { version: "4.1.12" }, "node_modules/x-win32": { version: "1.0.0", optional: true } },
    };
    writeFileSync(join(root, "package-lock.json"), JSON.stringify(lock));
    expect(dependenciesFinding(root)).toMatchObject({ state: "missing", fix: "npm ci", found: "node_modules is not installed" });
    mkdirSync(join(root, "node_modules"));
    writeFileSync(
      join(root, "node_modules", ".package-lock.json"),
      JSON.stringify({ packages: { "node_modules/vitest": { version: "4.0.0" } } }),
    );
    const stale = dependenciesFinding(root);
    expect(stale).toMatchObject({ state: "missing", fix: "npm ci", blocksLearning: true });
    expect(stale.found, "another platform's optional build is not counted").toContain("1 package(s) differ");
    expect(stale.found).toContain("vitest 4.0.0 (locked 4.1.12)");
  });

  it("names the fix for a missing npm (blocking), git and Chromium (not blocking)", async () => {
    vi.stubEnv("CHROMIUM_PATH", join(scratch, "no-chromium"));
    const bare = await diagnose({ probe: scripted({}) });
    const part = (name: string) => bare.find((finding) => finding.part === name);
    expect(part("npm")).toMatchObject({ state: "missing", blocksLearning: true, found: "no `npm` on PATH" });
    expect(part("npm")?.fix).toContain("Node.js 24");
    expect(part("git")).toMatchObject({ state: "missing", fix: "https://git-scm.com/downloads" });
    expect(part("git")?.blocksLearning).toBeFalsy();
    expect(part("Chromium")).toMatchObject({ state: "optional", fix: "apt-get install chromium, or set CHROMIUM_PATH" });
    expect(part("AWS CLI")?.state, "modules 01-08 need no AWS CLI").toBe("optional");
  });

  it("reports the AWS CLI's major version, and the durable-lambda model as needed when the CLI lacks the commands", async () => {
    const home = mkdtempSync(join(scratch, "home-"));
    const v2 = await diagnose({
      home,
      probe: scripted({ ...tools, "aws --version": "aws-cli/2.31.0 Python/3.13.7 Linux/6.1 exe/x86_64" }),
    });
    expect(v2.find((finding) => finding.part === "AWS CLI")).toMatchObject({ state: "ok", found: "version 2 (aws-cli/2.31.0)" });
    const model = v2.find((finding) => finding.part === "durable-lambda model");
    expect(model).toMatchObject({ state: "missing", neededFor: "module 10" });
    expect(model?.fix).toBe("aws configure add-model --service-model file://service.json --service-name durable-lambda");

    const builtIn = await diagnose({
      home,
      probe: scripted({ ...tools, "aws --version": "aws-cli/1.45.11 Python/3.11.7", [skeleton]: "{" }),
    });
    expect(builtIn.find((finding) => finding.part === "durable-lambda model")?.state, "optional: the CLI has the commands").toBe(
      "optional",
    );

    mkdirSync(join(home, ".aws", "models", "durable-lambda"), { recursive: true });
    const added = await diagnose({ home, probe: scripted({ ...tools, "aws --version": "aws-cli/2.31.0" }) });
    expect(added.find((finding) => finding.part === "durable-lambda model")?.state).toBe("ok");
  });

  it("checks region, credentials and CDK bootstrap only with --aws, each with its fix", async () => {
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    const probe = scripted({ ...tools, "aws --version": "aws-cli/2.31.0", "aws configure get region": "eu-west-1" });
    const offline = await diagnose({ probe });
    expect(offline.map((finding) => finding.part)).not.toContain("AWS credentials");

    const online = await diagnose({ aws: true, probe });
    expect(online.find((finding) => finding.part === "AWS region")).toMatchObject({ state: "ok", found: "eu-west-1" });
    expect(online.find((finding) => finding.part === "AWS credentials")).toMatchObject({
      state: "missing",
      fix: "aws configure (or aws sso login)",
    });
    expect(online.find((finding) => finding.part === "CDK bootstrap")).toMatchObject({ state: "missing", fix: "npx cdk bootstrap" });

    vi.stubEnv("AWS_REGION", "us-west-2");
    const fromEnv = await diagnose({ aws: true, probe });
    expect(fromEnv.find((finding) => finding.part === "AWS region")?.found, "AWS_REGION wins over the config file").toBe("us-west-2");
  });

  it("exits 0 on this machine without `aws` on PATH, naming the AWS CLI's install page", async () => {
    // The folders that hold an `aws` go, but the other tools in them stay reachable (on Debian,
    // /usr/bin holds git, npm and AWS CLI v2 alike).
    const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
    const kept = join(scratch, "bin-without-aws");
    mkdirSync(kept, { recursive: true });
    for (const tool of ["npm", "npx", "git", "chromium"]) {
      const from = dirs.find((dir) => existsSync(join(dir, tool)));
      if (from !== undefined && existsSync(join(from, "aws")) && !existsSync(join(kept, tool)))
        symlinkSync(join(from, tool), join(kept, tool));
    }
    vi.stubEnv("PATH", [kept, ...dirs.filter((dir) => !existsSync(join(dir, "aws")))].join(delimiter));
    const io = captureIo();
    const code = await doctorMain([], io);
    const output = stripVTControlCharacters(io.stdout + io.stderr);

    expect(code, output).toBe(0);
    for (const part of ["Node.js", "npm", "dependencies (npm ci)", "git", "Chromium", "AWS CLI"]) expect(output).toContain(part);
    expect(output).toContain("no `aws` on PATH");
    expect(output).toContain("AWS CLI: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html");
    expect(output).toContain("Modules 01-08 can run: they need none of the AWS parts.");
  });

  it("answers an unknown option in one line, with exit code 2, checking nothing", async () => {
    const io = captureIo();
    expect(await doctorMain(["--bogus"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual(["error: unknown option '--bogus'"]);
    expect(io.stdout).toBe("");
  });

  it("exits 1 with how to get Node.js 24 when this Node.js cannot run TypeScript", () => {
    // Node.js without type stripping stands for an older Node.js: the entry is JavaScript for them.
    const result = spawnSync(process.execPath, ["--no-experimental-strip-types", "workshop/cli/doctor.mjs"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain("cannot run this workshop");
    expect(result.stderr).toContain("nvm install 24");
  });
});
