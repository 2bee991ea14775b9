/**
 * `npm start`, as CI and a learner without a terminal run it: no prompt, a simulated answer.
 */
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "./support/run.ts";
import { captureIo } from "./support/sandbox.ts";
import { startMain } from "../workshop/cli/start.ts";
import { repoRoot } from "../workshop/manifest.ts";

async function start(args: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env, VERIFICATION_TIMEOUT_SECONDS: "1" };
  const result = await run(process.execPath, ["workshop/cli/start.ts", ...args], { env, cwd: repoRoot });
  return { code: result.code, output: stripVTControlCharacters(result.stdout + result.stderr) };
}

describe.concurrent("npm start", () => {
  it("runs the finished workflow on a medium-risk transaction and applies the simulated answer", async () => {
    const { code, output } = await start(["--amount", "7500", "--answer", "decline"]);

    expect(code, output).toBe(0);
    expect(output).toContain("Running solutions/08-timeouts/handler.ts");
    expect(output).toContain("simulated answer: decline");
    expect(output).toMatch(/finalize-1000\s.*SUCCEEDED/);
    expect(output).toContain('"customerVerificationResult": "TransactionDeclined"');
  });

  it("escalates a silent card holder once the callback times out", async () => {
    const { code, output } = await start(["--amount", "7500", "--answer", "silent"]);

    expect(code, output).toBe(0);
    expect(output).toMatch(/timeout-escalate-1000\s.*SUCCEEDED/);
    expect(output).toContain('"customerVerificationResult": "NoCustomerResponse"');
  });

  it("runs an optional module's own workflow on its sample: the batch review of 11, the dispute of 12, the card block of 14", async () => {
    const [review, dispute] = await Promise.all([start(["--module", "11", "--solution"]), start(["--module", "12", "--solution"])]);

    expect(review.code, review.output).toBe(0);
    expect(review.output).toMatch(/tx-2003\s.*FAILED/);
    expect(review.output).toMatch(/"failed": \[\s*2003\s*\]/);
    expect(dispute.code, dispute.output).toBe(0);
    expect(dispute.output).toMatch(/dispute-status-3001\s.*WaitForCondition.*SUCCEEDED/);
    expect(dispute.output).toContain('"outcome": "refunded"');
    const block = await start(["--module", "14", "--solution"]);
    expect(block.code, block.output).toBe(0);
    expect(block.output).toMatch(/close-case-4001\s.*SUCCEEDED/);
    expect(block.output).toContain('"outcome": "rolled-back"');
  });

  it("refuses the fraud check's options for an optional module's workflow, in one line, with exit code 2", async () => {
    const io = captureIo();

    expect(await startMain(["--module", "11", "--amount", "5"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual([expect.stringContaining("--amount, --score and --answer are for the fraud check")]);
  });

  // In-process: the arguments are checked before the runtime loads (and fakes the clock).
  it("rejects an unknown module in one line with the valid ones and exit code 2", async () => {
    const io = captureIo();

    expect(await startMain(["--module", "42"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual([expect.stringContaining('Unknown module "42". Valid modules: 1, 01 or first-step')]);
    expect(io.stdout).toBe("");
  });

  it("refuses an amount that is no number in one line, with exit code 2", async () => {
    const io = captureIo();

    expect(await startMain(["--amount", "lots"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual([expect.stringContaining("--amount must be a number.")]);
  });
});
