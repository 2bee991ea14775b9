/**
 * The last checks of `npm test` (workshop/checks/leftovers.ts): they name what a run left in the
 * temp directory, which of its processes still run and what they tried to reach off this
 * machine, then clean up; a clean run passes.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUN_MARK, processTable, runProcesses, watchLeftovers, type ProcessEntry } from "../workshop/checks/leftovers.ts";

const parent = mkdtempSync(join(tmpdir(), "workshop-leftovers-test-"));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A Node.js process that outlives its parent and reaches for the outside, as the cdk CLI's
 * telemetry sender did. Its connection is bound to 127.0.0.1, so the kernel refuses it at once
 * (EINVAL): nothing leaves the machine, but the attempt is made.
 */
function startStray(env: NodeJS.ProcessEnv, reach = true): number {
  const connect = `require("node:net").connect({ host: "192.0.2.1", port: 9, localAddress: "127.0.0.1" }).on("error", () => {}); `;
  const code = `${reach ? connect : ""}setTimeout(() => {}, 60_000);`;
  const child = spawn(process.execPath, ["-e", code], { env, detached: true, stdio: "ignore" });
  child.unref();
  return child.pid as number;
}

describe("the leftovers check", () => {
  it("passes a run that leaves nothing, and gives the run a temp directory of its own", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const watch = watchLeftovers({ env, parent, graceMs: 2_000 });
    expect(env.TMPDIR).toBe(watch.tempDir);
    expect(env[RUN_MARK]).toBe(watch.mark);
    // A short-lived child, and the caches tools keep in the temp directory on purpose.
    await new Promise((resolve) => spawn(process.execPath, ["-e", ""], { env, stdio: "ignore" }).on("close", resolve));
    mkdirSync(join(watch.tempDir, "node-compile-cache"));
    mkdirSync(join(watch.tempDir, "tsx-0"));

    const results = await watch.check();
    expect(results.map((result) => [result.name, result.ok, result.detail])).toEqual([
      ["the run leaves nothing in the temp directory", true, undefined],
      ["the run leaves no process running", true, process.platform === "win32" ? expect.any(String) : undefined],
      ["the run's Node.js processes look nothing up and connect to nothing but 127.0.0.1", true, undefined],
    ]);
    expect(existsSync(watch.tempDir)).toBe(false);
    expect(env.TMPDIR).toBe(process.env.TMPDIR);
  });

  it("names the files, the processes and the connections a run left behind, then removes and stops them", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const watch = watchLeftovers({ env, parent, graceMs: 500 });
    mkdirSync(join(watch.tempDir, "cdk.outAbC123"));
    writeFileSync(join(watch.tempDir, "cdk-telemetry-42.json"), "{}");
    const stray = startStray(env);
    // Not the run's: started by the test itself, without the run's mark or tracer.
    const { [RUN_MARK]: _mark, WORKSHOP_NETWORK_TRACE: _trace, ...outside } = process.env;
    const unrelated = startStray(outside, false);
    try {
      const [temp, processes, network] = await watch.check();

      expect(network?.ok).toBe(false);
      expect(network?.detail).toMatch(new RegExp(`^tcp connect 192\\.0\\.2\\.1:9 \\(pid ${stray}: .*-e require\\("node:net"\\)`));

      expect(temp?.ok).toBe(false);
      expect(temp?.detail).toBe(
        [
          "2 entries left in the run's temp directory (now removed):",
          "file cdk-telemetry-42.json",
          "folder cdk.outAbC123",
          "cdk.out*: cloud assemblies of an aws-cdk-lib App synthesized without an `outdir`",
          "cdk-telemetry-*: the cdk CLI's telemetry, sent after it exits (cdk.json's cli-telemetry)",
        ].join("\n"),
      );
      expect(existsSync(watch.tempDir)).toBe(false);

      if (processTable() === undefined) {
        expect(processes?.skipped).toBe(true);
        return;
      }
      expect(processes?.ok).toBe(false);
      const line = `pid ${stray} \\(parent \\d+\\): .*setTimeout`;
      expect(processes?.detail).toMatch(new RegExp(`still running 0\\.5 s after the run \\(now stopped\\):\\n${line}`));
      if (process.platform === "linux") expect(processes?.detail).not.toContain(`pid ${unrelated} `);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(isAlive(stray), "the stray process was stopped").toBe(false);
    } finally {
      for (const pid of [stray, unrelated]) if (isAlive(pid)) process.kill(pid, "SIGKILL");
    }
  });

  it("without marks to read (macOS), counts new processes in this process group or below this process", () => {
    const table: ProcessEntry[] = [
      { pid: process.pid, ppid: 1, pgid: 500, command: "node workshop/cli/check.ts" },
      { pid: 10, ppid: 1, pgid: 500, command: "npm test" }, // there before the run
      { pid: 11, ppid: process.pid, pgid: 500, command: "/repo/node_modules/@esbuild/bin/esbuild --service=0.28.2 --ping" },
      { pid: 12, ppid: 1, pgid: 500, command: "node sender-bundle.js" }, // an orphan left in this group
      { pid: 13, ppid: process.pid, pgid: 900, command: "chromium --headless" }, // a group of its own, below this process
      { pid: 14, ppid: 13, pgid: 900, command: "chromium --type=renderer" },
      { pid: 15, ppid: 1, pgid: 901, command: "another program" },
    ];
    expect(runProcesses(table, new Set([10])).map((entry) => entry.pid)).toEqual([12, 13, 14]);
  });
});
