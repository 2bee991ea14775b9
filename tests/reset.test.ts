/**
 * `npm run reset`, run on a scratch clone of this repository (never on the repository itself):
 * it refuses a `--from` that names no commit before git can read it as an option, never leaves
 * a file empty, and keeps the version it discards where the learner can get it back.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./support/run.ts";
import { repoRoot } from "../workshop/manifest.ts";

const scratch = mkdtempSync(join(tmpdir(), "workshop-reset-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const handler = "modules/01-first-step/handler.ts";
const learnerEdit = "\n// the learner's own work, which must not be lost\n";

let clones = 0;
/** A clone of this repository's HEAD with the working tree's tooling, and a learner's edit in module 01. */
function scratchClone(): string {
  const clone = join(scratch, `clone-${++clones}`);
  execFileSync("git", ["clone", "-q", repoRoot, clone]);
  // The commands under test as they are now, which may be ahead of HEAD.
  cpSync(join(repoRoot, "workshop"), join(clone, "workshop"), { recursive: true });
  symlinkSync(join(repoRoot, "node_modules"), join(clone, "node_modules"), "junction");
  writeFileSync(join(clone, handler), readFileSync(join(clone, handler), "utf8") + learnerEdit);
  return clone;
}

const git = (clone: string, args: string[]) =>
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", ...args], {
    cwd: clone,
    encoding: "utf8",
  });

const reset = (clone: string, args: string[]) =>
  run(process.execPath, ["workshop/cli/reset.ts", ...args], { env: process.env, cwd: clone, timeoutMs: 60_000 });

const backups = (clone: string) => {
  const folder = join(clone, ".workshop", "backups", "01-first-step");
  return existsSync(folder) ? readdirSync(folder) : [];
};

describe.concurrent("npm run reset", () => {
  it("refuses a --from that is an option, before git can act on it", async () => {
    const clone = scratchClone();
    const before = readFileSync(join(clone, handler), "utf8");
    // Where `git show --output=<leak>:<path>` would write, were the ref passed to it as is
    // (a folder name with a colon: not on Windows).
    const leak = join(scratch, "leak");
    const leakFolder = `${leak}:modules/01-first-step`;
    if (process.platform !== "win32") mkdirSync(leakFolder, { recursive: true });

    const result = await reset(clone, ["01", "--yes", `--from=--output=${leak}`]);

    expect(result.code, result.stdout + result.stderr).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid --from: "--output=.+" is not a commit, branch or tag of this repository\.$/);
    expect(result.stdout).not.toContain("back to its starter");
    expect(readFileSync(join(clone, handler), "utf8")).toBe(before);
    if (process.platform !== "win32") expect(readdirSync(leakFolder)).toEqual([]);
    expect(backups(clone)).toEqual([]);
  }, 90_000);

  it("refuses a --from that names no commit, with exit code 2", async () => {
    const clone = scratchClone();
    const before = readFileSync(join(clone, handler), "utf8");

    const result = await reset(clone, ["01", "--yes", "--from", "no-such-branch"]);

    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('Invalid --from: "no-such-branch" is not a commit, branch or tag of this repository.');
    expect(readFileSync(join(clone, handler), "utf8")).toBe(before);
  }, 90_000);

  it("never writes an empty starter over the learner's file", async () => {
    const clone = scratchClone();
    const before = readFileSync(join(clone, handler), "utf8");
    // A commit in the clone whose starter file is empty.
    writeFileSync(join(clone, handler), "");
    git(clone, ["commit", "-q", "-m", "empty starter", "--", handler]);
    writeFileSync(join(clone, handler), before);

    const result = await reset(clone, ["01", "--yes", "--from", "HEAD"]);

    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain(`The starter ${handler} at HEAD is empty. Nothing was changed.`);
    expect(readFileSync(join(clone, handler), "utf8")).toBe(before);
    expect(backups(clone)).toEqual([]);
  }, 90_000);

  it("restores the starter and keeps the learner's version in .workshop/backups/", async () => {
    const clone = scratchClone();
    const mine = readFileSync(join(clone, handler), "utf8");

    const result = await reset(clone, ["01", "--yes"]);

    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(readFileSync(join(clone, handler), "utf8")).toBe(git(clone, ["show", `HEAD:${handler}`]));
    const [backup, ...others] = backups(clone);
    expect(others).toEqual([]);
    expect(backup).toMatch(/^handler\.ts\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect(result.stdout).toContain(`Your version is kept in:\n  .workshop/backups/01-first-step/${backup}`);
    expect(readFileSync(join(clone, ".workshop", "backups", "01-first-step", backup as string), "utf8")).toBe(mine);
    expect(git(clone, ["status", "--porcelain", "--", "modules", ".workshop"])).toBe("");
  }, 90_000);
});
