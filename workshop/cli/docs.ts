/**
 * `npm run docs`: builds the workshop's site with typedoc into `site/` (ignored by git).
 */
import { join, relative, resolve } from "node:path";
import { Command } from "commander";
import pc from "picocolors";
import { buildSite, unsafeOutput } from "../docs-site/build.ts";
import { repoRoot } from "../manifest.ts";

const program = new Command("docs")
  .description(
    "Build the workshop's static site with typedoc: the README as the home page, the docs/ pages, " +
      "every module guide in the order of workshop/modules.json, and the API reference of fraud/ and " +
      "of the finished workflow. Mermaid diagrams render in the browser, offline. " +
      "Any typedoc warning fails the build.",
  )
  .option("-o, --out <dir>", "where to write the site; emptied first (default: site/ in the repository)")
  .addHelpText("after", "\nThen open site/index.html in a browser.")
  .parse();

const { out: given } = program.opts<{ out?: string }>();
const out = given === undefined ? join(repoRoot, "site") : resolve(given);
const refusal = unsafeOutput(out);
if (refusal) program.error(`Not building into ${out}: ${refusal}.`, { exitCode: 2 });
const build = await buildSite({ out });
const shown = relative(process.cwd(), join(out, "index.html")) || join(out, "index.html");
if (build.ok) {
  console.log(`${pc.green("✓")} Site built in ${build.seconds.toFixed(1)} s: ${shown}`);
} else {
  console.error(
    `${pc.red("✗")} The site did not build: ${build.errors} error(s), ${build.warnings} warning(s) (warnings count as errors).`,
  );
  process.exitCode = 1;
}
