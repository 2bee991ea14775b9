/**
 * Runs vitest from the workshop's own commands and hands back plain results.
 *
 * `npm test`, `npm run progress` and `npm run bench` need per-module outcomes (did the
 * solution pass? did the starter fail, and for the right reason?) rather than vitest's
 * console report, so they run vitest through its Node API with a quiet reporter.
 */
import { relative } from "node:path";
import type { Reporter, TestCase, TestModule } from "vitest/node";
import { startVitest } from "vitest/node";
import { moduleOfPath, repoRoot, type WorkshopModule } from "./manifest.ts";

/** `mistake:NN:<name>` runs module NN's tests on one catalogued mistake (workshop/mistakes.ts). */
export type Project = "starter" | "solution" | "repo" | `mistake:${string}`;

export interface TestOutcome {
  project: Project;
  /** The test file, relative to the repository, with forward slashes. */
  file: string;
  module: WorkshopModule | undefined;
  name: string;
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
  wallMs: number;
}

export interface RunOptions {
  /** Project names, or patterns such as `mistake:*`. */
  projects: string[];
  /** Path filters, as on vitest's command line (`modules/01-first-step`). */
  filters?: string[];
  /** Called as each test file finishes, for progress bars. */
  onFileDone?: (file: FileOutcome) => void;
}

const relativePath = (path: string) => relative(repoRoot, path).split("\\").join("/");
const firstLine = (message: string | undefined) => (message ?? "").split("\n")[0] ?? "";

function fileOutcome(testModule: TestModule): FileOutcome {
  const errors = testModule.errors().map((error) => firstLine(error.message));
  return {
    project: testModule.project.name as Project,
    file: relativePath(testModule.moduleId),
    module: moduleOfPath(testModule.moduleId),
    loaded: errors.length === 0,
    errors,
    durationMs: testModule.diagnostic().duration,
  };
}

function testOutcome(testCase: TestCase): TestOutcome {
  const result = testCase.result();
  return {
    project: testCase.project.name as Project,
    file: relativePath(testCase.module.moduleId),
    module: moduleOfPath(testCase.module.moduleId),
    name: testCase.fullName,
    state: result.state,
    messages: (result.errors ?? []).map((error) => firstLine(error.message)),
    durationMs: testCase.diagnostic()?.duration ?? 0,
  };
}

/** Runs the chosen projects once and collects every test's outcome. Prints nothing itself. */
export async function runTests({ projects, filters = [], onFileDone }: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const tests: TestOutcome[] = [];
  const files: FileOutcome[] = [];
  const unhandled: string[] = [];
  const reporter: Reporter = {
    onTestModuleEnd(testModule) {
      const file = fileOutcome(testModule);
      files.push(file);
      onFileDone?.(file);
    },
    onTestCaseResult(testCase) {
      tests.push(testOutcome(testCase));
    },
    onTestRunEnd(_modules, errors) {
      unhandled.push(...errors.map((error) => firstLine(error.message)));
    },
  };
  const vitest = await startVitest("test", filters, {
    run: true,
    watch: false,
    project: projects,
    reporters: [reporter],
    root: repoRoot,
    passWithNoTests: true,
  });
  await vitest.close();
  return { tests, files, unhandled, wallMs: performance.now() - started };
}
