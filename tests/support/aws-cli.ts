/**
 * Running the AWS CLI installed on the machine, safely, from tests.
 *
 * Every run gets a throwaway HOME (never the user's `~/.aws`), dummy credentials, no
 * inherited `AWS_*` settings and no proxy, and is killed if it outlives its time limit.
 * `openAwsCli` runs many commands of AWS CLI v1 in one Python process (see aws-batch.py).
 */
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { type RunResult, run } from "./run.ts";

/** Every `aws` executable on PATH, in PATH order, each file once. */
function awsOnPath(path: string): string[] {
  // On Windows only aws.exe: a .cmd file cannot be started without a shell, and the
  // guide's JSON arguments would not survive cmd.exe quoting.
  const names = process.platform === "win32" ? ["aws.exe"] : ["aws"];
  const files = new Map<string, string>();
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (!existsSync(candidate) || !statSync(candidate).isFile()) continue;
      // /bin/aws and /usr/bin/aws are one file where /bin links to /usr/bin.
      const real = realpathSync(candidate);
      if (!files.has(real)) files.set(real, candidate);
    }
  }
  return [...files.values()];
}

export interface AwsCli {
  path: string;
  /** As the CLI reports it: `1.45.11`, `2.9.19`. */
  version: string;
  major: number;
}

/** The version of the AWS CLI at `aws`, or undefined when it does not say. */
async function awsCliVersion(aws: string): Promise<string | undefined> {
  // A Python CLI says it without loading the CLI (a quarter of the CPU of `aws --version`).
  const python = pythonOfAwsCli(aws);
  const asked = python
    ? await run(python.command, [...python.args, "-c", "import awscli; print(awscli.__version__)"], { env: process.env })
    : await run(aws, ["--version"], { env: process.env });
  return /(?:^|aws-cli\/)(\d+\.\d+\.\d+)/.exec(`${asked.stdout}${asked.stderr}`.trim())?.[1];
}

/**
 * The AWS CLIs on PATH, the first of each major version: v1 (pip) and v2 (AWS's installer or
 * Debian's package) can be side by side, and the tests that run the CLI run on each.
 */
export async function findAwsClis(path = process.env.PATH ?? ""): Promise<AwsCli[]> {
  const found: AwsCli[] = [];
  for (const candidate of awsOnPath(path)) {
    const version = await awsCliVersion(candidate);
    const major = Number(version?.split(".")[0]);
    if (version !== undefined && !found.some((cli) => cli.major === major)) found.push({ path: candidate, version, major });
  }
  return found;
}

/**
 * `suite` once for each AWS CLI major version on PATH, in a `describe` named after it, and a
 * test that both v1 and v2 were there: without one it says what is missing and skips, except
 * under `CI=true`, where it fails.
 */
export function describeEachAwsCli(what: string, clis: readonly AwsCli[], suite: (cli: AwsCli) => void): void {
  describe(what, () => {
    it("runs on AWS CLI v1 and on v2 (both required under CI=true)", ({ skip }) => {
      const missing = [1, 2].filter((major) => !clis.some((cli) => cli.major === major));
      if (missing.length > 0) {
        const why = `no AWS CLI v${missing.join(" or v")} on PATH (v1: pip install awscli; v2: Debian's awscli package, or AWS's installer)`;
        if (process.env.CI === "true") throw new Error(`CI=true but ${why}: these tests need both; .ci/run installs Debian's awscli (v2).`);
        console.warn(`${what}: run only on the AWS CLI found, ${why}.`);
        skip();
      }
      expect(clis.map((cli) => cli.major).sort()).toEqual([1, 2]);
    });
  });
  for (const cli of clis) describe(`${what}, on AWS CLI v${cli.major}`, () => suite(cli));
}

export interface CliHome {
  home: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** The region every test run uses; the signing scope must name it. */
export const TEST_REGION = "eu-west-1";

/** A throwaway HOME and an environment for the CLI that cannot reach the user's AWS set-up. */
export function makeCliHome(): CliHome {
  const home = mkdtempSync(join(tmpdir(), "workshop-aws-home-"));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^AWS_/i.test(key) || /^(https?|all|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  Object.assign(env, {
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_ACCESS_KEY_ID: "AKIDWORKSHOPTEST",
    AWS_SECRET_ACCESS_KEY: "workshop-test-secret",
    AWS_DEFAULT_REGION: TEST_REGION,
    AWS_REGION: TEST_REGION,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_MAX_ATTEMPTS: "1",
    AWS_RETRY_MODE: "standard",
    // v1 renders help through $PAGER (an empty value crashes it); v2 reads AWS_PAGER.
    PAGER: "cat",
    AWS_PAGER: "",
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  });
  return { home, env, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** The interpreter (and its arguments) that runs an AWS CLI v1 script. */
export interface PythonCli {
  command: string;
  args: string[];
}

const pythonCache = new Map<string, PythonCli | undefined>();

/**
 * The Python that runs the AWS CLI v1 script `aws`: read from the script's shebang, after
 * following a pyenv shim to the real script (`pyenv which aws`, with the same environment and
 * folder, so the shim's choice). Undefined for anything else: AWS CLI v2's binary, aws.exe, a
 * wrapper this does not know. Then the CLI runs one process per command, as a user would.
 */
export function pythonOfAwsCli(aws: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): PythonCli | undefined {
  const key = `${aws}\0${cwd}\0${env.PYENV_VERSION ?? ""}`;
  if (!pythonCache.has(key)) pythonCache.set(key, findPython(aws, env, cwd, 0));
  return pythonCache.get(key);
}

function findPython(file: string, env: NodeJS.ProcessEnv, cwd: string, depth: number): PythonCli | undefined {
  let text: string;
  try {
    const fd = openSync(file, "r");
    try {
      const buffer = Buffer.alloc(16_384);
      text = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (!text.startsWith("#!")) return undefined;
  if (/\bawscli\.clidriver\b/.test(text)) {
    // pip writes `#!/bin/sh` and an `'''exec' python "$0" "$@"` line when the path is too long.
    const viaSh = /^'''exec' (?:"([^"]+)"|(\S+)) "\$0" "\$@"/m.exec(text);
    const words = viaSh ? [viaSh[1] ?? viaSh[2]!] : text.slice(2, text.indexOf("\n")).trim().split(/\s+/);
    const program = basename(words[0] ?? "") === "env" ? words.slice(1).find((w) => !w.startsWith("-")) : words[0];
    if (!program || !/python|pypy/i.test(basename(program))) return undefined;
    return { command: words[0]!, args: words.slice(1) };
  }
  // A pyenv shim: `exec "$PYENV_ROOT/libexec/pyenv" exec "$program" "$@"`.
  const shim = /exec "([^"]*\/libexec\/pyenv)" exec /.exec(text);
  if (shim && depth === 0) {
    const root = /export PYENV_ROOT="([^"]+)"/.exec(text)?.[1];
    try {
      const real = execFileSync(shim[1]!, ["which", basename(file)], {
        env: root ? { ...env, PYENV_ROOT: root } : env,
        cwd,
        encoding: "utf8",
        timeout: 10_000,
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      return real ? findPython(real, env, cwd, depth + 1) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CliRunOptions {
  /** Changes to the runner's environment for this command only; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Runs AWS CLI commands in one throwaway environment (one HOME), one after the other. */
export interface AwsCliRunner {
  run(args: readonly string[], options?: CliRunOptions): Promise<RunResult>;
  /** "batch" once the CLI runs in one Python process; "process" for one `aws` process per command. */
  mode(): Promise<"batch" | "process">;
  close(): Promise<void>;
}

/** At most three `aws` processes at a time, across all runners of a test file: each start costs a good second of CPU. */
const processSlot = pLimit(3);

const batchDriver = fileURLToPath(new URL("./aws-batch.py", import.meta.url));

/**
 * Runs the AWS CLI at `aws` with `env` (from `makeCliHome()`) in `cwd`.
 *
 * Starting `aws` costs most of a second of CPU (Python, then botocore), so when `aws` is the
 * AWS CLI v1 script, every command goes to one Python process (aws-batch.py) that imports the
 * installed awscli and calls `awscli.clidriver.main()` for each command with a fresh driver,
 * exactly what the `aws` script does: the real CLI still parses, signs, sends and prints. Its
 * environment is this one, so it reads no ~/.aws of the user and has the same proxy settings.
 * Anything else (AWS CLI v2, aws.exe), or a Python that cannot import awscli, gets one `aws`
 * process per command, at most three at a time.
 *
 * Commands run in the order given; HOME must stay the same (botocore reads ~/.aws/models once).
 */
export function openAwsCli(aws: string, { env, cwd }: { env: NodeJS.ProcessEnv; cwd: string }): AwsCliRunner {
  const perProcess = (args: readonly string[], options: CliRunOptions = {}): Promise<RunResult> => {
    const merged: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete merged[name];
      else merged[name] = value;
    }
    return processSlot(() => run(aws, args, { env: merged, cwd, timeoutMs: options.timeoutMs }));
  };

  const python = pythonOfAwsCli(aws, env, cwd);
  if (!python) {
    return { run: perProcess, mode: async () => "process", close: async () => undefined };
  }

  interface Pending {
    args: readonly string[];
    options: CliRunOptions;
    resolve(result: RunResult): void;
    reject(error: unknown): void;
    started?: number;
  }
  const queue: Pending[] = [];
  let ready = false;
  /** Set when the batch process is gone: what is still queued runs process by process. */
  let failed: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let resolveMode!: (mode: "batch" | "process") => void;
  const mode = new Promise<"batch" | "process">((resolve) => (resolveMode = resolve));
  let driverStderr = "";

  const child = spawn(python.command, [...python.args, batchDriver], { env, cwd, stdio: ["pipe", "pipe", "pipe"], shell: false });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (driverStderr += chunk));
  child.stdin.on("error", () => undefined);

  /** The head of the queue has `timeoutMs` from the moment it can start (the driver's start counts). */
  const arm = () => {
    clearTimeout(timer);
    const head = queue[0];
    if (!head || failed) return;
    head.started = Date.now();
    const timeoutMs = head.options.timeoutMs ?? 30_000;
    timer = setTimeout(() => {
      if (!ready) return fail(`the batch driver did not start within ${timeoutMs} ms`, false);
      const killed = queue.shift()!;
      killed.resolve({ code: null, stdout: "", stderr: `[killed after ${timeoutMs} ms]`, ms: Date.now() - killed.started! });
      fail(`killed after ${timeoutMs} ms`, false);
    }, timeoutMs);
  };

  /** The batch is over: the head fails if it was running, the rest run process by process. */
  const fail = (why: string, headWasRunning: boolean) => {
    if (failed) return;
    failed = why;
    clearTimeout(timer);
    if (!child.killed && child.exitCode === null) child.kill("SIGKILL");
    resolveMode(ready ? "batch" : "process");
    if (headWasRunning && ready) {
      const head = queue.shift();
      head?.resolve({
        code: null,
        stdout: "",
        stderr: `[the AWS CLI batch process ended: ${why}]\n${driverStderr}`,
        ms: Date.now() - (head.started ?? Date.now()),
      });
    }
    if (queue.length > 0) console.warn(`AWS CLI batch process: ${why}; running ${queue.length} command(s) one \`aws\` process each.`);
    for (const pending of queue.splice(0)) perProcess(pending.args, pending.options).then(pending.resolve, pending.reject);
  };

  createInterface({ input: child.stdout }).on("line", (line) => {
    if (failed) return;
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return fail(`unexpected output: ${line}`, true);
    }
    if (!ready) {
      if (message.ready !== true) return fail(`awscli cannot be imported: ${String(message.error)}`, false);
      ready = true;
      resolveMode("batch");
      return arm();
    }
    const head = queue.shift();
    if (!head) return fail(`a result for no command: ${line}`, false);
    head.resolve({
      code: message.code as number,
      stdout: String(message.stdout),
      stderr: String(message.stderr),
      ms: Date.now() - head.started!,
    });
    arm();
  });
  child.on("error", (error) => fail(`cannot start ${python.command}: ${error.message}`, true));
  // A write after the process ended fails with EPIPE; its "close" above reports the end.
  child.stdin.on("error", () => {});
  child.on("close", (code, signal) => fail(`exited with ${signal ?? `code ${code}`}`, true));

  return {
    run(args, options = {}) {
      if (failed) return perProcess(args, options);
      return new Promise<RunResult>((resolve, reject) => {
        queue.push({ args, options, resolve, reject });
        const env = Object.fromEntries(Object.entries(options.env ?? {}).map(([name, value]) => [name, value ?? null]));
        child.stdin.write(`${JSON.stringify({ argv: args, env })}\n`);
        if (queue.length === 1) arm();
      });
    },
    mode: () => mode,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = new Promise((resolve) => child.once("close", resolve));
      child.stdin.end();
      await closed;
    },
  };
}
