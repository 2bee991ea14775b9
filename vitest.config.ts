import { defineConfig } from "vitest/config";
import { solutionResolver, type Target } from "./workshop/solution-resolver.ts";

// Durable tests spend most of their time idle (waiting on the local checkpoint worker),
// so more workers than cores pays off: on 2 cores, 4 workers halve the wall time.
const workers = 4;

const project = (target: Target) => ({
  extends: true as const,
  plugins: [solutionResolver(target)],
  test: { name: target },
});

export default defineConfig({
  test: {
    include: ["modules/*/*.test.ts"],
    maxWorkers: workers,
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // A failing starter should read as guidance, not as a stack trace from inside the SDK.
    printConsoleTrace: false,
    projects: [project("starter"), project("solution")],
  },
});
