/**
 * Running a program from a test: exactly the environment given, killed past its time limit,
 * its output collected, and an exit code that is a result rather than an exception.
 */
import { x } from "tinyexec";

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

/** Runs a program to its end (or kills it after `timeoutMs`) and collects its output; never throws for an exit code. */
export async function run(file: string, args: readonly string[], { env, cwd, timeoutMs = 30_000, input }: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const child = x(file, [...args], {
    timeout: timeoutMs,
    throwOnError: false,
    // Exactly the environment given: tests remove variables on purpose (WORKSHOP_CHECK, CI, AWS_*).
    inheritEnv: false,
    nodePath: false,
    stdin: input ?? "",
    nodeOptions: { env, ...(cwd ? { cwd } : {}), killSignal: "SIGKILL" },
  });
  const { stdout, stderr, exitCode } = await child;
  return {
    code: exitCode ?? null,
    stdout,
    stderr: child.killed ? `${stderr}\n[killed after ${timeoutMs} ms]` : stderr,
    ms: Date.now() - started,
  };
}
