/**
 * The learner's pool (workshop/warm-workers.ts): in watch mode a re-run takes the worker started
 * ahead for it, a one-off run starts none, and no worker outlives the command.
 */
import { join } from "node:path";
import { setTimeout } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { run } from "./support/run.ts";
import { processTable } from "../workshop/checks/leftovers.ts";
import { repoRoot } from "../workshop/manifest.ts";

// As a learner runs it: not as the check, whose projects vitest.config.ts builds otherwise.
const env = { ...process.env };
delete env.WORKSHOP_CHECK;

/** Runs tests/fixtures/warm-workers/run.ts: which processes ran the fixture, which was started ahead. */
async function runFixture(mode: "watch" | "once") {
  const result = await run(process.execPath, [join("tests", "fixtures", "warm-workers", "run.ts"), mode], {
    env,
    cwd: repoRoot,
    timeoutMs: 60_000,
  });
  const json = result.stdout.split("\n").find((line) => line.startsWith("{"));
  expect(json, `${result.stdout}\n${result.stderr}`).toBeDefined();
  return JSON.parse(json as string) as { runs: number[]; ahead: (number | null)[] };
}

/** The processes of `pids` still running 3 s after their command ended (an ended one not yet reaped is not). */
async function survivors(pids: number[]): Promise<number[]> {
  const running = () => {
    const table = new Set(processTable()?.map((entry) => entry.pid));
    return pids.filter((pid) => table.has(pid));
  };
  for (let wait = 0; wait < 60 && running().length > 0; wait += 1) await setTimeout(50);
  return running();
}

/**
 * The names of a learner worker's threads, every 250 ms for 2 s after its preload is done (Linux:
 * /proc). Node.js names each worker thread "WorkerThread".
 */
const threadsScript = `
const { readdirSync, readFileSync } = require("node:fs");
const names = () => readdirSync("/proc/self/task").map((id) => readFileSync("/proc/self/task/" + id + "/comm", "utf8").trim());
const seen = [];
const timer = setInterval(() => seen.push(names().filter((name) => name === "WorkerThread").length), 250);
setTimeout(() => { clearInterval(timer); console.log(JSON.stringify(seen)); process.exit(); }, 2000);
`;

describe.concurrent("the learner's test workers", () => {
  // Node.js loads a worker's --import files in each of its threads too: a preload that started a
  // checkpoint server everywhere would start one more in every server thread, without end.
  it.runIf(process.platform === "linux")("start one checkpoint server each, in one thread", async () => {
    const preload = join("workshop", "testing", "worker-preload.ts");
    const result = await run(process.execPath, ["--import", `./${preload}`, "-e", threadsScript], { env, cwd: repoRoot });
    const counts = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "[]") as number[];

    expect(counts.length, `a sample every 250 ms for 2 s\n${result.stderr}`).toBeGreaterThanOrEqual(6);
    // A thread names itself once it runs: on a busy machine the first sample may not count it yet.
    expect(Math.max(...counts), `never more than the checkpoint server's one thread: ${counts.join(", ")}`).toBe(1);
    expect(counts.at(-1), "the checkpoint server's thread, still running at the end").toBe(1);
  });

  it("in watch mode, a re-run starts in the worker started ahead for it, and a new one is started after it", async () => {
    const { runs, ahead } = await runFixture("watch");

    expect(runs, "the fixture ran twice, each time in a worker process").toHaveLength(2);
    expect(ahead[0], "a worker was started ahead once the first run was done").toEqual(expect.any(Number));
    expect(runs[1], "the re-run took the worker started ahead instead of starting one").toBe(ahead[0]);
    expect(ahead[1], "after the re-run, the next worker was started ahead").not.toBe(runs[1]);
    expect(ahead[1]).toEqual(expect.any(Number));
    expect(await survivors([...runs, ahead[1] as number]), "no worker outlives the command").toEqual([]);
  }, 90_000);

  it("in a one-off run, starts no worker ahead", async () => {
    const { runs, ahead } = await runFixture("once");

    expect(runs).toHaveLength(1);
    expect(ahead, "no worker left started ahead").toEqual([null]);
    expect(await survivors(runs)).toEqual([]);
  }, 90_000);
});
