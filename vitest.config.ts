import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";
import { repoPath, repoRoot } from "./workshop/manifest.ts";
import { entries, entriesDir, entryOf, writeEntries } from "./workshop/check-entries.ts";
import type { Target } from "./workshop/solution-resolver.ts";
import { warmForks } from "./workshop/warm-workers.ts";

// Many test files spend most of their time waiting (on the local checkpoint worker, a child
// process, a real-time retry), so more workers than cores pays off. In the maintainer check a
// worker serves file after file, so each costs its start once: on 2 cores, 6 workers kept both
// cores busy to the end (npm test in 57-61 s, against 61-63 s with 4).
const workers = 6;

/** Set by the maintainer check (`npm test`) and `npm run bench`. */
const checking = process.env.WORKSHOP_CHECK === "1";

/**
 * The projects a workshop command runs (`WORKSHOP_PROJECTS`, set by `startWorkshopVitest` in
 * workshop/test-run.ts): only those are built, since each costs the run its setup (about 0.1 s of the
 * learner's loop). Without it, as from vitest's own command line, all are.
 */
const onlyProjects = process.env.WORKSHOP_PROJECTS?.split(",");
const wanted = (name: string) => onlyProjects === undefined || onlyProjects.includes(name);

/**
 * In the maintainer check, test files are not isolated: a worker loads the SDK and starts the
 * local runtime (workshop/testing/local-runtime.ts) once for all the files it runs, which saves
 * about 0.3 s of CPU a file. (Every spy in the module tests is restored by the test or hook that
 * made it, failed or not.) A learner's run keeps vitest's isolation.
 */
const sharedRuntime = { isolate: false, env: { WORKSHOP_SHARE_RUNTIME: "1" } };

/**
 * Node.js imports the TypeScript of the module tests itself, as `npm start` runs it, instead of
 * vitest transforming each file first (about 0.3 s less a learner's run). Where a test must meet
 * the solution or a mistake instead of the learner's code, Node.js module hooks choose the file
 * (workshop/solution-resolver.ts); a learner's run of their own code needs none.
 * (tsconfig's erasableSyntaxOnly keeps the code to what Node.js can run.)
 */
const nativeImport = { experimental: { viteModuleRunner: false } };
const solutionHooks = ["--import", pathToFileURL(join(repoRoot, "workshop", "solution-resolver.ts")).href];
const withSolutionHooks = { ...nativeImport, execArgv: solutionHooks };

/**
 * In a learner's run each worker loads the SDK and starts the checkpoint server before vitest
 * hands it a file, and in watch mode the next worker is started as soon as a run is done
 * (workshop/warm-workers.ts): a save shows its result about 0.4 s sooner.
 */
const workerPreload = ["--import", pathToFileURL(join(repoRoot, "workshop", "testing", "worker-preload.ts")).href];

/** The module tests, run on the learner's code ("starter") or on the solutions. */
const moduleProject = (target: Target) => ({
  extends: true as const,
  test: {
    name: target,
    include: ["modules/*/*.test.ts"],
    ...(checking ? sharedRuntime : { pool: warmForks() }),
    ...nativeImport,
    execArgv: [...(target === "solution" ? solutionHooks : []), ...(checking ? [] : workerPreload)],
    env: { ...(checking ? sharedRuntime.env : {}), ...(target === "solution" ? { WORKSHOP_TARGET: "solution" } : {}) },
  },
});

/** Tests of the workshop itself: the domain, the tooling, the CDK app, service.json. */
const repoTests = ["tests/**/*.test.ts", "infra/**/*.test.ts", "operate/**/*.test.ts"];

/**
 * On each catalogued mistake, only the test its patch names as the one that catches it runs
 * (workshop/mistakes.ts).
 */
const catchingTestOnly = "./workshop/testing/catching-test-only.ts";

/**
 * `npm test`'s one project: the module tests on the starters, the solutions and every catalogued
 * mistake, through entry files (workshop/check-entries.ts), and the repository tests; one project,
 * so that vitest hands each worker on from file to file instead of starting another.
 */
const checkProject = () => {
  writeEntries();
  return {
    // Not `extends: true`: that loads this file again for the project.
    test: {
      ...shared,
      name: "check",
      root: repoRoot,
      ...withSolutionHooks,
      include: [`${repoPath(entriesDir)}/**/*.test.ts`, ...repoTests],
      ...sharedRuntime,
      setupFiles: [catchingTestOnly],
    },
  };
};

/**
 * The catalogue alone (`npm run bench`, or `--project mistakes`); the learner's one-module runs
 * should not pay for building it.
 */
const wantMistakes = process.argv.some((arg) => arg === "mistakes" || arg === "--project=mistakes");
const mistakesProject = () => {
  writeEntries();
  return {
    test: {
      ...shared,
      name: "mistakes",
      root: repoRoot,
      dir: join(entriesDir, "mistakes"),
      include: ["**/*.test.ts"],
      ...sharedRuntime,
      ...withSolutionHooks,
      setupFiles: [catchingTestOnly],
    },
  };
};

/**
 * The order files start in. vitest starts larger files first (or slower, with the timings of
 * an earlier run, which a fresh clone lacks); what is best here is to start first what spends
 * longest waiting (child processes, other vitest runs, real-time retries and waits), so that it
 * overlaps the CPU-bound rest instead of trailing after it. So: these files, slowest first; then
 * the catalogue and the module tests, whose executions wait on real timers; last the short
 * repository tests, which fill the gaps. (Run last, the module tests left a core idle for 10 s.)
 */
const slowFirst = [
  "tests/local-api.test.ts",
  "tests/progress.test.ts",
  "infra/cdk-command.test.ts",
  "tests/learner-output.test.ts",
  "modules/03-retries/retries.test.ts",
  "tests/reset.test.ts",
  "tests/offline.test.ts",
  "tests/local-api-load.test.ts",
  "infra/app.test.ts",
  "tests/service-guide.test.ts",
  "tests/service-model.test.ts",
  "tests/start.test.ts",
  "tests/sdk-claims.test.ts",
  "tests/operate-test-cloud.test.ts",
  "tests/local-api-modules.test.ts",
];
/** Then the module tests, by project or, in the check's one project, by kind of entry file. */
const thenKinds = ["mistakes", "starter", "solution"];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const all = entries();
    const rank = (file: TestSpecification) => {
      const entry = entryOf(file.moduleId, all);
      // A starter or solution entry runs its module's test file; a mistake runs one test of it.
      const path = entry !== undefined && entry.mistake === undefined ? entry.testFile : file.moduleId;
      const index = slowFirst.indexOf(repoPath(path));
      if (index !== -1) return index;
      const kind = thenKinds.indexOf(entry === undefined ? file.project.name : entry.mistake ? "mistakes" : entry.project);
      return slowFirst.length + (kind === -1 ? thenKinds.length : kind);
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/** Test options every project has. */
const shared = {
  testTimeout: 20_000,
  hookTimeout: 20_000,
  // Lists in failure messages are printed whole, not as `[ 'fraudCheck', …(2) ]`.
  chaiConfig: { truncateThreshold: 0 },
};

export default defineConfig({
  test: {
    ...shared,
    maxWorkers: workers,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      ...(checking && wanted("check") ? [checkProject()] : []),
      ...(wanted("starter") ? [moduleProject("starter")] : []),
      ...(wanted("solution") ? [moduleProject("solution")] : []),
      ...(wantMistakes && wanted("mistakes") ? [mistakesProject()] : []),
      ...(wanted("repo") ? [{ extends: true as const, test: { name: "repo", include: repoTests, isolate: false } }] : []),
    ],
  },
});
