/**
 * Opens a built site in a real headless browser (Debian's Chromium, driven by playwright-core)
 * and reports what a reader would see wrong: the home page, a module's diagram, the search box.
 *
 * The browser is the system's own (`/usr/bin/chromium`, installed by `.ci/run`); playwright-core
 * never downloads one. Pages come from a loopback server, and any request that leaves
 * 127.0.0.1 is blocked and reported: the site must work offline.
 *
 * Chromium itself stays on this machine too. It resolves no name but 127.0.0.1, so it looks
 * nothing up, and its own requests (update checks, account and autofill lookups, which no switch
 * turns off in every version) go to a proxy on 127.0.0.1 that refuses them; `Browser.background`
 * lists them.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { folderName, modules, type WorkshopModule } from "../manifest.ts";
import { mermaidSources, moduleGuideTitle } from "./pages.ts";
import { serveSite } from "./serve.ts";

/** Where Debian puts Chromium; `CHROMIUM_PATH` points elsewhere. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * Chromium's switches, on top of playwright-core's own (which already turn off background
 * networking, component updates, field trials, sync and more). The proxy that catches what
 * Chromium still asks for by itself is added per launch (see `openBrowser`).
 */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-domain-reliability",
  "--disable-client-side-phishing-detection",
  "--no-pings",
  // No DNS lookup at all: every name but 127.0.0.1 resolves to "not found" without asking anyone.
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

/**
 * A proxy on 127.0.0.1 that answers every request with 403 and records it. Chromium sends it
 * whatever it would otherwise send off this machine; loopback addresses bypass it, so the site
 * is served directly.
 */
async function startTrap(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method ?? "GET"} ${request.url ?? ""}`);
    response.writeHead(403, { connection: "close" }).end();
  });
  // HTTPS through a proxy starts with CONNECT host:443; refuse it before any byte goes further.
  server.on("connect", (request, socket) => {
    requests.push(`CONNECT ${request.url ?? ""}`);
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The word the search box must find; the module whose `teaches` names it must be among the results. */
export const searchTerm = "waitForCallback";

/** The module whose page must show a rendered diagram: 07 (parallel verification). */
const diagramModule = (): WorkshopModule => modules.find((module) => module.number === "07") ?? (modules[0] as WorkshopModule);

const guideUrl = (base: string, module: WorkshopModule) => `${base}/guides/${folderName(module)}.html`;

export interface BrowserReport {
  /** Problems with the home page's list of modules; empty when it is right. */
  home: string[];
  /** Problems with module 07's diagram, or with any diagram of the site that does not parse. */
  diagram: string[];
  /** Problems with the search box. */
  search: string[];
  /** Requests that tried to leave the machine (each check also reports its page's errors and 404s). */
  site: string[];
  seconds: number;
}

/** Collects script errors and failed responses of one page. */
function watch(page: Page, problems: string[]) {
  page.on("pageerror", (error) => problems.push(`${page.url()}: script error: ${error.message.split("\n")[0]}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) {
      problems.push(`${response.url()} answered ${response.status()}`);
    }
  });
}

async function checkHome(context: BrowserContext, base: string, problems: string[]) {
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(`${base}/index.html`);
  // The home page's text (the README): each module's title, linking to its guide's page.
  const links = await page.$$eval(".col-content a", (anchors) =>
    anchors.map((anchor) => ({ text: (anchor.textContent ?? "").trim(), href: (anchor as unknown as { href: string }).href })),
  );
  for (const module of modules) {
    if (!links.some((link) => link.text === module.title && link.href === guideUrl(base, module))) {
      problems.push(`the home page has no link "${module.title}" to ${guideUrl(base, module).slice(base.length + 1)}`);
    }
  }
  // The navigation, built by script: every module, in the order of the manifest.
  await page.locator(".tsd-navigation a").nth(1).waitFor({ state: "attached", timeout: 10_000 });
  const navigation = await page.$$eval(".tsd-navigation a", (anchors) =>
    anchors.map((anchor) => ({ text: (anchor.textContent ?? "").trim(), href: (anchor as unknown as { href: string }).href })),
  );
  const listed = navigation.filter((link) => modules.some((module) => link.href === guideUrl(base, module)));
  const expected = modules.map((module) => `${moduleGuideTitle(module)} -> ${guideUrl(base, module).slice(base.length + 1)}`);
  const actual = listed.map((link) => `${link.text} -> ${link.href.slice(base.length + 1)}`);
  if (actual.join("\n") !== expected.join("\n")) {
    problems.push(["the navigation does not list the modules in manifest order. Expected:", ...expected, "Found:", ...actual].join("\n"));
  }
  for (const module of modules) {
    const response = await page.request.get(guideUrl(base, module));
    if (!response.ok()) problems.push(`${guideUrl(base, module).slice(base.length + 1)} answered ${response.status()}`);
  }
  await page.close();
}

async function checkDiagram(context: BrowserContext, base: string, problems: string[]) {
  const module = diagramModule();
  const page = await context.newPage();
  watch(page, problems);
  const where = `module ${module.number}'s page`;
  await page.goto(guideUrl(base, module));
  const expected = mermaidSources().filter((diagram) => diagram.where.startsWith(`modules/${folderName(module)}/`)).length;
  // The loader marks the page as soon as it runs (deferred, before the load event).
  if ((await page.getAttribute("html", "data-diagrams")) === null) {
    problems.push(`${where}: the mermaid loader (assets/custom.js) did not run, so the diagrams stay code`);
    await page.close();
    return;
  }
  try {
    await page.waitForSelector("html[data-diagrams=rendered]", { timeout: 15_000 });
  } catch {
    problems.push(`${where}: the diagrams were not rendered within 15 s (is assets/mermaid.min.js there?)`);
    await page.close();
    return;
  }
  const rendered = await page.$$eval(".workshop-diagram", (diagrams) =>
    diagrams.map((diagram) => {
      const svg = diagram.querySelector("svg");
      const box = svg?.getBoundingClientRect();
      return {
        role: svg?.getAttribute("aria-roledescription") ?? "none",
        labels: svg?.querySelectorAll("text, foreignObject").length ?? 0,
        visible: Boolean(box && box.width > 0 && box.height > 0),
      };
    }),
  );
  const leftAsCode = await page.$$eval("pre > code.mermaid", (blocks) => blocks.length);
  if (expected === 0) problems.push(`${where}: its guide has no mermaid block`);
  if (rendered.length !== expected)
    problems.push(`${where}: ${expected} mermaid block(s) in the guide, ${rendered.length} diagram(s) on the page`);
  if (leftAsCode > 0) problems.push(`${where}: ${leftAsCode} mermaid block(s) still shown as code`);
  rendered.forEach((diagram, index) => {
    if (diagram.role === "none") problems.push(`${where}: diagram ${index + 1} has no svg`);
    else if (diagram.role === "error") problems.push(`${where}: diagram ${index + 1} is mermaid's syntax-error picture`);
    else if (diagram.labels === 0 || !diagram.visible)
      problems.push(`${where}: diagram ${index + 1} (${diagram.role}) is empty or invisible`);
  });
  // Mermaid is loaded here: make sure every other diagram of the site parses too.
  const unparsable = await page.evaluate(async (diagrams) => {
    const mermaid = (globalThis as unknown as { mermaid: { parse(text: string): Promise<unknown> } }).mermaid;
    const errors: string[] = [];
    for (const diagram of diagrams) {
      try {
        await mermaid.parse(diagram.source);
      } catch (error) {
        errors.push(`${diagram.where}: ${String((error as Error).message ?? error).split("\n")[0]}`);
      }
    }
    return errors;
  }, mermaidSources());
  problems.push(...unparsable.map((error) => `a diagram does not parse: ${error}`));
  await page.close();
}

async function checkSearch(context: BrowserContext, base: string, problems: string[]) {
  const page = await context.newPage();
  watch(page, problems);
  await page.goto(`${base}/index.html`);
  await page.click("#tsd-search-trigger");
  await page.fill("#tsd-search-input", searchTerm);
  try {
    // Results, or typedoc's "No results found", whichever comes first.
    await page
      .locator("#tsd-search-results li a")
      .first()
      .or(page.locator("#tsd-search-status", { hasText: "No results" }))
      .waitFor({ state: "attached", timeout: 10_000 });
    if ((await page.locator("#tsd-search-results li a").count()) === 0) throw new Error("no results");
  } catch {
    const status = await page.textContent("#tsd-search-status").catch(() => "");
    problems.push(`searching "${searchTerm}" found nothing${status ? ` (the search box says: ${status.trim()})` : ""}`);
    await page.close();
    return;
  }
  const results = await page.$$eval("#tsd-search-results li a", (anchors) =>
    anchors.map((anchor) => ({ text: (anchor.textContent ?? "").trim(), href: (anchor as unknown as { href: string }).href })),
  );
  // The module that teaches it (the manifest says which) must be among the results.
  for (const module of modules.filter((candidate) => candidate.teaches.includes(searchTerm))) {
    if (!results.some((result) => result.href.startsWith(guideUrl(base, module)))) {
      problems.push(
        `searching "${searchTerm}" does not find module ${module.number}'s guide; it found: ${results.map((result) => result.text).join(", ")}`,
      );
    }
  }
  await page.close();
}

/** A headless Chromium with a fresh profile; every request off 127.0.0.1 is blocked and recorded. */
export interface Browser {
  context: BrowserContext;
  /** Requests the pages tried to send off this machine. */
  offline: string[];
  /**
   * Requests Chromium made by itself (an update check, an account or autofill lookup), each
   * held and refused by the proxy on 127.0.0.1: they never left this machine.
   */
  background: string[];
  close(): Promise<void>;
}

/** Starts Chromium (throws when it cannot). Start it early: it launches while the site builds. */
export async function openBrowser(executablePath = chromiumPath()): Promise<Browser> {
  const trap = await startTrap();
  const profile = await mkdtemp(join(tmpdir(), "workshop-chromium-"));
  const offline: string[] = [];
  const cleanUp = async () => {
    await trap.close();
    await rm(profile, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...chromiumArgs, `--proxy-server=${trap.url}`],
      timeout: 30_000,
      viewport: { width: 1280, height: 900 },
    });
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      offline.push(`the site requested ${url.href}, off this machine (blocked)`);
      return route.abort();
    });
    return {
      context,
      offline,
      background: trap.requests,
      close: async () => {
        await context.close().catch(() => undefined);
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** Serves the site at `siteDir` on 127.0.0.1 and checks it in `browser`, three pages at once. */
export async function checkSiteInBrowser(siteDir: string, browser: Browser): Promise<BrowserReport> {
  const started = performance.now();
  const report: BrowserReport = { home: [], diagram: [], search: [], site: [], seconds: 0 };
  if (!existsSync(join(siteDir, "index.html"))) throw new Error(`${siteDir} holds no built site`);
  const server = await serveSite(siteDir);
  try {
    const run = async (check: typeof checkHome, problems: string[], label: string) => {
      try {
        await check(browser.context, server.base, problems);
      } catch (error) {
        problems.push(`${label}: ${String((error as Error).message ?? error).split("\n")[0]}`);
      }
    };
    await Promise.all([
      run(checkHome, report.home, "the home page"),
      run(checkDiagram, report.diagram, "the diagram"),
      run(checkSearch, report.search, "the search"),
    ]);
    report.site.push(...browser.offline);
  } finally {
    await server.close();
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
