import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";
import { repoRoot } from "./workshop/manifest.ts";
import { entriesDir, writeEntries } from "./workshop/mistakes.ts";
import { solutionResolver, type Target } from "./workshop/solution-resolver.ts";

// Durable tests spend most of their time idle (waiting on the local checkpoint worker),
// so more workers than cores pays off: on 2 cores, 4 workers halve the wall time.
const workers = 4;

/** Set by the maintainer check (`npm test`) and `npm run bench`. */
const checking = process.env.WORKSHOP_CHECK === "1";

/**
 * In the maintainer check, module test files are not isolated: a worker loads the SDK and starts
 * the local runtime (workshop/testing/local-runtime.ts) once for all the files it runs, which
 * saves about 0.3 s of CPU a file. (Every spy in the module tests is restored by the test or
 * hook that made it, failed or not.) A learner's run keeps vitest's isolation.
 */
const sharedRuntime = { isolate: false, env: { WORKSHOP_SHARE_RUNTIME: "1" } };

/** The module tests, run on the learner's code ("starter") or on the solutions. */
const moduleProject = (target: Exclude<Target, "mistakes">) => ({
  extends: true as const,
  plugins: [solutionResolver(target)],
  test: { name: target, include: ["modules/*/*.test.ts"], ...(checking ? sharedRuntime : {}) },
});

/**
 * The misconception catalogue: the module tests on every catalogued mistake, in one project
 * (see workshop/mistakes.ts), sharing the runtime as the check's other module tests do; on each
 * mistake only the test its patch names as the one that catches it runs.
 * Built only when a run asks for it (`npm test`, or `--project mistakes`): the learner's
 * one-module runs should not pay for it.
 */
const wantMistakes = checking || process.argv.some((arg) => arg === "mistakes" || arg === "--project=mistakes");
const mistakesProject = () => {
  writeEntries();
  return {
    // Not `extends: true`: that loads this file again for the project.
    plugins: [solutionResolver("mistakes")],
    test: {
      ...shared,
      name: "mistakes",
      root: repoRoot,
      dir: entriesDir,
      include: ["**/*.test.ts"],
      ...sharedRuntime,
      setupFiles: ["./workshop/testing/catching-test-only.ts"],
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
  "tests/start.test.ts",
];
const thenProjects = ["mistakes", "starter", "solution"];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = slowFirst.indexOf(relative(repoRoot, file.moduleId).split("\\").join("/"));
      if (index !== -1) return index;
      const project = thenProjects.indexOf(file.project.name);
      return slowFirst.length + (project === -1 ? thenProjects.length : project);
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
      moduleProject("starter"),
      moduleProject("solution"),
      ...(wantMistakes ? [mistakesProject()] : []),
      // Tests of the workshop itself: the domain, the tooling, the CDK app, service.json.
      {
        extends: true,
        test: { name: "repo", include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "operate/**/*.test.ts"], isolate: false },
      },
    ],
  },
});
