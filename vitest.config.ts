import { defineConfig } from "vitest/config";
import { solutionResolver, type Target } from "./workshop/solution-resolver.ts";

// Durable tests spend most of their time idle (waiting on the local checkpoint worker),
// so more workers than cores pays off: on 2 cores, 4 workers halve the wall time.
const workers = 4;

/** The module tests, run on the learner's code ("starter") or on the solutions. */
const moduleProject = (target: Target) => ({
  extends: true as const,
  plugins: [solutionResolver(target)],
  test: { name: target, include: ["modules/*/*.test.ts"] },
});

export default defineConfig({
  test: {
    maxWorkers: workers,
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      moduleProject("starter"),
      moduleProject("solution"),
      // Tests of the workshop itself: the domain, the tooling, the CDK app, service.json.
      { extends: true, test: { name: "repo", include: ["tests/**/*.test.ts", "infra/**/*.test.ts", "operate/**/*.test.ts"] } },
    ],
  },
});
