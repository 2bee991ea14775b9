/**
 * The shell commands a guide asks a learner to paste, read from its Markdown and split into
 * words as bash would, so tests can run them or check them for every platform.
 */
import { codeBlocks } from "../../workshop/markdown.ts";

export interface ShellCommand {
  /** The command as written, continuation lines joined. */
  text: string;
  /** Its words, after bash quote removal. */
  words: string[];
  /** Things bash would expand (`$`, backquotes, globs, `~`), found outside single quotes. */
  expansions: string[];
  /** Line number in the Markdown file where the command starts. */
  line: number;
}

/**
 * Splits one bash command into words the way bash would for the subset a guide uses:
 * single quotes, double quotes, backslash escapes, backslash-newline continuations.
 * Anything bash would expand is reported rather than expanded.
 */
export function splitShellWords(text: string): Pick<ShellCommand, "words" | "expansions"> {
  const words: string[] = [];
  const expansions: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string) => (word = (word ?? "") + s);
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === "\n") {
      i += 2;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unclosed single quote in: ${text}`);
      add(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let part = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\" && '"\\$`'.includes(text[j + 1] ?? "")) {
          part += text[j + 1];
          j += 2;
        } else {
          if (text[j] === "$" || text[j] === "`") expansions.push(text[j]!);
          part += text[j];
          j++;
        }
      }
      if (j >= text.length) throw new Error(`unclosed double quote in: ${text}`);
      add(part);
      i = j + 1;
    } else if (c === "\\") {
      add(text[i + 1] ?? "");
      i += 2;
    } else {
      if ("$`*?[{;&|<>()!".includes(c) || (c === "~" && word === undefined)) expansions.push(c);
      add(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return { words, expansions };
}

/** The commands in a Markdown file's fenced `bash`/`sh`/`zsh`/`shell` blocks, comments left out. */
export function shellCommandsIn(markdown: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const shells = codeBlocks(markdown).filter((block) => ["bash", "sh", "zsh", "shell"].includes((block.lang ?? "").toLowerCase()));
  for (const block of shells) {
    let pending: { text: string; line: number } | undefined;
    block.value.split("\n").forEach((line, index) => {
      const trimmed = line.trim();
      if (!pending && (trimmed === "" || trimmed.startsWith("#"))) return;
      // The block's content starts on the line after its opening fence.
      pending = pending ? { text: `${pending.text}\n${line}`, line: pending.line } : { text: trimmed, line: block.line + 1 + index };
      if (!line.endsWith("\\")) {
        commands.push({ ...splitShellWords(pending.text), text: pending.text, line: pending.line });
        pending = undefined;
      }
    });
  }
  return commands;
}
