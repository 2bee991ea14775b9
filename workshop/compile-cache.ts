/**
 * Node.js's compile cache (node:module), kept in node_modules/.cache/node-compile-cache.
 *
 * `npm test` starts about 30 Node.js processes (vitest's workers, the cdk CLI, typedoc, knip)
 * that load the same vitest, durable SDK and aws-cdk-lib; a quarter of their CPU went to
 * compiling that JavaScript again. With the cache, each file is compiled once and read back
 * by the processes after: 10 to 15 s of CPU less a check once the cache is warm (2 cores).
 * Node.js checks each entry against the file's content and its own version, so a stale entry
 * is never used. `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 */
import { enableCompileCache } from "node:module";
import { join } from "node:path";
import { repoRoot } from "./manifest.ts";

/** Turns the cache on for what this process loads from now on, and for every process it starts. */
export function shareCompileCache(): void {
  process.env.NODE_COMPILE_CACHE ??= join(repoRoot, "node_modules", ".cache", "node-compile-cache");
  enableCompileCache(process.env.NODE_COMPILE_CACHE);
}

// Loaded with `node --import ./workshop/compile-cache.ts` (package.json), before the command's
// own modules: they are then compiled once too.
shareCompileCache();
