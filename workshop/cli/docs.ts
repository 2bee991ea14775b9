/**
 * `npm run docs`: builds the workshop's site with typedoc into `site/` (ignored by git).
 */
import { join, relative, resolve } from "node:path";
import { Command } from "commander";
import pc from "picocolors";
import { commandLine, guarded, type Io, processIo, runIfEntry, UsageError } from "../command.ts";
import { buildSite, unsafeOutput } from "../docs-site/build.ts";
import { repoRoot } from "../manifest.ts";

/** Builds the site; exits 1 when typedoc reports any warning or error. */
export const docsMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      new Command("docs")
        .description(
          "Build the workshop's static site with typedoc: the README as the home page, the docs/ pages, " +
            "every module guide in the order of workshop/modules.json, and the API reference of fraud/ and " +
            "of the finished workflow. Mermaid diagrams render in the browser, offline. " +
            "Any typedoc warning fails the build.",
        )
        .option("-o, --out <dir>", "where to write the site; emptied first (default: site/ in the repository)")
        .addHelpText("after", "\nThen open site/index.html in a browser."),
      io,
    );
    program.parse([...argv], { from: "user" });
    const { out: given } = program.opts<{ out?: string }>();
    const out = given === undefined ? join(repoRoot, "site") : resolve(given);
    const refusal = unsafeOutput(out);
    if (refusal) throw new UsageError(`error: Not building into ${out}: ${refusal}.`);
    const build = await buildSite({ out });
    const shown = relative(process.cwd(), join(out, "index.html")) || join(out, "index.html");
    if (build.ok) {
      io.out(`${pc.green("✓")} Site built in ${build.seconds.toFixed(1)} s: ${shown}\n`);
      return 0;
    }
    io.err(`${pc.red("✗")} The site did not build: ${build.errors} error(s), ${build.warnings} warning(s) (warnings count as errors).\n`);
    return 1;
  });

await runIfEntry(import.meta.url, docsMain);
