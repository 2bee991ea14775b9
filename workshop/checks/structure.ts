/**
 * Checks that the manifest, the module folders, the guides and the README agree.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { folderName, modules, repoRoot, solutionDir, starterDir, type WorkshopModule } from "../manifest.ts";
import { codeBlocks, inlineCode } from "../markdown.ts";
import { docsPages } from "../docs-site/pages.ts";
import type { CheckResult } from "./types.ts";

/** The sections every module guide has, in this order. */
export const guideSections = ["Goal", "The workflow so far", "Tasks", "Commands", "Hints", "Under the hood", "Next"];

const check = (name: string, problems: string[]): CheckResult => ({
  group: "structure",
  name,
  ok: problems.length === 0,
  ...(problems.length > 0 ? { detail: problems.join("\n") } : {}),
});

const folders = (root: string) =>
  existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];

/** The README's module table, one row per module, as the manifest says it should read. */
export const readmeRow = (module: WorkshopModule) =>
  `| ${module.number} | [${module.title}](modules/${folderName(module)}/README.md) | ${module.teaches} |`;

function manifestProblems(): string[] {
  const problems: string[] = [];
  modules.forEach((module, index) => {
    const expected = String(index + 1).padStart(2, "0");
    if (module.number !== expected) problems.push(`module ${module.slug} is numbered ${module.number}, expected ${expected}`);
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(module.slug)) problems.push(`slug "${module.slug}" is not kebab-case`);
    if (module.files.length === 0) problems.push(`module ${module.number} lists no learner files`);
  });
  const known = new Set(modules.map(folderName));
  for (const root of ["modules", "solutions"]) {
    for (const folder of folders(join(repoRoot, root))) {
      if (!known.has(folder)) problems.push(`${root}/${folder} is not in workshop/modules.json`);
    }
  }
  return problems;
}

function moduleProblems(module: WorkshopModule): string[] {
  const problems: string[] = [];
  const folder = `modules/${folderName(module)}`;
  if (!existsSync(starterDir(module))) return [`${folder}/ is missing`];
  for (const file of module.files) {
    const starter = join(starterDir(module), file);
    const solution = join(solutionDir(module), file);
    if (!existsSync(starter)) problems.push(`${folder}/${file} is missing`);
    else if (!/\bTODO\b/.test(readFileSync(starter, "utf8"))) problems.push(`${folder}/${file} has no TODO`);
    if (!existsSync(solution)) problems.push(`solutions/${folderName(module)}/${file} is missing`);
    else if (/\bTODO\b/.test(readFileSync(solution, "utf8"))) problems.push(`solutions/${folderName(module)}/${file} still has a TODO`);
  }
  const tests = readdirSync(starterDir(module)).filter((name) => name.endsWith(".test.ts"));
  if (tests.length === 0) problems.push(`${folder}/ has no test file`);
  const guide = join(starterDir(module), "README.md");
  if (!existsSync(guide)) {
    problems.push(`${folder}/README.md is missing`);
  } else {
    const headings = readFileSync(guide, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("## "))
      .map((line) => line.slice(3).trim());
    const present = guideSections.filter((section) => headings.includes(section));
    const missing = guideSections.filter((section) => !headings.includes(section));
    if (missing.length > 0) problems.push(`${folder}/README.md lacks the section(s): ${missing.join(", ")}`);
    const order = headings.filter((heading) => guideSections.includes(heading));
    if (missing.length === 0 && order.join("|") !== present.join("|")) {
      problems.push(`${folder}/README.md has its sections out of order: ${order.join(", ")}`);
    }
    if (!codeBlocks(readFileSync(guide, "utf8")).some((block) => block.lang === "mermaid"))
      problems.push(`${folder}/README.md has no Mermaid diagram`);
  }
  return problems;
}

function readmeProblems(): string[] {
  const readme = join(repoRoot, "README.md");
  if (!existsSync(readme)) return ["README.md is missing"];
  const rows = readFileSync(readme, "utf8")
    .split("\n")
    .filter((line) => /^\| \d\d \|/.test(line));
  const expected = modules.map(readmeRow);
  if (rows.join("\n") === expected.join("\n")) return [];
  return ["README.md's module table does not match workshop/modules.json. It should read:", ...expected];
}

/** The code of a Markdown text, fenced blocks and inline spans, where a word after `npx` is a command. */
const codeIn = (markdown: string): string => [...codeBlocks(markdown).map((block) => block.value), ...inlineCode(markdown)].join("\n");

/**
 * Commands a guide tells the reader to type must exist: `npm run X`, `npm start` and `npm test`
 * name scripts of package.json, `npx X` a binary the project's dependencies install.
 */
function commandProblems(): string[] {
  const scripts = Object.keys(
    (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
  );
  const guides = [join(repoRoot, "README.md"), ...modules.map((module) => join(starterDir(module), "README.md")), ...docsPages()];
  const problems: string[] = [];
  for (const guide of guides.filter((path) => existsSync(path))) {
    const where = guide.slice(repoRoot.length + 1);
    const text = readFileSync(guide, "utf8");
    for (const match of text.matchAll(/\bnpm (?:run(?:-script)? ([\w:-]+)|(start|test|stop|restart)\b)/g)) {
      const script = (match[1] ?? match[2]) as string;
      if (!scripts.includes(script)) problems.push(`${where} tells the reader to run "${match[0]}", which package.json lacks`);
    }
    for (const match of codeIn(text).matchAll(/\bnpx (?:--?[\w-]+ )*([@\w][\w./@-]*)/g)) {
      const binary = match[1] as string;
      if (!existsSync(join(repoRoot, "node_modules", ".bin", binary))) {
        problems.push(`${where} tells the reader to run "npx ${binary}", which no dependency installs (node_modules/.bin/${binary})`);
      }
    }
  }
  return [...new Set(problems)];
}

export function structureChecks(): CheckResult[] {
  return [
    check("the manifest lists every module folder, numbered in order", manifestProblems()),
    ...modules.map((module) =>
      check(`module ${module.number} has its starter with a TODO, its solution, its tests and a complete guide`, moduleProblems(module)),
    ),
    check("README.md's module table matches the manifest", readmeProblems()),
    check("every `npm run`, `npm start`, `npm test` and `npx` command in the guides and docs/ exists", commandProblems()),
  ];
}
