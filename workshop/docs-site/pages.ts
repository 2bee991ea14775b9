/**
 * What the site is made of, read from the repository: the `docs/` pages, the module guides in
 * manifest order, the code the API reference documents, and the Mermaid diagrams. Light on
 * purpose (no typedoc): the checks of `npm test` import it too.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chooseWorkflow, folderName, modules, repoPath, repoRoot, type WorkshopModule } from "../manifest.ts";
import { codeBlocks } from "../markdown.ts";

/** The pages of `docs/` in reading order: these first when present, then any other, by name. */
const docsOrder = ["README.md", "setup.md", "concepts.md", "operating.md", "troubleshooting.md", "glossary.md", "from-the-aws-sample.md"];

export const toPosix = (path: string) => path.split("\\").join("/");

/** Every Markdown file under `docs/`, in reading order (absolute paths). */
export function docsPages(): string[] {
  const docs = join(repoRoot, "docs");
  if (!existsSync(docs)) return [];
  const files = (readdirSync(docs, { recursive: true, encoding: "utf8" }) as string[]).map(toPosix).filter((file) => file.endsWith(".md"));
  const rank = (file: string) => {
    const index = docsOrder.indexOf(file);
    return index === -1 ? docsOrder.length : index;
  };
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((file) => join(docs, file));
}

/** The module guides, in manifest order (absolute paths). */
export const moduleGuides = (): string[] =>
  modules.map((module) => join(repoRoot, "modules", folderName(module), "README.md")).filter((path) => existsSync(path));

/** The TypeScript whose API the site documents: the domain and the finished workflow. */
export function apiEntryPoints(): string[] {
  const fraud = join(repoRoot, "fraud");
  const domain = readdirSync(fraud)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .sort()
    .map((file) => join(fraud, file));
  return [...domain, chooseWorkflow().path];
}

/** A page's title: its first `# ` heading, else its file name. */
export function pageTitle(path: string): string {
  const heading = readFileSync(path, "utf8")
    .split("\n")
    .find((line) => line.startsWith("# "));
  return heading ? heading.slice(2).trim() : (path.split("/").pop() ?? path).replace(/\.md$/, "");
}

/** How the site names a module's guide: `07 · Parallel verification`, from the manifest. */
export const moduleGuideTitle = (module: WorkshopModule) => `${module.number} · ${module.title}`;

/** Every Markdown page of the site: the README, the `docs/` pages, the module guides. */
export const sitePages = (): string[] => [join(repoRoot, "README.md"), ...docsPages(), ...moduleGuides()];

/** Every ```mermaid block of the site's Markdown, with where it starts (`path:line`). */
export function mermaidSources(): { where: string; source: string }[] {
  const diagrams: { where: string; source: string }[] = [];
  for (const file of sitePages()) {
    for (const block of codeBlocks(readFileSync(file, "utf8"))) {
      if (block.lang === "mermaid") diagrams.push({ where: `${repoPath(file)}:${block.line}`, source: block.value });
    }
  }
  return diagrams;
}
