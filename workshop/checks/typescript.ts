/**
 * Type-checks the whole repository (starters included: a starter must compile).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { repoRoot } from "../manifest.ts";
import type { CheckResult } from "./types.ts";

export function typeCheck(): Promise<CheckResult> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: repoRoot });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => {
      const ok = code === 0;
      const detail = output.trim().split("\n").slice(0, 30).join("\n");
      resolve({ group: "types", name: "the TypeScript type-checks (tsc --noEmit)", ok, ...(ok ? {} : { detail }) });
    });
  });
}
