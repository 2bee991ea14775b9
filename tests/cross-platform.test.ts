/**
 * Every npm script runs on Windows as well: npm runs scripts with cmd.exe there, which has no
 * bash syntax. A script that needs bash fails only for the learner on Windows, so it fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../workshop/manifest.ts";

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
