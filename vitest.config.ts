import { defineConfig } from "vitest/config";
import { mistakes, patchedFiles, type Mistake } from "./workshop/mistakes.ts";
import { solutionResolver, type Target } from "./workshop/solution-resolver.ts";

// Durable tests spend most of their time idle (waiting on the local checkpoint worker),
// so more workers than cores pays off: on 2 cores, 4 workers halve the wall time.
const workers = 4;

/** The module tests, run on the learner's code ("starter") or on the solutions. */
const moduleProject = (target: Extract<Target, string>) => ({
  extends: true as const,
  plugins: [solutionResolver(target)],
  test: { name: target, include: ["modules/*/*.test.ts"] },
});

/** Whether a mistake's patch still applies; the maintainer check reports those that do not. */
const applies = (mistake: Mistake) => {
  try {
    return patchedFiles(mistake).size > 0;
  } catch {
    return false;
  }
};

/**
 * One project per catalogued mistake: the module's own tests on the patched solution. Built
 * only when a run asks for them (`npm test`, or `--project 'mistake:…'`): vitest starts every
 * project it is given, and the learner's one-module runs should not pay for forty.
 */
const wantMistakes = process.env.WORKSHOP_MISTAKES === "1" || process.argv.some((arg) => arg.includes("mistake:"));
const mistakeProject = (mistake: Mistake) => ({
  // Not `extends: true`: that loads this file again for every project.
  plugins: [solutionResolver(mistake)],
  test: {
    ...shared,
    name: mistake.project,
    include: [`modules/${mistake.module.number}-${mistake.module.slug}/*.test.ts`],
    setupFiles: ["./workshop/testing/stop-at-first-failure.ts"],
  },
});

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
    projects: [
      moduleProject("starter"),
      moduleProject("solution"),
      ...(wantMistakes ? mistakes().filter(applies).map(mistakeProject) : []),
      // Tests of the workshop itself: the domain, the tooling, the CDK app, service.json.
      { extends: true, test: { name: "repo", include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "operate/**/*.test.ts"] } },
    ],
  },
});
