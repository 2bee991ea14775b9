/**
 * Offline by default: `npm start` runs with no network at all and reaches nothing off this
 * machine. (`npm run synth` is proven the same way in infra/cdk-command.test.ts, on the synth
 * that file already runs; the docs check's Chromium runs under strace in the check itself,
 * workshop/checks/docs.ts, read as tested here.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type RunResult } from "./support/run.ts";
import { repoRoot } from "../workshop/manifest.ts";
import {
  describeAttempts,
  learnerEnv,
  noNetwork,
  npmCli,
  parseStrace,
  readNetworkTrace,
  settle,
  skipOrFail,
  tally,
  type NetworkTrace,
} from "../workshop/testing/offline.ts";

const scratch = mkdtempSync(join(tmpdir(), "workshop-offline-"));
const noNpm = "npm's own script (npm-cli.js) was not found, so `npm start` cannot be run";
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Both at once: each mostly waits (on npm start's workflow, on Chromium's background timers).
describe.concurrent("offline", () => {
  describe("npm start, offline", () => {
    const isolation = noNetwork();
    const npm = npmCli();
    const traceFile = join(scratch, "start.jsonl");
    let result: RunResult | undefined;
    let trace: NetworkTrace;
    let leftRunning: NetworkTrace["processes"] = [];

    beforeAll(async () => {
      if (npm === undefined) return;
      const home = mkdtempSync(join(scratch, "home-"));
      const env = { ...learnerEnv(process.env, home, traceFile), VERIFICATION_TIMEOUT_SECONDS: "1" };
      // `npm start -- --answer approve`, through npm itself (npm has its own reasons to go online).
      const command = [process.execPath, npm, "start", "--", "--answer", "approve"];
      const [file, ...args] = "prefix" in isolation ? [...isolation.prefix, ...command] : command;
      result = await run(file as string, args, { env, cwd: repoRoot, timeoutMs: 60_000 });
      leftRunning = await settle(traceFile);
      trace = readNetworkTrace(traceFile);
    }, 90_000);

    it("looks nothing up and connects to nothing but 127.0.0.1, and leaves no process running", (context) => {
      if (npm === undefined) return skipOrFail(context, noNpm);
      const output = stripVTControlCharacters(`${result?.stdout}\n${result?.stderr}`);
      expect(result?.code, output).toBe(0);
      expect(output).toContain('"customerVerificationResult": "TransactionApproved"');
      expect(trace.processes.length, "the tracer saw no Node.js process: was it preloaded?").toBeGreaterThan(0);
      expect(describeAttempts(trace.attempts), "what `npm start` tried to reach off this machine").toBe("");
      expect(leftRunning, "processes of `npm start` still running after it ended").toEqual([]);
    });

    it("runs with no network at all (in a network namespace of its own, under unshare -n)", (context) => {
      if ("missing" in isolation) return skipOrFail(context, isolation.missing);
      if (npm === undefined) return skipOrFail(context, noNpm);
      expect(result?.code, `${result?.stdout}\n${result?.stderr}`).toBe(0);
    });
  });
});

// The docs check runs its Chromium under strace (workshop/checks/docs.ts) and reads the trace so.
describe("reading strace's record of a program's network calls", () => {
  const trace = [
    '101 connect(5<UDP:[40123]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = 0',
    '101 sendto(5<UDP:[10.0.0.5:40123->10.0.0.2:53]>, "\\x12\\x34", 30, MSG_NOSIGNAL, NULL, 0) = 30',
    '102 connect(7<TCP:[1234]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) = -1 EINPROGRESS',
    '102 connect(8<TCP:[1235]>, {sa_family=AF_INET, sin_port=htons(40001), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
    '103 connect(9<UNIX-STREAM:[999]>, {sa_family=AF_UNIX, sun_path="/run/dbus"}, 20) = -1 ENOENT',
    '104 connect(10<UDPv6:[777]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860::1", &sin6_addr)}, 28) = 0',
  ].join("\n");

  it("names DNS lookups and connections off the machine, and ignores loopback and local sockets", () => {
    const seen = parseStrace(trace);
    expect(seen.lookups, "a datagram's peer is read from the socket").toEqual(["connect UDP 10.0.0.2:53", "sendto UDP 10.0.0.2:53"]);
    expect(seen.connections).toEqual(["connect TCP 142.250.1.1:443"]);
    expect(seen.routeProbes, "a UDP connect() sends nothing: a route probe, not a connection").toEqual(["connect UDPv6 2001:4860::1:443"]);
  });

  it("counts repeats once, with how often they came", () => {
    expect(tally(["a", "b", "a"])).toEqual(["a (×2)", "b"]);
  });
});
