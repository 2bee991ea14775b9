/**
 * `npm run bench`: how long the maintainer check and the learner's loop take on this machine.
 * Prints a report and writes nothing into the repository.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import Table from "cli-table3";
import { Command } from "commander";
import pc from "picocolors";
import { captureDurableLogs } from "../durable-logs.ts";
import { folderName, modules, repoRoot, solutionDir } from "../manifest.ts";
import { mistakes } from "../mistakes.ts";
import { replayProblem } from "../testing/replay.ts";
import { realNow } from "../real-clock.ts";

const program = new Command("bench")
  .description("Measure the wall time of npm test and its parts, and of each module's tests on its solution.")
  .option("--skip-full", "do not time the whole npm test (saves a minute)")
  .parse();
const options = program.opts<{ skipFull?: boolean }>();

const targets = { fullCheckS: 60, moduleS: 3 };
const require = createRequire(import.meta.url);
const vitestCli = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const tsgoCli = join(dirname(require.resolve("@typescript/native-preview/package.json")), "bin", "tsgo");
const npmCli = process.env.npm_execpath;

/** Runs a command to its end, quietly, and returns its wall time in seconds and its output. */
function time(command: string, args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; ok: boolean; output: string } {
  const started = realNow();
  const run = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env },
  });
  return { seconds: (realNow() - started) / 1000, ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** vitest's own "Duration" line: the run without starting Node and vitest. */
function vitestDuration(output: string): number | undefined {
  const match = /Duration\s+([\d.]+)(ms|s)/.exec(output);
  if (!match) return undefined;
  return Number(match[1]) / (match[2] === "ms" ? 1000 : 1);
}
const node = (args: string[], env?: NodeJS.ProcessEnv) => time(process.execPath, args, env);
const seconds = (value: number) => `${value.toFixed(1)} s`;
const verdict = (value: number, target: number) => (value <= target ? pc.green(`≤ ${target} s ✓`) : pc.red(`> ${target} s ✗`));

console.log(pc.bold(`Benchmark on ${process.platform}, Node ${process.version}, ${(await import("node:os")).cpus().length} cores`));

const parts = new Table({ head: ["what", "wall time", "target", "result"], style: { head: [] } });
if (!options.skipFull) {
  const full = npmCli ? node([npmCli, "test"]) : time("npm", ["test"]);
  parts.push(["npm test (the whole check)", seconds(full.seconds), verdict(full.seconds, targets.fullCheckS), full.ok ? "green" : pc.red("failed")]);
}
const catalogue = mistakes();
const partRuns: [string, string[]][] = [
  ["type-check (tsgo)", [tsgoCli, "--noEmit", "-p", "."]],
  ["module tests on the starters", [vitestCli, "run", "--project", "starter"]],
  ["module tests on the solutions (replay check included)", [vitestCli, "run", "--project", "solution"]],
  [`module tests on the ${catalogue.length} catalogued mistakes`, [vitestCli, "run", "--project", "mistakes"]],
  ["repository tests (CDK, service.json, tools)", [vitestCli, "run", "--project", "repo"]],
];
for (const [label, args] of partRuns) {
  const run = node(args, { WORKSHOP_CHECK: "1" });
  // Starters and catalogued mistakes must fail their tests.
  const expectedToFail = args.includes("starter") || args.includes("mistakes");
  const result = run.ok ? (expectedToFail ? pc.red("passed: something that must fail passes!") : "passed") : expectedToFail ? "failed, as it must" : pc.red("failed");
  parts.push([label, seconds(run.seconds), "", result]);
}
console.log(parts.toString());

const perModule = new Table({
  head: ["module", "vitest run (its Duration)", "target", "cold wall time, Node and vitest start included", "result"],
  style: { head: [] },
});
for (const module of modules) {
  const run = node([vitestCli, "run", "--project", "solution", `modules/${folderName(module)}/`]);
  const duration = vitestDuration(run.output);
  perModule.push([
    `${module.number} ${module.slug}`,
    duration === undefined ? "?" : seconds(duration),
    duration === undefined ? "" : verdict(duration, targets.moduleS),
    seconds(run.seconds),
    run.ok ? "passed" : pc.red("failed"),
  ]);
}
console.log(perModule.toString());

// The longest durable wait of the curriculum, run on skipped time as the tests run it.
const waitModule = modules.find((module) => module.slug === "waits");
if (waitModule) {
  const { handler } = (await import(pathToFileURL(join(solutionDir(waitModule), "handler.ts")).href)) as {
    handler: DurableLambdaHandler;
  };
  const stop = captureDurableLogs(() => {});
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  const started = realNow();
  const payload = { id: 1, amount: 7_500, location: "Lisbon", vendor: "Laptop Outlet" };
  const execution = await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload });
  const wallMs = realNow() - started;
  const replayStarted = realNow();
  const problem = await replayProblem(handler, payload, execution, { folder: `solutions/${folderName(waitModule)}`, todos: {} });
  const replayMs = realNow() - replayStarted;
  await LocalDurableTestRunner.teardownTestEnvironment();
  stop();
  const waits = execution.getOperations().map((operation) => ({
    name: operation.getName(),
    seconds: operation.getType() === "WAIT" ? (operation.getWaitDetails()?.waitSeconds ?? 0) : 0,
  }));
  const longest = waits.reduce((a, b) => (b.seconds > a.seconds ? b : a), { name: undefined, seconds: 0 });
  console.log(
    `Longest wait: ${longest.name ?? "none"}, ${longest.seconds} s (${(longest.seconds / 86_400).toFixed(1)} days) ` +
      `simulated in ${Math.round(wallMs)} ms of wall time (module ${waitModule.number}'s solution, skipped time).`,
  );
  console.log(
    `Replay check of that execution (${execution.getOperations().length} operations): ${replayMs.toFixed(1)} ms` +
      (problem ? pc.red(` — it found a problem: ${problem}`) : ", no problem found."),
  );
}
