/**
 * Running the AWS CLI installed on the machine, safely, from tests.
 *
 * Every run gets a throwaway HOME (never the user's `~/.aws`), dummy credentials, no
 * inherited `AWS_*` settings and no proxy, and is killed if it outlives its time limit.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The `aws` executable on PATH, or undefined. */
export function findAwsCli(path = process.env.PATH ?? ""): string | undefined {
  // On Windows only aws.exe: a .cmd file cannot be started without a shell, and the
  // guide's JSON arguments would not survive cmd.exe quoting.
  const names = process.platform === "win32" ? ["aws.exe"] : ["aws"];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  return undefined;
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

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in ms. */
  ms: number;
}

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  input?: string;
}

/** Runs a program to its end (or kills it after `timeoutMs`) and collects its output. */
export function run(file: string, args: readonly string[], { env, cwd, timeoutMs = 30_000, input }: RunOptions): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"], shell: false });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      stderr += `\n[killed after ${timeoutMs} ms]`;
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input ?? "");
  });
}

/** Runs at most `n` tasks at a time: each CLI start costs a good second of CPU. */
export function limit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= n) return;
    const start = queue.shift();
    if (start) {
      active++;
      start();
    }
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

export interface ShellCommand {
  /** The command as written, continuation lines joined. */
  text: string;
  /** Its words, after bash quote removal. */
  words: string[];
  /** Things bash would expand (`$`, backquotes, globs, `~`), found outside single quotes. */
  expansions: string[];
  /** Line number in the Markdown file where the command starts. */
  line: number;
}

/**
 * Splits one bash command into words the way bash would for the subset a guide uses:
 * single quotes, double quotes, backslash escapes, backslash-newline continuations.
 * Anything bash would expand is reported rather than expanded.
 */
export function splitShellWords(text: string): Pick<ShellCommand, "words" | "expansions"> {
  const words: string[] = [];
  const expansions: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string) => (word = (word ?? "") + s);
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unclosed single quote in: ${text}`);
      add(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let part = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && '"\\$`'.includes(text[j + 1] ?? "")) {
          part += text[j + 1];
          j += 2;
        } else {
          if (text[j] === "$" || text[j] === "`") expansions.push(text[j]!);
          part += text[j];
          j++;
        }
      }
      if (j >= text.length) throw new Error(`unclosed double quote in: ${text}`);
      add(part);
      i = j + 1;
    } else if (c === "\\") {
      add(text[i + 1] ?? "");
      i += 2;
    } else {
      if ("$`*?[{;&|<>()!".includes(c) || (c === "~" && word === undefined)) expansions.push(c);
      add(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, expansions };
}

/** The commands in a Markdown file's fenced `bash`/`sh`/`zsh`/`shell` blocks, comments left out. */
export function shellCommandsIn(markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const lines = markdown.split("\n");
  let inBlock = false;
  let pending: { text: string; line: number } | undefined;
  lines.forEach((line, index) => {
    const fence = /^\s*```\s*([\w-]*)/.exec(line);
    if (fence) {
      inBlock = !inBlock && ["bash", "sh", "zsh", "shell"].includes((fence[1] ?? "").toLowerCase());
      pending = undefined;
      return;
    }
    if (!inBlock) return;
    const trimmed = line.trim();
    if (!pending && (trimmed === "" || trimmed.startsWith("#"))) return;
    pending = pending ? { text: `${pending.text}\n${line}`, line: pending.line } : { text: trimmed, line: index + 1 };
    if (!line.endsWith("\\")) {
      commands.push({ ...splitShellWords(pending.text), text: pending.text, line: pending.line });
      pending = undefined;
    }
  });
  return commands;
}
