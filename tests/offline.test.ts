/**
 * Offline by default: `npm start` runs with no network at all and reaches nothing off this
 * machine, and neither does the Chromium of the docs check. (`npm run synth` is proven the same
 * way in infra/cdk-command.test.ts, on the synth that file already runs.)
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, type RunResult } from "../operate/testing/aws-cli.ts";
import { chromiumPath, openBrowser } from "../workshop/docs-site/browser.ts";
import { repoRoot } from "../workshop/manifest.ts";
import {
  describeAttempts,
  learnerEnv,
  noNetwork,
  npmCli,
  onPath,
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

  describe("the docs check's Chromium, offline", () => {
    it("looks nothing up and connects to nothing but 127.0.0.1 (seen by strace)", async (context) => {
      const chromium = chromiumPath();
      const strace = onPath("strace");
      if (process.platform !== "linux") return skipOrFail(context, `strace is Linux-only; this is ${process.platform}`);
      if (!existsSync(chromium)) return skipOrFail(context, `no Chromium at ${chromium}`);
      if (strace === undefined) return skipOrFail(context, "no strace on PATH (apt-get install strace)");

      // Chromium as openBrowser starts it, under strace: every connect() and datagram, in every process.
      const traceFile = join(scratch, "chromium.strace");
      const wrapper = join(scratch, "chromium-under-strace");
      const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
      const traced = "-e trace=connect,sendto,sendmsg,sendmmsg -e signal=none";
      writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(strace)} -f -qq -yy ${traced} -o ${quote(traceFile)} ${quote(chromium)} "$@"\n`);
      chmodSync(wrapper, 0o755);

      const page = "<h1>offline</h1>";
      const server = createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end(page));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const browser = await openBrowser(wrapper);
      let heading: string | null = null;
      try {
        const tab = await browser.context.newPage();
        await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        heading = await tab.textContent("h1");
        // Chromium's own requests come a few seconds after it starts: stay until the proxy on
        // 127.0.0.1 has caught one (Chromium was busy, and was watched), or 6 s.
        const until = Date.now() + 6_000;
        while (browser.background.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        await browser.close();
        server.close();
      }

      expect(heading, "the page on 127.0.0.1 loads directly, not through the proxy").toBe("offline");
      const seen = parseStrace(readFileSync(traceFile, "utf8"));
      const held = browser.background.join("\n") || "(none)";
      expect(tally(seen.lookups), `DNS lookups by Chromium. Its own requests, held at the proxy on 127.0.0.1:\n${held}`).toEqual([]);
      expect(tally(seen.connections), `connections off this machine by Chromium. Held at the proxy:\n${held}`).toEqual([]);
    }, 60_000);
  });
});
