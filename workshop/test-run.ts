/**
 * Runs vitest from the workshop's own commands and hands back plain results.
 *
 * `npm test`, `npm run progress` and `npm run bench` need per-module outcomes (did the
 * solution pass? did the starter fail, and for the right reason?) rather than vitest's
 * console report, so they run vitest through its Node API with a quiet reporter.
 *
 * A run cannot hang. vitest bounds each test and hook, but not a worker that never reports its
 * file finished. That is what the testing SDK's `skipTime` caused: its fake clock also fakes
 * `process.nextTick`, through which Node delivers the messages a worker receives, and messages
 * still queued on it when `teardownTestEnvironment()` uninstalls it are lost; the worker then
 * waits forever for vitest's answer to its last report. So `runTests` stops a run still going
 * `settleMs` after every file reported its results, or `deadlineMs` after it began, and says
 * which test files had not finished.
 */
import type { Reporter, TestCase, TestModule, TestSpecification, Vitest } from "vitest/node";
import { startVitest } from "vitest/node";
import { moduleOfPath, repoPath, repoRoot, type WorkshopModule } from "./manifest.ts";
import { type Entry, entries, entryOf } from "./check-entries.ts";

/**
 * `mistake:NN:<name>` is module NN's tests on one catalogued mistake: results are reported per
 * mistake (workshop/check-entries.ts).
 */
export type Project = "starter" | "solution" | "repo" | `mistake:${string}`;

export interface TestOutcome {
  project: Project;
  /** The test file, relative to the repository, with forward slashes. */
  file: string;
  module: WorkshopModule | undefined;
  /** With the names of the describe blocks around it: `01 · your first durable step > checkpoints ...`. */
  name: string;
  /** The test's own name, as `it(...)` gives it. */
  title: string;
  state: "passed" | "failed" | "skipped" | "pending";
  /** The first line of each error, the guidance a learner reads. */
  messages: string[];
  durationMs: number;
}

export interface FileOutcome {
  project: Project;
  file: string;
  module: WorkshopModule | undefined;
  /** False when the file could not even be loaded (a syntax error, a missing import). */
  loaded: boolean;
  /** Errors raised outside any test, e.g. while importing the file. */
  errors: string[];
  durationMs: number;
}

export interface RunResult {
  tests: TestOutcome[];
  files: FileOutcome[];
  /** Errors vitest could not pin on a test (an unhandled rejection, a crashed worker). */
  unhandled: string[];
  /**
   * With `quiet`, what the test files wrote past vitest's reporters (a child process's inherited
   * output, such as the CDK bundler's), for the caller to show when something failed.
   */
  output: string;
  /** Set when the run was stopped because it did not finish in time (see `RunOptions.deadlineMs`). */
  stopped?: StoppedRun;
}

export interface StoppedRun {
  /** One line for the person at the terminal: what was stopped, and why. */
  message: string;
  /** The test files that had not reported their results, as `project: file`. */
  unfinished: string[];
  /** False when vitest did not come to an end even after being cancelled: exit the process. */
  ended: boolean;
}

export interface RunOptions {
  /** Project names; vitest.config.ts builds only these. */
  projects: string[];
  /** Path filters, as on vitest's command line (`modules/01-first-step`). */
  filters?: string[];
  /** Called as each test file finishes, for progress bars. */
  onFileDone?: (file: FileOutcome) => void;
  /**
   * The longest the whole run may take, in ms (default 15 minutes). The environment variable
   * `WORKSHOP_TEST_DEADLINE_SECONDS`, when set, takes precedence, for slow machines.
   */
  deadlineMs?: number;
  /** How long vitest may take to finish once every test file has reported its results (default 30 s). */
  settleMs?: number;
  /** Keep what the test files write to the terminal out of it, in `RunResult.output`. */
  quiet?: boolean;
  /** Another vitest root and config file than the repository's (the workshop's own tests use it). */
  root?: string;
  config?: string;
}

const defaultDeadlineMs = 15 * 60_000;
const defaultSettleMs = 30_000;
/** After a cancel, how long to wait for vitest before cancelling again (which stops workers by force), then giving up. */
const cancelGraceMs = 3_000;

/** The run's deadline: `WORKSHOP_TEST_DEADLINE_SECONDS` if set, else the caller's, else 15 minutes. */
export function deadlineFor(requestedMs: number | undefined): number {
  const fromEnvironment = Number(process.env.WORKSHOP_TEST_DEADLINE_SECONDS);
  if (process.env.WORKSHOP_TEST_DEADLINE_SECONDS && Number.isFinite(fromEnvironment) && fromEnvironment > 0) {
    return fromEnvironment * 1000;
  }
  return requestedMs ?? defaultDeadlineMs;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

const firstLine = (message: string | undefined) => (message ?? "").split("\n")[0] ?? "";

/**
 * Which project a result belongs to, and its test file: the check's entry files
 * (workshop/check-entries.ts) report as the starter, the solution or their mistake, with the
 * module's test file.
 */
let checkEntries: Entry[] | undefined;
function origin(project: string, moduleId: string): { project: Project; file: string } {
  if (project !== "check" && project !== "mistakes") return { project: project as Project, file: repoPath(moduleId) };
  checkEntries ??= entries();
  const entry = entryOf(moduleId, checkEntries);
  if (entry === undefined) return { project: "repo", file: repoPath(moduleId) };
  return { project: entry.project as Project, file: repoPath(entry.testFile) };
}

function fileOutcome(testModule: TestModule): FileOutcome {
  const errors = testModule.errors().map((error) => firstLine(error.message));
  return {
    ...origin(testModule.project.name, testModule.moduleId),
    module: moduleOfPath(testModule.moduleId),
    loaded: errors.length === 0,
    errors,
    durationMs: testModule.diagnostic().duration,
  };
}

function testOutcome(testCase: TestCase): TestOutcome {
  const result = testCase.result();
  return {
    ...origin(testCase.project.name, testCase.module.moduleId),
    module: moduleOfPath(testCase.module.moduleId),
    name: testCase.fullName,
    title: testCase.name,
    state: result.state,
    messages: (result.errors ?? []).map((error) => firstLine(error.message)),
    durationMs: testCase.diagnostic()?.duration ?? 0,
  };
}

/**
 * Starts vitest as the workshop's commands do: Node.js 24 imports vitest.config.ts itself, with
 * no bundling of it first, and the config builds only the projects asked for
 * (`WORKSHOP_PROJECTS`, read while vitest starts); each saves about 0.1 s of a learner's run.
 */
export async function startWorkshopVitest(
  filters: string[],
  options: Parameters<typeof startVitest>[2] & { project: string[] },
): Promise<Vitest> {
  const before = process.env.WORKSHOP_PROJECTS;
  process.env.WORKSHOP_PROJECTS = options.project.join(",");
  try {
    return await startVitest("test", filters, { ...options, configLoader: "native" });
  } finally {
    // A watching vitest goes on: its re-runs start workers with this environment, and it reads
    // the config again when the config changes.
    if (!options.watch) {
      if (before === undefined) delete process.env.WORKSHOP_PROJECTS;
      else process.env.WORKSHOP_PROJECTS = before;
    }
  }
}

/**
 * Runs the chosen projects once and collects every test's outcome. Prints nothing itself, and
 * leaves `process.exitCode` as it found it: what a failed test means is the caller's to say.
 */
export async function runTests({
  projects,
  filters = [],
  onFileDone,
  deadlineMs,
  settleMs = defaultSettleMs,
  root = repoRoot,
  config,
  quiet = false,
}: RunOptions): Promise<RunResult> {
  const exitCodeBefore = process.exitCode;
  const tests: TestOutcome[] = [];
  const files: FileOutcome[] = [];
  const unhandled: string[] = [];

  // Which files vitest planned, and which have reported their end, keyed `project: file`.
  const key = (project: string, moduleId: string) => `${project}: ${repoPath(moduleId)}`;
  const planned = new Set<string>();
  const ended = new Set<string>();
  // Every timer of this run, cleared when it ends so that none keeps the process alive.
  const timers: NodeJS.Timeout[] = [];
  const after = (ms: number, then: () => void) => void timers.push(setTimeout(then, ms));

  let vitest: Vitest | undefined;
  let stopped: StoppedRun | undefined;
  let giveUp: (value: "gave up") => void = () => {};
  const gaveUp = new Promise<"gave up">((resolve) => (giveUp = resolve));
  const stop = (message: string) => {
    if (stopped) return;
    stopped = { message, unfinished: [...planned].filter((name) => !ended.has(name)), ended: false };
    // vitest's own way to end a run: the first cancel asks the workers to stop, a second one
    // while the first is still waiting stops them by force (as Ctrl+C twice does).
    const reason = "deadline" as Parameters<Vitest["cancelCurrentRun"]>[0];
    void vitest?.cancelCurrentRun(reason).catch(() => {});
    after(cancelGraceMs, () => {
      void vitest?.cancelCurrentRun(reason).catch(() => {});
      after(cancelGraceMs, () => giveUp("gave up"));
    });
  };
  const deadline = deadlineFor(deadlineMs);
  after(deadline, () => stop(`The test run did not finish within ${seconds(deadline)} and was stopped.`));
  let settling = false;

  const reporter: Reporter = {
    onInit(instance) {
      vitest = instance;
    },
    onTestRunStart(specifications: ReadonlyArray<TestSpecification>) {
      for (const spec of specifications) planned.add(key(spec.project.name, spec.moduleId));
    },
    onTestModuleEnd(testModule) {
      ended.add(key(testModule.project.name, testModule.moduleId));
      const file = fileOutcome(testModule);
      files.push(file);
      onFileDone?.(file);
      if (!settling && planned.size > 0 && [...planned].every((name) => ended.has(name))) {
        settling = true;
        after(settleMs, () =>
          stop(
            `Every test file reported its results, but vitest had not finished ${seconds(settleMs)} later ` +
              "(a test worker did not stop); the run was stopped.",
          ),
        );
      }
    },
    onTestCaseResult(testCase) {
      tests.push(testOutcome(testCase));
    },
    onTestRunEnd(_modules, errors) {
      unhandled.push(...errors.map((error) => firstLine(error.message)));
    },
  };

  // Test workers' output reaches this process's stdout and stderr, which vitest writes on.
  let output = "";
  const streams = quiet ? [process.stdout, process.stderr] : [];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      // The end is what explains a failure; a chatty run must not grow without bound.
      if (output.length > 2_000_000) output = output.slice(-1_000_000);
      const done = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }

  const running = (async () => {
    const instance = await startWorkshopVitest(filters, {
      run: true,
      watch: false,
      project: projects,
      reporters: [reporter],
      root,
      ...(config === undefined ? {} : { config }),
      passWithNoTests: true,
    });
    await instance.close();
    return "ended" as const;
  })();
  // Once given up on, a late failure of the abandoned run must not crash the caller.
  running.catch(() => {});
  try {
    const outcome = await Promise.race([running, gaveUp]);
    if (stopped) stopped.ended = outcome === "ended";
  } finally {
    for (const timer of timers) clearTimeout(timer);
    streams.forEach((stream, index) => {
      stream.write = writes[index] as typeof stream.write;
    });
    process.exitCode = exitCodeBefore;
  }

  if (stopped) {
    const detail =
      stopped.unfinished.length > 0
        ? `${stopped.message} Test files that had not finished: ${stopped.unfinished.join(", ")}.`
        : stopped.message;
    unhandled.push(detail);
  }
  return { tests, files, unhandled, output, ...(stopped ? { stopped } : {}) };
}
