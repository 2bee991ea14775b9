/**
 * `npm run bench`: how long the maintainer check and the learner's loop take on this machine.
 * Prints a report and writes nothing into the repository.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { withDurableExecution, type DurableContext, type DurableLambdaHandler } from "@aws/durable-execution-sdk-js";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import Table from "cli-table3";
import { Command } from "commander";
import pc from "picocolors";
import { commandLine, guarded, type Io, processIo, runIfEntry, UsageError } from "../command.ts";
import { captureDurableLogs } from "../durable-logs.ts";
import { folderName, modules, repoRoot } from "../manifest.ts";
import { mistakes } from "../mistakes.ts";
import { realNow } from "../real-clock.ts";

/** The targets of issue 11, measured on 2 cores. */
const targets = { checkWallS: 30, checkCpuS: 50, testModuleS: 2.0, watchS: 0.5, oneDayWaitMs: 100 };
const require = createRequire(import.meta.url);
const vitestCli = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const tsgoCli = join(dirname(require.resolve("@typescript/native-preview/package.json")), "bin", "tsgo");
const npmCli = process.env.npm_execpath;

/**
 * CPU seconds used so far by this process's ended children and everything they waited for,
 * from Linux's /proc/self/stat (cutime + cstime, in clock ticks of 1/100 s); undefined elsewhere.
 */
function childrenCpuSeconds(): number | undefined {
  try {
    const fields = (readFileSync("/proc/self/stat", "utf8").split(") ")[1] ?? "").split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

interface Timed {
  seconds: number;
  cpuSeconds: number | undefined;
  ok: boolean;
  output: string;
}

/** Runs a command to its end, quietly: its wall time, its CPU time (children included), its output. */
function time(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Timed {
  const started = realNow();
  const cpuBefore = childrenCpuSeconds();
  const run = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env },
  });
  const cpuAfter = childrenCpuSeconds();
  return {
    seconds: (realNow() - started) / 1000,
    cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    ok: run.status === 0,
    output: `${run.stdout}${run.stderr}`,
  };
}

/** A time as vitest's summary prints it ("1.19s", "412ms"), in seconds. */
const summarySeconds = (match: RegExpExecArray | null): number | undefined =>
  match ? Number(match[1]) / (match[2] === "ms" ? 1000 : 1) : undefined;

/** vitest's own "Duration" line: the run without starting Node and vitest. */
export const vitestDuration = (output: string) => summarySeconds(/Duration\s+([\d.]+)(ms|s)/.exec(output));

/**
 * The part of that line the tests themselves took ("tests 1.19s"): for a module whose tests wait
 * on real time (a 1 s wait, retry delay or callback timeout, the shortest there is), the part of
 * its figure no faster start-up can save.
 */
export const testsDuration = (output: string) => summarySeconds(/\btests ([\d.]+)(ms|s)\b/.exec(output));

/** Median, min and max of some figures. */
function spread(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}
const figure = (values: number[], unit: (value: number) => string) => {
  const { median, min, max } = spread(values);
  return values.length === 1 ? unit(median) : `${unit(median)} (${unit(min)}-${unit(max)})`;
};
const node = (args: string[], env?: NodeJS.ProcessEnv) => time(process.execPath, args, env);
const npm = (args: string[], env?: NodeJS.ProcessEnv) => (npmCli ? node([npmCli, ...args], env) : time("npm", args, env));
const seconds = (value: number) => `${value.toFixed(1)} s`;
const secondsFine = (value: number) => `${value.toFixed(2)} s`;
const millis = (value: number) => `${Math.round(value)} ms`;
const verdict = (value: number, target: number, unit = seconds) =>
  value <= target ? pc.green(`≤ ${unit(target)} ✓`) : pc.red(`> ${unit(target)} ✗`);

/** Runs `measure` `runs` times. */
function repeat<T>(runs: number, measure: () => T): T[] {
  return Array.from({ length: runs }, measure);
}

/** Measures and prints the report; exits 0 (a figure over its target is a finding, not a failure). */
export const benchMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      new Command("bench")
        .description(
          "Measure npm test (wall and CPU), a learner's test:module and watch loop, and the cost of a one-day\n" +
            "durable wait, against the workshop's targets; then npm test's parts, one run each.",
        )
        .option("--runs <count>", "runs of each measured command; the report gives the median, min and max", "3")
        .option("--skip-full", "do not time the whole npm test (saves a few minutes)"),
      io,
    );
    program.parse([...argv], { from: "user" });
    const options = program.opts<{ skipFull?: boolean; runs: string }>();
    const runs = Number(options.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new UsageError(`error: --runs takes a whole number of at least 1, not "${options.runs}"`);
    const line = (text: string) => io.out(`${text}\n`);

    line(
      pc.bold(
        `Benchmark on ${process.platform}, Node ${process.version}, ${cpus().length} cores; ${runs} run(s) of each, median (min-max)`,
      ),
    );
    const headline = new Table({ head: ["what", "measured", "target", "notes"], style: { head: [] } });

    if (!options.skipFull) {
      const checks = repeat(runs, () => npm(["test"]));
      const wall = checks.map((run) => run.seconds);
      const cpu = checks.map((run) => run.cpuSeconds).filter((value) => value !== undefined);
      const green = checks.every((run) => run.ok) ? "green" : pc.red("failed");
      headline.push(["npm test, wall time", figure(wall, seconds), verdict(spread(wall).median, targets.checkWallS), green]);
      headline.push([
        "npm test, CPU time (user + system, all processes)",
        cpu.length > 0 ? figure(cpu, seconds) : "? (needs Linux's /proc)",
        cpu.length > 0 ? verdict(spread(cpu).median, targets.checkCpuS) : "",
        "",
      ]);
    }

    // What a learner waits for: `npm run test:module -- NN` typed in a shell, modules 01-08.
    for (const module of modules.filter((candidate) => Number(candidate.number) <= 8)) {
      const measured = repeat(runs, () => npm(["run", "test:module", "--", module.number]));
      const walls = measured.map((run) => run.seconds);
      const tests = measured.map((run) => testsDuration(run.output)).filter((value) => value !== undefined);
      headline.push([
        `npm run test:module -- ${module.number}`,
        figure(walls, secondsFine),
        verdict(spread(walls).median, targets.testModuleS, secondsFine),
        tests.length > 0 ? `its tests: ${figure(tests, secondsFine)} of it` : "",
      ]);
    }

    const watch = await watchLoop(runs);
    for (const [when, seen] of [
      ["a second after its last result", watch.afterReading],
      ["the moment its last result is out", watch.atOnce],
    ] as const) {
      headline.push([
        `npm run watch -- 01: a save to the handler ${when}, to its new result`,
        seen.length > 0 ? figure(seen, secondsFine) : pc.red("no re-run seen"),
        seen.length > 0 ? verdict(spread(seen).median, targets.watchS, secondsFine) : "",
        "",
      ]);
    }

    const waitCost = await oneDayWaitCost(runs);
    headline.push([
      "a one-day context.wait in a test (skipped time), over the same run without it",
      figure(waitCost, millis),
      verdict(spread(waitCost).median, targets.oneDayWaitMs, millis),
      "",
    ]);
    line(headline.toString());

    const catalogue = mistakes();
    const parts = new Table({ head: ["npm test's parts, one run each", "wall time", "CPU time", "result"], style: { head: [] } });
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
      const result = run.ok
        ? expectedToFail
          ? pc.red("passed: something that must fail passes!")
          : "passed"
        : expectedToFail
          ? "failed, as it must"
          : pc.red("failed");
      parts.push([label, seconds(run.seconds), run.cpuSeconds === undefined ? "?" : seconds(run.cpuSeconds), result]);
    }
    line(parts.toString());

    const perModule = new Table({
      head: ["module", "vitest run (its Duration)", "", "cold wall time, Node and vitest start included", "result"],
      style: { head: [] },
    });
    for (const module of modules) {
      const run = node([vitestCli, "run", "--project", "solution", `modules/${folderName(module)}/`]);
      const duration = vitestDuration(run.output);
      perModule.push([
        `${module.number} ${module.slug}`,
        duration === undefined ? "?" : seconds(duration),
        "",
        seconds(run.seconds),
        run.ok ? "passed" : pc.red("failed"),
      ]);
    }
    line(perModule.toString());
    return 0;
  });

await runIfEntry(import.meta.url, benchMain);

/**
 * `npm run watch -- 01` as a learner keeps it open: the handler is saved (written back unchanged)
 * and the time to the end of the re-run's report is measured, `runs` times each way: a second
 * after a report, as a learner who read it saves at the earliest, and again the moment that
 * re-run's report is out. vitest prints "Waiting for file changes" (all passed) or "Watching for
 * file changes" (some failed) once a report is complete.
 */
async function watchLoop(runs: number): Promise<{ afterReading: number[]; atOnce: number[] }> {
  const module = modules[0]!;
  const handlerFile = join(repoRoot, "modules", folderName(module), "handler.ts");
  const original = readFileSync(handlerFile);
  const child = spawn(process.execPath, ["workshop/cli/test-module.ts", module.number, "--watch"], {
    cwd: repoRoot,
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let reports = 0;
  let reported: () => void = () => {};
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const count = output.match(/(Waiting|Watching) for file changes/g)?.length ?? 0;
    if (count > reports) {
      reports = count;
      reported();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const nextReport = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      reported = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  const seen = { afterReading: [] as number[], atOnce: [] as number[] };
  /** Saves the handler and waits for the re-run's report: its time in seconds, or undefined. */
  const rerun = async () => {
    const report = nextReport(30_000);
    const saved = realNow();
    writeFileSync(handlerFile, original);
    return (await report) ? (realNow() - saved) / 1000 : undefined;
  };
  try {
    if (!(await nextReport(60_000))) return seen;
    for (let run = 0; run < runs; run += 1) {
      await delay(1000);
      const afterReading = await rerun();
      if (afterReading === undefined) break;
      seen.afterReading.push(afterReading);
      const atOnce = await rerun();
      if (atOnce === undefined) break;
      seen.atOnce.push(atOnce);
    }
  } finally {
    child.kill();
    writeFileSync(handlerFile, original);
  }
  return seen;
}

/**
 * What a one-day `context.wait` adds to a test on skipped time: the same two steps run with and
 * without a one-day wait between them, `runs` + 1 times each, the first of each discarded as warm-up.
 */
async function oneDayWaitCost(runs: number): Promise<number[]> {
  const stop = captureDurableLogs(() => {});
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  const workflow = (waitADay: boolean) =>
    withDurableExecution(async (_event: unknown, context: DurableContext) => {
      await context.step("before", async () => 1);
      if (waitADay) await context.wait("a-day", { days: 1 });
      return context.step("after", async () => 2);
    });
  const timed = async (handler: DurableLambdaHandler) => {
    const started = realNow();
    await new LocalDurableTestRunner({ handlerFunction: handler }).run({ payload: {} });
    return realNow() - started;
  };
  const costs: number[] = [];
  try {
    for (let run = 0; run < runs + 1; run += 1) {
      const withWait = await timed(workflow(true));
      const without = await timed(workflow(false));
      if (run > 0) costs.push(Math.max(0, withWait - without));
    }
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment();
    stop();
  }
  return costs;
}
