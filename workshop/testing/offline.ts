/**
 * Proof that a command stays on this machine, for the tests of the offline commands
 * (`npm start`, `npm run synth`, the docs check's Chromium).
 *
 * Three witnesses, each used where it works:
 * - the network tracer (network-trace.cjs), preloaded into every Node.js process of a run:
 *   it records each DNS lookup and connection aimed off this machine, on every platform;
 * - `unshare -n` (Linux, as root or with user namespaces): the run gets a network of its own
 *   with no way out, so a command that needs the internet fails or hangs instead of passing;
 * - strace (Linux), for programs that are not Node.js: every connect() and datagram they make.
 *
 * Where a witness is missing the test skips, naming it; under `CI=true` that skip fails.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The tracer preloaded with `--require`: plain CommonJS, so it loads in any Node.js process. */
export const networkTracer = fileURLToPath(new URL("./network-trace.cjs", import.meta.url));

/** One attempt to reach a host off this machine, as the tracer recorded it. */
export interface NetworkAttempt {
  pid: number;
  /** The process's script and first argument, e.g. `.../npm-cli.js run`. */
  command: string;
  kind: string;
  target: string;
}

export interface NetworkTrace {
  /** Every traced Node.js process of the run. */
  processes: { pid: number; command: string }[];
  /** What they tried to reach off this machine: empty when the run stayed offline. */
  attempts: NetworkAttempt[];
}

/**
 * `env` with the tracer preloaded into every Node.js process started with it, writing to
 * `traceFile`. NODE_OPTIONS travels to child processes, so npm, npx and the cdk CLI's own
 * children are traced too.
 */
export function tracedEnv(env: NodeJS.ProcessEnv, traceFile: string): NodeJS.ProcessEnv {
  const preload = `--require ${JSON.stringify(networkTracer)}`;
  return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, preload].filter(Boolean).join(" "), WORKSHOP_NETWORK_TRACE: traceFile };
}

/**
 * The environment a learner's shell gives a command, traced: without what an outer npm or CI
 * sets (`npm_*`, `CI`: they change what npm itself does) or what the maintainer check sets for
 * its own test runs (`WORKSHOP_CHECK`, `WORKSHOP_SHARE_RUNTIME`), with `home` as a fresh HOME (no
 * record of an earlier update check, no CDK cache), and the tracer preloaded.
 */
export function learnerEnv(base: NodeJS.ProcessEnv, home: string, traceFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!/^npm_/i.test(key) && !["CI", "WORKSHOP_CHECK", "WORKSHOP_SHARE_RUNTIME"].includes(key)) env[key] = value;
  }
  return tracedEnv({ ...env, HOME: home, USERPROFILE: home }, traceFile);
}

/** Reads what the tracer wrote (nothing written: no Node.js process ran). */
export function readNetworkTrace(traceFile: string): NetworkTrace {
  const trace: NetworkTrace = { processes: [], attempts: [] };
  if (!existsSync(traceFile)) return trace;
  for (const line of readFileSync(traceFile, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const entry = JSON.parse(line) as NetworkAttempt;
    if (entry.kind === "process") trace.processes.push({ pid: entry.pid, command: entry.command });
    else trace.attempts.push(entry);
  }
  return trace;
}

/** One line per attempt, for a failure message. */
export const describeAttempts = (attempts: readonly NetworkAttempt[]): string =>
  attempts.map((attempt) => `${attempt.kind} ${attempt.target} (pid ${attempt.pid}: ${attempt.command})`).join("\n");

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Waits, at most `timeoutMs`, until every traced process of a run has ended: a command can
 * leave a process behind that goes online after it exits (the cdk CLI's telemetry sender did).
 * Returns those still running.
 */
export async function settle(traceFile: string, timeoutMs = 5_000): Promise<NetworkTrace["processes"]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = readNetworkTrace(traceFile).processes.filter((entry) => isAlive(entry.pid));
    if (running.length === 0 || Date.now() >= deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Either a command prefix that gives the run no network at all, or why there is none. */
export type NoNetwork = { prefix: string[] } | { missing: string };

/**
 * `unshare -n --`: a new network namespace, with no interface up, not even loopback. Works as
 * root, or where unprivileged user namespaces are allowed (`unshare -rn`).
 */
export function noNetwork(): NoNetwork {
  if (process.platform !== "linux") return { missing: `no network namespaces on ${process.platform} (unshare is Linux-only)` };
  for (const prefix of [
    ["unshare", "-n"],
    ["unshare", "-r", "-n"],
  ]) {
    const probe = spawnSync(prefix[0] as string, [...prefix.slice(1), "true"], { stdio: "ignore", timeout: 5_000 });
    if (probe.error === undefined && probe.status === 0) return { prefix: [...prefix, "--"] };
  }
  return { missing: "`unshare -n true` failed: no unshare, or neither root nor user namespaces" };
}

/** An executable of that name on PATH, or undefined. */
export function onPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * npm's own entry script, to run `npm start` / `npm run synth` with this Node.js and no shell:
 * the one running this process (`npm_execpath`), else the `npm` on PATH.
 */
export function npmCli(): string | undefined {
  const fromNpm = process.env.npm_execpath;
  if (fromNpm && /npm-cli\.js$/.test(fromNpm) && existsSync(fromNpm)) return fromNpm;
  const onThePath = onPath(process.platform === "win32" ? "npm.cmd" : "npm");
  if (onThePath === undefined) return undefined;
  const folder = dirname(realpathSync(onThePath));
  // Beside the `npm` script (Linux, macOS), or in the npm package beside npm.cmd (Windows).
  return [join(folder, "npm-cli.js"), join(folder, "node_modules", "npm", "bin", "npm-cli.js")].find((candidate) => existsSync(candidate));
}

/** What strace saw a traced program do on the network. */
export interface StraceNetwork {
  /** DNS questions sent or about to be sent (a socket connected to, or a datagram for, port 53). */
  lookups: string[];
  /** TCP connections and datagrams to anything but loopback. */
  connections: string[];
  /**
   * UDP sockets connected to an outside address and never used: connect() on UDP sends
   * nothing, it only asks the kernel for a route (Chromium's IPv6 reachability check).
   */
  routeProbes: string[];
}

const isLoopbackAddress = (address: string): boolean =>
  address.startsWith("127.") || address === "::1" || address === "0.0.0.0" || address === "::" || address.startsWith("::ffff:127.");

/**
 * Reads `strace -f -yy -e trace=connect,sendto,sendmsg,sendmmsg` output. Local sockets (UNIX,
 * NETLINK) and loopback addresses are ignored. A socket strace could not describe counts as
 * TCP when it connects (a connection) and as UDP when it sends (a datagram): never as harmless.
 */
export function parseStrace(text: string): StraceNetwork {
  const found: StraceNetwork = { lookups: [], connections: [], routeProbes: [] };
  const call = /^\d+\s+(?:[\d:.]+\s+)?(connect|sendto|sendmsg|sendmmsg)\(\d+(?:<(.*?)>)?,(.*)$/;
  for (const line of text.split("\n")) {
    const match = call.exec(line);
    if (!match) continue;
    const [, syscall = "", described = "", rest = ""] = match;
    // "TCP:[10.0.0.1:4711->10.0.0.2:443]", "UDPv6:[12345]", "UNIX-STREAM:[...]", "socket:[12345]"
    const kind = /^([A-Za-z0-9-]+):\[(.*)\]$/.exec(described);
    const protocol = kind?.[1] ?? "socket";
    if (/^(UNIX|NETLINK|PACKET)/.test(protocol) || /sa_family=AF_(UNIX|NETLINK)/.test(rest)) continue;
    const address = /inet_addr\("([^"]+)"\)/.exec(rest)?.[1] ?? /inet_pton\(AF_INET6, "([^"]+)"/.exec(rest)?.[1];
    const port = /htons\((\d+)\)/.exec(rest)?.[1];
    // Without an address in the call, the socket's own description may name its peer: "a:1->b:2".
    const peer = /->\[?([^\]\s]+?)\]?:(\d+)$/.exec(kind?.[2] ?? "");
    const to = address ?? peer?.[1];
    const toPort = port ?? peer?.[2];
    if (to !== undefined && isLoopbackAddress(to)) continue;
    if (syscall === "connect" && to === undefined) continue; // a connect() to no internet address
    if (protocol === "socket" && to === undefined) continue; // a send on a socket nothing is known about: a pipe-like local one
    const where = to === undefined ? "a connected peer" : `${to}${toPort ? `:${toPort}` : ""}`;
    if (toPort === "53") found.lookups.push(`${syscall} ${protocol} ${where}`);
    else if (syscall === "connect" && protocol.startsWith("UDP")) found.routeProbes.push(`connect ${protocol} ${where}`);
    else found.connections.push(`${syscall} ${protocol} ${where}`);
  }
  return found;
}

/** Each distinct entry once, with how often it came: `connect UDP 10.0.0.2:53 (×12)`. */
export function tally(entries: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry, (counts.get(entry) ?? 0) + 1);
  return [...counts].map(([entry, count]) => (count > 1 ? `${entry} (×${count})` : entry));
}

/**
 * For a tool a test needs but the machine lacks: skip with the reason, or, under `CI=true`,
 * fail with it (CI must run every proof).
 */
export function skipOrFail(test: { skip(note?: string): void }, reason: string): void {
  if (process.env.CI === "true") throw new Error(`${reason}; under CI=true this fails instead of skipping`);
  test.skip(reason);
}

/** A program wrapped so that strace records its network calls, or why it cannot be. */
export type Traced = { executable: string; read(): { network: StraceNetwork; calls: number } | undefined } | { missing: string };

/**
 * A shell script in `folder` that runs `executable` under strace, following every process it
 * starts and recording each connect() and datagram to `folder/network.strace`. The seccomp
 * filter stops only those calls, so the traced program runs at nearly full speed.
 */
export function underStrace(executable: string, folder: string): Traced {
  if (process.platform !== "linux") return { missing: `strace is Linux-only; this is ${process.platform}` };
  const strace = onPath("strace");
  if (strace === undefined) return { missing: "no strace on PATH (apt-get install strace)" };
  const traceFile = join(folder, "network.strace");
  const wrapper = join(folder, "under-strace");
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  const traced = "--seccomp-bpf -e trace=connect,sendto,sendmsg,sendmmsg -e signal=none";
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(strace)} -f -qq -yy ${traced} -o ${quote(traceFile)} ${quote(executable)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const read = () => {
    if (!existsSync(traceFile)) return undefined;
    const text = readFileSync(traceFile, "utf8");
    return { network: parseStrace(text), calls: text.split("\n").filter(Boolean).length };
  };
  return { executable: wrapper, read };
}
