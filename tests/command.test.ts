/**
 * The one command shape (workshop/command.ts): every command answers a bad command line in one
 * line with exit code 2, `--help` with 0, and lets a real failure through to its caller.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { captureIo } from "./support/sandbox.ts";
import { commandLine, guarded, moduleArgument, runCommand, UsageError } from "../workshop/command.ts";

const sample = (io: ReturnType<typeof captureIo>, ran: string[]) =>
  commandLine(
    new Command("sample")
      .argument("<name>")
      .option("--count <n>", "how many")
      .action((name: string) => {
        ran.push(name);
      }),
    io,
  );

describe("a workshop command", () => {
  it("runs its action and exits 0", async () => {
    const io = captureIo();
    const ran: string[] = [];
    expect(await runCommand(sample(io, ran), ["first"], io)).toBe(0);
    expect(ran).toEqual(["first"]);
  });

  it("answers an unknown option in one line on stderr, with exit code 2, running nothing", async () => {
    const io = captureIo();
    const ran: string[] = [];
    expect(await runCommand(sample(io, ran), ["first", "--bogus"], io)).toBe(2);
    expect(io.stderr.trim().split("\n")).toEqual(["error: unknown option '--bogus'"]);
    expect(ran).toEqual([]);
  });

  it("prints --help on stdout and exits 0", async () => {
    const io = captureIo();
    expect(await runCommand(sample(io, []), ["--help"], io)).toBe(0);
    expect(io.stdout).toContain("Usage: sample");
  });

  it("reports a UsageError in its one line with exit code 2, and lets any other error through", async () => {
    const io = captureIo();
    expect(await guarded(io, () => Promise.reject(new UsageError("error: --from names no commit")))).toBe(2);
    expect(io.stderr).toBe("error: --from names no commit\n");
    await expect(guarded(io, () => Promise.reject(new Error("a bug")))).rejects.toThrow("a bug");
  });

  it("takes a module by number or slug, and refuses another name as a usage error naming the valid ones", () => {
    expect(moduleArgument("1").slug).toBe("first-step");
    expect(moduleArgument("callbacks").number).toBe("06");
    expect(() => moduleArgument("42")).toThrow(UsageError);
    expect(() => moduleArgument("42")).toThrow(/Valid modules: 1, 01 or first-step/);
  });
});
