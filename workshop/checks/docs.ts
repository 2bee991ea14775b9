/**
 * The documentation checks of `npm test`: Markdown lint, internal links, the site build, and
 * the built site in a real browser. Each tool runs in a child process, so the checks run in
 * parallel with the type-check and the tests; the site is built into a temporary directory,
 * never into the repository.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { repoRoot } from "../manifest.ts";
import { checkSiteInBrowser, chromiumPath, openBrowser, searchTerm, type Browser, type BrowserReport } from "../docs-site/browser.ts";
import { tally, underStrace, type Traced } from "../testing/offline.ts";
import { firstLines, runTool } from "./tool.ts";
import type { CheckResult } from "./types.ts";

const group = "docs";

const result = (name: string, ok: boolean, detail?: string): CheckResult => ({
  group,
  name,
  ok,
  ...(!ok && detail ? { detail } : {}),
});

/**
 * Every Markdown file of the repository, relative to it: outside `node_modules/`, hidden folders
 * and the folders `.gitignore` names (`site/`, `cdk.out/`, …). Listed here rather than globbed
 * by each tool, which would walk all of `node_modules/` first.
 */
export function markdownFiles(): string[] {
  const ignoredFolders = new Set(
    readFileSync(join(repoRoot, ".gitignore"), "utf8")
      .split("\n")
      .map((line) => line.trim().replace(/^\//, "").replace(/\/$/, ""))
      .filter((line) => line !== "" && !line.startsWith("#") && !/[*?[]/.test(line)),
  );
  ignoredFolders.add("node_modules");
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(repoRoot, folder), { withFileTypes: true })) {
      const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && !ignoredFolders.has(entry.name)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith(".md")) {
        found.push(path);
      }
    }
  };
  walk("");
  return found.sort();
}

/** markdownlint-cli over every Markdown file, with the committed config (as `npm run lint:md`). */
export async function markdownLintCheck(files = markdownFiles()): Promise<CheckResult> {
  const name = "every Markdown file passes markdownlint (.markdownlint.jsonc)";
  const lint = await runTool(process.execPath, [
    join(repoRoot, "node_modules", "markdownlint-cli", "markdownlint.js"),
    "--config",
    ".markdownlint.jsonc",
    ...files,
  ]);
  return result(name, lint.code === 0, firstLines(lint.output) || `markdownlint exited with ${lint.code}`);
}

/** remark-validate-links over every Markdown file: files and heading anchors, offline. */
export async function linkCheck(files = markdownFiles()): Promise<CheckResult> {
  const name = "every internal link in the Markdown resolves, to a file and, with #, to a heading (remark-validate-links)";
  const links = await runTool(process.execPath, [
    join(repoRoot, "node_modules", "remark-cli", "cli.js"),
    ...files,
    "--no-config",
    "--no-ignore",
    "--no-stdout",
    "--frail",
    "--quiet",
    "--no-color",
    // repository:false: no git remote lookup, no GitHub URLs, local files and headings only.
    "--use",
    "remark-validate-links=repository:false",
  ]);
  return result(name, links.code === 0, firstLines(links.output) || `remark exited with ${links.code}`);
}

/** Builds the site into a temporary directory with `npm run docs`'s own code. */
async function buildSiteCheck(out: string): Promise<{ check: CheckResult; built: boolean }> {
  const name = "the site builds with typedoc with no warning (npm run docs)";
  const build = await runTool(process.execPath, [join(repoRoot, "workshop", "cli", "docs.ts"), "--out", out]);
  const built = build.code === 0 && existsSync(join(out, "index.html"));
  return { check: result(name, built, firstLines(build.output) || `the build exited with ${build.code}`), built };
}

/** Every relative link of the built site's pages, checked on disk: the page exists and so does its #anchor. */
export function siteLinkProblems(site: string): string[] {
  const pages = (readdirSync(site, { recursive: true, encoding: "utf8" }) as string[]).filter((file) => file.endsWith(".html"));
  const anchors = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = anchors.get(file);
    if (!found) {
      const text = readFileSync(file, "utf8");
      found = new Set([...text.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((match) => match[1] as string));
      anchors.set(file, found);
    }
    return found;
  };
  const problems: string[] = [];
  for (const page of pages) {
    const file = join(site, page);
    for (const match of readFileSync(file, "utf8").matchAll(/\shref="([^"]*)"/g)) {
      const href = (match[1] as string).replaceAll("&amp;", "&");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href === "") continue;
      const [path = "", anchor] = href.split("#", 2);
      const target = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
      if (!existsSync(target)) problems.push(`${page} links to ${href}: no such file on the site`);
      else if (anchor && target.endsWith(".html") && !anchorsOf(target).has(decodeURIComponent(anchor))) {
        problems.push(`${page} links to ${href}: no such anchor`);
      }
    }
  }
  return [...new Set(problems)];
}

const browserNames = {
  home: "in Chromium, the site's home page lists every module of the manifest, linked and in order",
  diagram: "in Chromium, module 07's page shows its Mermaid diagram as a rendered svg, and every diagram of the site parses",
  search: `in Chromium, the site's search box finds "${searchTerm}" in the guide that teaches it`,
  site: "in Chromium, the site works offline: no page asks for anything off this machine",
};

function browserResults(report: BrowserReport): CheckResult[] {
  return (Object.keys(browserNames) as (keyof typeof browserNames)[]).map((key) =>
    result(browserNames[key], report[key].length === 0, report[key].join("\n")),
  );
}

const offlineName = "the check's Chromium looks nothing up and connects to nothing but 127.0.0.1 (seen by strace)";

/**
 * What strace saw Chromium do, in every process it started: no DNS lookup, no connection off
 * this machine. Its own background requests (an update check, autofill) go to the proxy on
 * 127.0.0.1 that holds and refuses them; they are listed to explain a failure.
 */
function chromiumOffline(traced: Traced, browser: Browser): CheckResult {
  if ("missing" in traced) {
    if (process.env.CI === "true")
      return result(offlineName, false, `${traced.missing}; under CI=true this fails (.ci/run installs strace)`);
    return { group, name: offlineName, ok: true, skipped: true, detail: traced.missing };
  }
  const seen = traced.read();
  if (seen === undefined || seen.calls === 0) return result(offlineName, false, "strace recorded nothing: was Chromium traced?");
  const held = browser.background.join("\n") || "(none)";
  const problems = [...tally(seen.network.lookups).map((line) => `DNS lookup: ${line}`), ...tally(seen.network.connections)];
  return result(offlineName, problems.length === 0, `${problems.join("\n")}\nChromium's own requests, held at the proxy:\n${held}`);
}

/** One verdict for all the browser checks when there is no Chromium: skipped, or failed under CI. */
const inChromium = "the built site in Chromium (home page, module 07's diagram, search, offline)";

function noChromium(reason: string): CheckResult {
  const name = inChromium;
  if (process.env.CI === "true") {
    return { group, name, ok: false, detail: `${reason}; under CI=true this fails (.ci/run installs chromium)` };
  }
  return { group, name, ok: true, skipped: true, detail: reason };
}

/**
 * The site, built, its links checked on disk, then opened in Chromium. Without Chromium the
 * browser checks skip, except under CI.
 */
export async function siteChecks(): Promise<CheckResult[]> {
  const out = await mkdtemp(join(tmpdir(), "workshop-site-check-"));
  const traceFolder = await mkdtemp(join(tmpdir(), "workshop-chromium-trace-"));
  const executable = chromiumPath();
  const traced = existsSync(executable) ? underStrace(executable, traceFolder) : { missing: "no Chromium" };
  const launched = Date.now();
  // Chromium starts while the site builds.
  const browser = existsSync(executable)
    ? openBrowser("missing" in traced ? executable : traced.executable).catch((error: unknown) => error as Error)
    : undefined;
  try {
    const { check, built } = await buildSiteCheck(out);
    const results = [check];
    if (built) {
      const problems = siteLinkProblems(out);
      results.push(
        result(
          "every link of the built site leads to a page, and an anchor, that exist",
          problems.length === 0,
          firstLines(problems.join("\n")),
        ),
      );
    }
    const opened = await browser;
    if (opened === undefined)
      return [...results, noChromium(`no Chromium at ${executable}; install Debian's chromium (apt-get install chromium)`)];
    if (opened instanceof Error) {
      const message = String(opened.message).split("\n")[0] ?? "";
      return [...results, result(inChromium, false, `Chromium did not start: ${message}`)];
    }
    try {
      if (!built) return [...results, result(inChromium, false, "the site did not build, so there is nothing to open")];
      results.push(...browserResults(await checkSiteInBrowser(out, opened)));
      // Chromium's own requests come a few seconds after it starts: stay until the proxy has
      // caught one, or 6 s after the start, so that strace watched long enough to see them.
      while (opened.background.length === 0 && Date.now() - launched < 6_000) await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await opened.close();
    }
    return [...results, chromiumOffline(traced, opened)];
  } finally {
    await rm(out, { recursive: true, force: true });
    await rm(traceFolder, { recursive: true, force: true });
  }
}

/** All documentation checks, concurrently. */
export async function docsChecks(): Promise<CheckResult[]> {
  const files = markdownFiles();
  const [lint, links, site] = await Promise.all([markdownLintCheck(files), linkCheck(files), siteChecks()]);
  return [lint, links, ...site];
}
