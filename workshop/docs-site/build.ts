/**
 * Builds the workshop's static site with typedoc: the README as the home page, the `docs/`
 * pages, every module guide in the order of `workshop/modules.json`, and the API reference of
 * the shared domain (`fraud/*.ts`) and of the finished workflow. Mermaid blocks become diagrams
 * in the browser, offline: mermaid's own dist file ships inside the site.
 *
 * Everything dynamic (entry points, documents, their titles and order) comes from the
 * repository itself, so a new module or a new page in `docs/` needs no change here.
 */
import { copyFileSync, existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import {
  Application,
  Comment,
  CommentTag,
  Converter,
  KindRouter,
  type Reflection,
  ReflectionKind,
  RendererEvent,
  TSConfigReader,
  type DocumentReflection,
  type TypeDocOptions,
} from "typedoc";
import { folderName, modules, repoPath, repoRoot } from "../manifest.ts";
import { apiEntryPoints, docsPages, moduleGuides, moduleGuideTitle, pageTitle } from "./pages.ts";

/** The site's navigation groups, in this order. */
export const siteGroups = { modules: "Workshop modules", docs: "Guides", api: "API reference" } as const;

/**
 * The typedoc plugin: names, groups and places each document, puts the code under "API
 * reference", ships mermaid into `assets/` (next to the loader, `customJs`), and warns (so fails
 * the build) when a Markdown link does not lead to a page of the site.
 */
function workshopPlugin(app: Application) {
  // Keyed by typedoc's name for a document: its path from the repository, without `.md`.
  const pages = new Map<string, { name: string; group: string; url: string }>();
  for (const module of modules) {
    const folder = folderName(module);
    pages.set(`modules/${folder}/README`, { name: moduleGuideTitle(module), group: siteGroups.modules, url: `guides/${folder}` });
  }
  for (const page of docsPages()) {
    const path = repoPath(page).replace(/\.md$/, "");
    pages.set(path, { name: pageTitle(page), group: siteGroups.docs, url: path.replace(/\/README$/, "/index") });
  }
  const urls = new WeakMap<Reflection, string>();

  app.converter.on(Converter.EVENT_CREATE_DOCUMENT, (_context: unknown, document: DocumentReflection) => {
    const page = pages.get(document.name);
    if (!page) return;
    document.name = page.name;
    document.frontmatter.group = page.group;
    urls.set(document, page.url);
  });

  // Pages where the repository has them: guides/07-parallel.html, docs/setup.html.
  app.renderer.defineRouter(
    "workshop",
    class extends KindRouter {
      protected override getIdealBaseName(reflection: Reflection): string {
        return urls.get(reflection) ?? super.getIdealBaseName(reflection);
      }
    },
  );

  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      reflection.comment ??= new Comment();
      reflection.comment.blockTags.push(new CommentTag("@group", [{ kind: "text", text: siteGroups.api }]));
    }
  });

  // A Markdown link typedoc could not turn into a link to a page is kept as a file to download
  // (media/NAME.md). On this site that is a broken link: say which file. Files register as the
  // pages render, so look once they all have (a post-render job, which the build awaits).
  app.renderer.on(RendererEvent.BEGIN, () => {
    app.renderer.postRenderAsyncJobs.push(async (event: RendererEvent) => {
      for (const [name, path] of event.project.files.getNameToAbsoluteMap()) {
        if (/\.(md|markdown)$/i.test(name)) {
          app.logger.warn(
            `A Markdown link points to ${repoPath(path)}, which is not a page of the site (README, docs/, module guides); ` +
              `typedoc copied it as media/${name}. Link to a page of the site instead.`,
          );
        }
      }
    });
  });

  // After rendering (synchronously, so the build's verdict waits for it): ship mermaid.
  app.renderer.on(RendererEvent.END, (event: RendererEvent) => {
    const mermaid = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");
    copyFileSync(mermaid, join(event.outputDirectory, "assets", "mermaid.min.js"));
  });
}

export interface SiteOptions {
  /** Where the site goes; the directory is emptied first. */
  out: string;
}

/** The typedoc options of the site; `tsconfig` is a generated one covering the entry points only. */
export function typedocOptions(out: string, tsconfig: string): Partial<TypeDocOptions> {
  const documents = [...docsPages(), ...moduleGuides()];
  return {
    name: "Durable functions workshop",
    entryPoints: apiEntryPoints(),
    entryPointStrategy: "resolve",
    projectDocuments: documents,
    readme: join(repoRoot, "README.md"),
    basePath: repoRoot,
    displayBasePath: repoRoot,
    tsconfig,
    out,
    router: "workshop",
    plugin: [workshopPlugin],
    customJs: join(repoRoot, "workshop", "docs-site", "mermaid-loader.js"),
    customCss: join(repoRoot, "workshop", "docs-site", "site.css"),
    // Mermaid blocks stay plain `<pre><code class="mermaid">` for the loader to render.
    ignoredHighlightLanguages: ["mermaid"],
    highlightLanguages: [
      "bash",
      "console",
      "json",
      "jsonc",
      "sh",
      "shell",
      "text",
      "ts",
      "typescript",
      "js",
      "javascript",
      "yaml",
      "powershell",
    ],
    searchInDocuments: true,
    searchInComments: true,
    navigation: { includeGroups: true, includeCategories: false, includeFolders: false, compactFolders: true, excludeReferences: false },
    groupOrder: [siteGroups.modules, siteGroups.docs, siteGroups.api, "*"],
    // Documents keep the order given above; the code is sorted by name.
    sort: ["kind", "instance-first", "alphabetical-ignoring-documents"],
    // No git remote to link sources to; the code is in the repository next to the guides.
    disableSources: true,
    disableGit: true,
    // The API reference documents the code, not every type the durable SDK brings with it.
    excludeExternals: true,
    // `npm test` type-checks the whole repository already; the site need not do it again.
    skipErrorChecking: true,
    treatWarningsAsErrors: true,
    validation: {
      notExported: true,
      invalidLink: true,
      invalidPath: true,
      rewrittenLink: true,
      notDocumented: false,
      unusedMergeModuleWith: true,
    },
    hideGenerator: true,
    // The README's own title heads the home page; no second one from the project name.
    headings: { readme: false, document: false },
    cleanOutputDir: true,
    logLevel: "Warn",
  };
}

/** Thrown instead of emptying a directory that is not a site. */
export class UnsafeOutputError extends Error {}

/**
 * Why `out` must not be emptied, if so: typedoc empties the output directory first, so it must
 * be new, empty, or an earlier site, and never the repository or a folder that holds it.
 */
export function unsafeOutput(out: string): string | undefined {
  const target = resolve(out);
  const fromTarget = relative(target, repoRoot);
  if (fromTarget === "" || (!fromTarget.startsWith("..") && !isAbsolute(fromTarget))) {
    return `${target} is the repository or holds it; choose a folder of its own, such as site/`;
  }
  if (!existsSync(target)) return undefined;
  if (!statSync(target).isDirectory()) return `${target} is a file`;
  const entries = readdirSync(target);
  if (entries.length === 0 || existsSync(join(target, "assets", "main.js"))) return undefined;
  return `${target} is not empty and holds no earlier site; typedoc would delete what is there`;
}

export interface SiteBuild {
  ok: boolean;
  out: string;
  warnings: number;
  errors: number;
  seconds: number;
}

/**
 * Builds the site into `out`. Typedoc prints its own warnings and errors; any of them fails the
 * build (`treatWarningsAsErrors`), and nothing is written into the repository except `out`.
 */
export async function buildSite({ out }: SiteOptions): Promise<SiteBuild> {
  const started = performance.now();
  const refusal = unsafeOutput(out);
  if (refusal) throw new UnsafeOutputError(refusal);
  // A tsconfig of the entry points alone: the repository's covers every module and test, and
  // typedoc would spend most of its time on code the site never shows.
  const scratch = await mkdtemp(join(tmpdir(), "workshop-site-"));
  try {
    const tsconfig = join(scratch, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: join(repoRoot, "tsconfig.json"),
        compilerOptions: { typeRoots: [join(repoRoot, "node_modules", "@types")] },
        include: [],
        files: apiEntryPoints(),
      }),
    );
    const app = await Application.bootstrapWithPlugins(typedocOptions(out, tsconfig), [new TSConfigReader()]);
    const done = (ok: boolean): SiteBuild => ({
      ok: ok && app.logger.errorCount === 0 && app.logger.warningCount === 0,
      out,
      warnings: app.logger.warningCount,
      errors: app.logger.errorCount,
      seconds: (performance.now() - started) / 1000,
    });
    if (app.logger.hasErrors() || app.logger.hasWarnings()) return done(false);
    const project = await app.convert();
    if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) return done(false);
    app.validate(project);
    if (app.logger.hasErrors() || app.logger.hasWarnings()) return done(false);
    await app.generateOutputs(project);
    return done(true);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
