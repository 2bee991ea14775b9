/**
 * Every npm script runs on Windows as well: npm runs scripts with cmd.exe there, which has no
 * bash syntax. A script that needs bash fails only for the learner on Windows, so it fails here.
 * So do the guides' commands marked for every platform, and module 10's AWS CLI commands have a
 * PowerShell form with the same arguments.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ShellCommand, shellCommandsIn } from "./support/shell-commands.ts";
import { folderName, modules, repoRoot } from "../workshop/manifest.ts";
import { codeBlocks, inlineCode } from "../workshop/markdown.ts";

/** What cmd.exe does not understand, or understands otherwise, with the reason a learner would read. */
const bashOnly: [pattern: RegExp, why: string][] = [
  [/\$\{?[A-Za-z_]/, "a $VARIABLE (cmd.exe writes %VARIABLE%): read it in the script's code"],
  [/(^|\s)[A-Z_][A-Z0-9_]*=\S*\s/, "a VAR=value prefix: set it in the script's code, or use a .env file"],
  [/(^|&&\s*)(export|rm|cp|mv|mkdir|cat|grep|sed|ls|test)\s/, "a Unix command: do it with node:fs in a script"],
  [/\/dev\/null/, "/dev/null (cmd.exe has NUL)"],
  [/'/, "single quotes (cmd.exe passes them on as part of the argument): use double quotes"],
  [/`/, "a backtick substitution"],
  [/;/, "a ; separator (cmd.exe runs it as part of the command): use &&"],
  [/\|\|/, "|| (use a script)"],
  [/(^|&&\s*)\.\//, "a ./command (cmd.exe does not start files by path like this)"],
];

function bashOnlySyntax(command: string): string[] {
  return bashOnly.filter(([pattern]) => pattern.test(command)).map(([, why]) => why);
}

const scripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

describe("npm scripts, on every platform", () => {
  it.each(Object.entries(scripts))("%s needs no bash", (_, command) => {
    expect(bashOnlySyntax(command), command).toEqual([]);
  });

  it.each([
    ["FOO=1 node x.ts", "a VAR=value prefix"],
    ["node x.ts 2>/dev/null", "/dev/null"],
    ["rm -rf cdk.out && node x.ts", "a Unix command"],
    ["node x.ts --name 'a b'", "single quotes"],
    ["node x.ts; node y.ts", "a ; separator"],
    ["node x.ts --home $HOME", "a $VARIABLE"],
    ["node x.ts && ./bin/tool", "a ./command"],
  ])("rejects %s", (command, reason) => {
    expect(bashOnlySyntax(command).join("\n")).toContain(reason);
  });
});

/**
 * The guides' commands. A fence marked `shell` is for every platform: bash and zsh, and
 * PowerShell 7 on Windows, so it may use single quotes but nothing a shell would read its own
 * way. A fence marked `bash` is for bash and zsh; module 10's AWS CLI commands, all `bash`, have
 * their PowerShell form in docs/setup.md, checked word for word below. The `npm` commands of the
 * guides' command tables are for every platform too.
 */
const guides = [
  "README.md",
  ...readdirSync(join(repoRoot, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
  ...modules.map((module) => `modules/${folderName(module)}/README.md`),
];
const read = (file: string) => readFileSync(join(repoRoot, file), "utf8");

/** What bash, zsh and PowerShell do not read alike, with the reason a learner would read. */
const notEveryShell: [pattern: RegExp, why: string][] = [
  [/\\$/m, "a \\ line continuation (PowerShell continues a line with a backtick)"],
  [/\$/, "a $ (a variable or substitution, written differently in each shell)"],
  [/(^|\s)[A-Z_][A-Z0-9_]*=\S*\s/, "a VAR=value prefix"],
  [/(^|[;&|]\s*)(export|rm|cp|mv|mkdir|cat|grep|sed|ls|test|echo|chmod|source)\s/, "a Unix command"],
  [/\/dev\/null/, "/dev/null (Windows has NUL)"],
  [/(^|\s)~/, "a ~ (PowerShell does not expand it in a program's arguments)"],
  [/&&|\|\|/, "&& or || (Windows PowerShell 5.1 has neither)"],
  [/[<>]/, "a redirection"],
];

/** The same, outside single-quoted strings: every shell here takes those as they are. */
function notForEveryShell(command: string): string[] {
  const unquoted = command.replace(/'[^']*'/g, "''");
  return notEveryShell.filter(([pattern]) => pattern.test(unquoted)).map(([, why]) => why);
}

describe("guide commands marked for every platform", () => {
  const shellFences = guides.flatMap((file) =>
    codeBlocks(read(file))
      .filter((block) => block.lang === "shell")
      .map((block) => [`${file}:${block.line}`, block.value] as const),
  );
  const tableCommands = guides.flatMap((file) =>
    inlineCode(read(file))
      .filter((code) => /^npm (run|start|test)\b/.test(code))
      .map((code) => [`${file}: ${code}`, code] as const),
  );

  it("are there: the shell fences and the command tables", () => {
    expect(shellFences.length).toBeGreaterThan(10);
    expect(tableCommands.length).toBeGreaterThan(50);
  });

  it.each([...shellFences, ...tableCommands])("%s runs in bash, zsh and PowerShell alike", (_, command) => {
    expect(notForEveryShell(command), command).toEqual([]);
  });

  it.each([
    ["aws durable-lambda invoke \\\n  --function-name f", "a \\ line continuation"],
    ["npm run callback -- approve --callback-id $ID", "a $"],
    ["rm -r ~/.aws/models/lambda", "a Unix command"],
    ["aws durable-lambda invoke --payload '{}' /dev/null", "/dev/null"],
    ["npm run synth && npm run deploy", "&& or ||"],
    ["aws lambda invoke --function-name f out.json > log.txt", "a redirection"],
  ])("rejects %s", (command, reason) => {
    expect(notForEveryShell(command).join("\n")).toContain(reason);
  });

  it("takes single-quoted JSON and ids, which PowerShell 7 passes on as they are", () => {
    expect(notForEveryShell(`npm run callback -- approve --callback-id 'Y2I=' --result '{"a":"$b"}'`)).toEqual([]);
  });
});

/**
 * Splits a PowerShell command the way PowerShell 7.3 passes it to a program, for the subset
 * docs/setup.md uses: bare words, single-quoted strings ('' is a quote), backtick line
 * continuations. What PowerShell would read its own way is reported, not interpreted.
 */
function splitPowerShellWords(text: string): { words: string[]; specials: string[] } {
  const words: string[] = [];
  const specials: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === "`" && /^`\r?\n/.test(text.slice(i))) {
      i = text.indexOf("\n", i);
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      let j = i + 1;
      let part = "";
      for (; j < text.length; j++) {
        if (text[j] === "'" && text[j + 1] === "'") part += text[++j];
        else if (text[j] === "'") break;
        else part += text[j];
      }
      if (j >= text.length) throw new Error(`unclosed single quote in: ${text}`);
      word = (word ?? "") + part;
      i = j;
    } else {
      if ('$`"{}()@;|&<>,'.includes(c) || (c === "#" && word === undefined)) specials.push(c);
      word = (word ?? "") + c;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, specials };
}

describe("docs/setup.md: module 10's AWS CLI commands in PowerShell", () => {
  const bashFences = codeBlocks(read("modules/10-operate/README.md")).filter((block) => block.lang === "bash");
  const bash = bashFences
    .flatMap((block) =>
      shellCommandsIn(`\`\`\`bash\n${block.value}\n\`\`\``).map((command) => ({ ...command, line: block.line + command.line - 1 })),
    )
    .filter((command) => command.words[0] === "aws" || command.words[0] === "rm");
  const powershell = codeBlocks(read("docs/setup.md"))
    .filter((block) => block.lang === "powershell")
    .flatMap((block) => block.value.split(/(?<!`)\r?\n(?=\S)/))
    .filter((command) => command.trim() !== "" && !command.trim().startsWith("#"))
    .map((text) => ({ text, ...splitPowerShellWords(text) }));
  /** The PowerShell words a bash command of the guide must have: NUL for /dev/null, Remove-Item for rm -r. */
  const expected = ({ words }: ShellCommand): string[] => {
    if (words[0] === "rm") return ["Remove-Item", "-Recurse", (words[2] ?? "").replace(/^~/, "$HOME")];
    return words.map((word) => (word === "/dev/null" ? "NUL" : word));
  };

  it.each(bash.map((command) => [`line ${command.line}: ${command.words.slice(0, 3).join(" ")}`, command] as const))(
    "%s has its PowerShell form, with the same arguments",
    (_, command) => {
      const twin = powershell.find((candidate) => JSON.stringify(candidate.words) === JSON.stringify(expected(command)));
      expect(twin, `docs/setup.md has no powershell block with:\n${expected(command).join(" ")}`).toBeDefined();
    },
  );

  it("has no PowerShell command that is not one of the guide's, and nothing PowerShell would read its own way", () => {
    const wanted = new Set(bash.map((command) => JSON.stringify(expected(command))));
    for (const command of powershell) {
      expect(wanted.has(JSON.stringify(command.words)), command.text).toBe(true);
      const allowed = command.words[0] === "Remove-Item" ? ["$"] : [];
      expect(
        command.specials.filter((special) => !allowed.includes(special)),
        command.text,
      ).toEqual([]);
    }
  });

  it("reads a PowerShell command as PowerShell 7.3 passes it on", () => {
    expect(splitPowerShellWords("aws x `\n  --result '{\"approved\":true}' `\n  --name 'it''s'").words).toEqual([
      "aws",
      "x",
      "--result",
      '{"approved":true}',
      "--name",
      "it's",
    ]);
    expect(splitPowerShellWords("aws x --id $id").specials).toEqual(["$"]);
  });
});
