/**
 * `npm test`: the maintainer check. Every solution passes its module's tests, every untouched
 * starter fails them with TODO guidance, the repository's structure and types hold, the docs
 * lint clean, link right and build into a site that works in a browser.
 * The last line printed is `N passed, N failed`, plain, for CI.
 */
import { Command } from "commander";
import pc from "picocolors";
import { codeChecks } from "../checks/code.ts";
import { docsChecks } from "../checks/docs.ts";
import { watchLeftovers } from "../checks/leftovers.ts";
import { structureChecks } from "../checks/structure.ts";
import { patchesApply } from "../checks/mistakes.ts";
import { testChecks } from "../checks/module-tests.ts";
import type { CheckResult } from "../checks/types.ts";
import { typeCheck } from "../checks/typescript.ts";
import { runTests } from "../test-run.ts";
import { commandLine, guarded, type Io, processIo, runIfEntry } from "../command.ts";

/** Set when the test run was stopped with its workers alive: the entry must not wait for them. */
let abandonedWorkers = false;

/** Runs every check and prints the checklist; exits 1 when any check failed. */
export const checkMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    commandLine(
      new Command("check").description(
        "The maintainer check: every solution passes, every untouched starter and every catalogued\n" +
          "mistake (solutions/NN-slug/mistakes/*.patch) fails with guidance,\n" +
          "the manifest, folders, guides and README agree, the TypeScript type-checks, Biome, the layer rules\n" +
          "and knip pass, and the docs pass\n" +
          "markdownlint, their links resolve, and the site builds and works in a headless Chromium.",
      ),
      io,
    ).parse([...argv], { from: "user" });
    const line = (text: string) => io.out(`${text}\n`);

    const started = performance.now();
    // Nothing left behind: the run gets a temp directory of its own and marks its processes; the
    // last check names what is still there (workshop/checks/leftovers.ts).
    const leftovers = watchLeftovers();
    // vitest.config.ts builds the check's one project (every test file, the catalogue's included)
    // and shares the runtime between files only for the maintainer check.
    process.env.WORKSHOP_CHECK = "1";
    const [types, code, run, docs, applied] = await Promise.all([
      typeCheck(),
      codeChecks(),
      // Quiet: what a test's child process prints (the CDK bundler) is shown only if something failed.
      runTests({ projects: ["check"], quiet: true }),
      docsChecks(),
      patchesApply(),
    ]);
    const results: CheckResult[] = [...structureChecks(), types, ...code, ...testChecks(run, applied), ...docs];
    results.push(...(await leftovers.check()));

    const groups = [...new Set(results.map((result) => result.group))];
    for (const group of groups) {
      const inGroup = results.filter((result) => result.group === group);
      const failed = inGroup.filter((result) => !result.ok);
      const skipped = inGroup.filter((result) => result.skipped);
      const mark = failed.length === 0 ? pc.green("✓") : pc.red("✗");
      const skippedNote = skipped.length > 0 ? pc.yellow(`, ${skipped.length} skipped`) : "";
      // A catalogued mistake passes its check by failing the module's tests: it is "caught".
      const verb = group.startsWith("mistakes") ? "caught" : "passed";
      line(`${mark} ${group}: ${inGroup.length - failed.length}/${inGroup.length} ${verb}${skippedNote}`);
      for (const result of failed) {
        line(pc.red(`    ✗ ${result.name}`));
        if (result.detail) line(result.detail.replace(/^/gm, "        "));
      }
      for (const result of skipped) line(pc.yellow(`    - skipped: ${result.name}${result.detail ? ` (${result.detail})` : ""}`));
    }

    const passed = results.filter((result) => result.ok && !result.skipped).length;
    const testsFailed = results.some((result) => !result.ok && /^(solution|starter|mistakes|repository tests|tests)/.test(result.group));
    if (testsFailed && run.output.trim() !== "") {
      const lines = run.output.trimEnd().split("\n");
      line(pc.dim(`What the tests printed (last ${Math.min(lines.length, 40)} of ${lines.length} lines):`));
      line(lines.slice(-40).join("\n"));
    }
    const failed = results.filter((result) => !result.ok).length;
    const skipped = results.filter((result) => result.skipped).length;
    line(pc.dim(`Checked in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
    // Plain on purpose: CI reads this line, and colour libraries colour when CI is set.
    line(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
    abandonedWorkers = run.stopped !== undefined && !run.stopped.ended;
    return failed === 0 ? 0 : 1;
  });

await runIfEntry(import.meta.url, async (argv, io) => {
  const code = await checkMain(argv, io);
  // A run stopped with its workers still alive would keep this process open: end it here.
  if (abandonedWorkers) process.exit(code);
  return code;
});
