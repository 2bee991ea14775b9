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

/** One project per catalogued mistake: the module's own tests on the patched solution. */
const mistakeProject = (mistake: Mistake) => ({
  extends: true as const,
  plugins: [solutionResolver(mistake)],
  test: {
    name: mistake.project,
    include: [`modules/${mistake.module.number}-${mistake.module.slug}/*.test.ts`],
    setupFiles: ["./workshop/testing/stop-at-first-failure.ts"],
  },
});

export default defineConfig({
  test: {
    maxWorkers: workers,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      moduleProject("starter"),
      moduleProject("solution"),
      ...mistakes().filter(applies).map(mistakeProject),
      // Tests of the workshop itself: the domain, the tooling, the CDK app, service.json.
      { extends: true, test: { name: "repo", include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "operate/**/*.test.ts"] } },
    ],
  },
});
