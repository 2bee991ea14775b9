/**
 * The last checks of `npm test`: the run left nothing behind, in the temp directory or in the
 * process table, and none of its Node.js processes reached for anything off this machine.
 *
 * `watchLeftovers()` is called first thing. It gives the run a temp directory of its own
 * (TMPDIR, TMP and TEMP point into it, so every child process and every test uses it), a mark
 * in the environment that every child process inherits, and the network tracer
 * (workshop/testing/network-trace.cjs) in NODE_OPTIONS and in this process. `check()` is called
 * last: what is still in that directory, and which marked processes still run, were left behind
 * by the run and are named in the failure, then cleaned up, so a failed run does not litter
 * either; every DNS lookup or connection aimed off this machine is named too. (Chromium, which is
 * not Node.js, is kept on 127.0.0.1 by its own switches: workshop/docs-site/browser.ts.)
 *
 * A temp directory of its own, rather than a before/after listing of the system's, because other
 * programs write to the system's temp directory at any time: only this run writes to its own.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeAttempts, networkTracer, readNetworkTrace, tracedEnv } from "../testing/offline.ts";
import type { CheckResult } from "./types.ts";

const group = "clean run";

/** The environment variable that marks every process of the run. */
export const RUN_MARK = "WORKSHOP_CHECK_RUN";

/**
 * Caches that tools keep in the temp directory on purpose and reuse from run to run: not litter.
 * npm (and tsc) keep Node's compile cache there; tsx keeps its transform cache (`tsx-<uid>`).
 */
const caches: { pattern: RegExp; why: string }[] = [
  { pattern: /^node-compile-cache$/, why: "Node's compile cache (npm turns it on)" },
  { pattern: /^tsx-\d+$/, why: "tsx's transform cache" },
];

/** What some entries are, to point at their cause. */
const knownLitter: { pattern: RegExp; what: string }[] = [
  { pattern: /^cdk\.out/, what: "cdk.out*: cloud assemblies of an aws-cdk-lib App synthesized without an `outdir`" },
  { pattern: /^cdk-telemetry-/, what: "cdk-telemetry-*: the cdk CLI's telemetry, sent after it exits (cdk.json's cli-telemetry)" },
  { pattern: /^workshop-chromium-/, what: "workshop-chromium-*: a Chromium profile of the docs check" },
];

/** At most `max` lines of `lines`, then how many more. */
const capped = (lines: readonly string[], max = 12): string[] =>
  lines.length > max ? [...lines.slice(0, max), `… and ${lines.length - max} more`] : [...lines];

/** A running process, as the process table shows it. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
  /** Whether its environment carries this run's mark; undefined where it cannot be read. */
  marked?: boolean;
}

export interface LeftoverWatch {
  /** The run's own temp directory. */
  tempDir: string;
  /** The value of RUN_MARK in this run's environment. */
  mark: string;
  /** Compares with the start, names what is left, removes it. Call once, at the very end. */
  check(): Promise<CheckResult[]>;
}

export interface WatchOptions {
  /**
   * The environment to mark, point at the run's temp directory and trace: `process.env` by
   * default, and then this process is traced too.
   */
  env?: NodeJS.ProcessEnv;
  /** Where the run's temp directory is made: the system's temp directory by default. */
  parent?: string;
  /** How long processes get to end on their own after the run (they may be closing). */
  graceMs?: number;
}

/** Reads the process table: /proc on Linux, `ps` elsewhere; undefined where neither works (Windows). */
export function processTable(mark?: string): ProcessEntry[] | undefined {
  if (process.platform === "linux") {
    const entries: ProcessEntry[] = [];
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ")".
        const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (state === "Z" || state === "X") continue; // ended, waiting to be reaped
        const command = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
        let marked: boolean | undefined;
        if (mark !== undefined) {
          try {
            marked = readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`${RUN_MARK}=${mark}`);
          } catch {
            marked = undefined; // another user's process
          }
        }
        entries.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), command, ...(marked === undefined ? {} : { marked }) });
      } catch {
        // The process ended while the table was read.
      }
    }
    return entries;
  }
  if (process.platform === "win32") return undefined;
  const ps = spawnSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,command="], { encoding: "utf8" });
  if (ps.status !== 0) return undefined;
  return ps.stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), pgid: Number(match[3]), command: match[4] ?? "" }))
    .filter((entry) => entry.pid !== ps.pid);
}

/**
 * The processes of this run still running, other than this one: those carrying the run's mark
 * (Linux), else those in this process group or below this process that were not there before.
 * esbuild's service, a child this process talks to through a pipe, ends with it and is not
 * counted.
 */
export function runProcesses(table: readonly ProcessEntry[], before: ReadonlySet<number>): ProcessEntry[] {
  const self = table.find((entry) => entry.pid === process.pid);
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const below = (entry: ProcessEntry): boolean => {
    for (let parent = byPid.get(entry.ppid), hops = 0; parent && hops < 64; parent = byPid.get(parent.ppid), hops++) {
      if (parent.pid === process.pid) return true;
    }
    return false;
  };
  return table.filter((entry) => {
    if (entry.pid === process.pid) return false;
    if (entry.ppid === process.pid && /esbuild\S*\s.*--service/.test(entry.command)) return false;
    if (entry.marked !== undefined) return entry.marked;
    return !before.has(entry.pid) && ((self !== undefined && entry.pgid === self.pgid) || below(entry));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stop(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Starts watching: call before the run starts anything. */
export function watchLeftovers({ env = process.env, parent = tmpdir(), graceMs = 3_000 }: WatchOptions = {}): LeftoverWatch {
  const mark = `${process.pid}-${Date.now().toString(36)}`;
  const tempDir = mkdtempSync(join(parent, "workshop-check-"));
  const before = new Set((processTable() ?? []).map((entry) => entry.pid));
  // The trace lives beside the run's temp directory, not in it: it is not something left behind.
  const traceFile = `${tempDir}.network.jsonl`;
  const changed = ["TMPDIR", "TMP", "TEMP", RUN_MARK, "NODE_OPTIONS", "WORKSHOP_NETWORK_TRACE"];
  const saved = Object.fromEntries(changed.map((key) => [key, env[key]]));
  const traced = tracedEnv(env, traceFile);
  Object.assign(env, {
    TMPDIR: tempDir,
    TMP: tempDir,
    TEMP: tempDir,
    [RUN_MARK]: mark,
    NODE_OPTIONS: traced.NODE_OPTIONS,
    WORKSHOP_NETWORK_TRACE: traceFile,
  });
  if (env === process.env) createRequire(import.meta.url)(networkTracer);

  const restore = () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
  };

  async function check(): Promise<CheckResult[]> {
    // Processes first: one that is still closing may still write to the temp directory.
    let table = processTable(mark);
    let running = table ? runProcesses(table, before) : [];
    for (const deadline = Date.now() + graceMs; running.length > 0 && Date.now() < deadline; ) {
      await sleep(100);
      table = processTable(mark);
      running = table ? runProcesses(table, before) : [];
    }
    if (running.length > 0) {
      stop(
        running.map((entry) => entry.pid),
        "SIGTERM",
      );
      await sleep(500);
      const still = new Set(runProcesses(processTable(mark) ?? [], before).map((entry) => entry.pid));
      stop(
        running.filter((entry) => still.has(entry.pid)).map((entry) => entry.pid),
        "SIGKILL",
      );
    }

    const names = readdirSync(tempDir)
      .filter((name) => !caches.some((cache) => cache.pattern.test(name)))
      .sort();
    const left = names.map((name) => {
      let kind = "file";
      try {
        kind = statSync(join(tempDir, name)).isDirectory() ? "folder" : "file";
      } catch {
        // Gone meanwhile.
      }
      return `${kind} ${name}`;
    });
    const causes = knownLitter.filter((litter) => names.some((name) => litter.pattern.test(name))).map((litter) => litter.what);
    restore();
    rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    const { attempts } = readNetworkTrace(traceFile);
    rmSync(traceFile, { force: true });

    const tempResult: CheckResult = {
      group,
      name: "the run leaves nothing in the temp directory",
      ok: left.length === 0,
      ...(left.length > 0
        ? {
            detail: [
              `${left.length} entr${left.length === 1 ? "y" : "ies"} left in the run's temp directory (now removed):`,
              ...capped(left),
              ...causes,
            ].join("\n"),
          }
        : {}),
    };
    const processName = "the run leaves no process running";
    const processResult: CheckResult =
      table === undefined
        ? { group, name: processName, ok: true, skipped: true, detail: `the process table cannot be read on ${process.platform}` }
        : {
            group,
            name: processName,
            ok: running.length === 0,
            ...(running.length > 0
              ? {
                  detail: [
                    `${running.length} process(es) still running ${graceMs / 1000} s after the run (now stopped):`,
                    ...running.map((entry) => `pid ${entry.pid} (parent ${entry.ppid}): ${entry.command.slice(0, 300)}`),
                  ].join("\n"),
                }
              : {}),
          };
    const networkResult: CheckResult = {
      group,
      name: "the run's Node.js processes look nothing up and connect to nothing but 127.0.0.1",
      ok: attempts.length === 0,
      ...(attempts.length > 0 ? { detail: capped(describeAttempts(attempts).split("\n")).join("\n") } : {}),
    };
    return [tempResult, processResult, networkResult];
  }

  return { tempDir, mark, check };
}
