/**
 * What `npm run diff -- NN` compares: the learner's file against the solution, with the
 * starter's TODO comments and whitespace set aside, so that only what the code does
 * differently is left.
 */
import { formatPatch, structuredPatch, type StructuredPatchHunk } from "diff";

/** `// TODO 2: ...` (the number is optional), on a line of its own. */
const todoStart = /^\s*\/\/\s*TODO(?:\s+\d+)?\s*:/;
const commentLine = /^\s*\/\//;

export interface FilteredSource {
  /** The source without its TODO comments; every line kept is unchanged. */
  text: string;
  /** For each kept line (index 0 is line 1), its line number in the original source. */
  lineNumbers: number[];
}

/**
 * Drops the comment lines that belong to a TODO: the `// TODO N: ...` line and the `//`
 * lines directly after it. Every other line is kept as it is.
 */
export function withoutTodoComments(source: string): FilteredSource {
  const kept: string[] = [];
  const lineNumbers: number[] = [];
  let inTodo = false;
  source.split(/(?<=\n)/).forEach((line, index) => {
    inTodo = todoStart.test(line) || (inTodo && commentLine.test(line));
    if (inTodo) return;
    kept.push(line);
    lineNumbers.push(index + 1);
  });
  return { text: kept.join(""), lineNumbers };
}

const nonWhitespace = (lines: string[]) => lines.join("").replace(/\s+/g, "");

/**
 * True when a hunk changes no code: only whitespace (blank lines, spacing inside a line, a
 * statement split over several lines) or comment lines, such as the solution's own notes.
 * `ignoreWhitespace` alone does not see these: it only trims each line's ends before
 * comparing lines one to one.
 */
function whitespaceOnly(hunk: StructuredPatchHunk): boolean {
  const side = (sign: "-" | "+") =>
    nonWhitespace(
      hunk.lines
        .filter((line) => line.startsWith(" ") || line.startsWith(sign))
        .map((line) => line.slice(1))
        .filter((line) => !commentLine.test(line)),
    );
  return side("-") === side("+");
}

/** The hunk's first line of yours, as a line number in your real file rather than the filtered one. */
function realOldStart(hunk: StructuredPatchHunk, lineNumbers: number[]): number {
  if (hunk.oldLines > 0) return lineNumbers[hunk.oldStart - 1] ?? hunk.oldStart;
  // Lines only added: oldStart is one past the line they follow (formatPatch prints it less one).
  const follows = hunk.oldStart - 1;
  return (follows > 0 ? (lineNumbers[follows - 1] ?? follows) : 0) + 1;
}

export interface DiffPaths {
  /** The learner's file, `modules/01-first-step/handler.ts`. */
  current: string;
  /** The solution's file, `solutions/01-first-step/handler.ts`. */
  solution: string;
}

/**
 * The unified diff of the learner's `current` source against the `solution`, or undefined
 * when they differ only in comments and whitespace.
 *
 * Every line shown is a real line: `-` lines are yours, `+` lines the solution's, and context
 * lines (equal but for whitespace) are shown as the solution has them. In each `@@` header,
 * the first number is the hunk's first line in your real file and the second is the count
 * of lines shown: when the hunk spans a TODO comment, your file has more lines there than
 * the count says, since the TODO lines are left out.
 */
export function learnerDiff(
  current: string,
  solution: string,
  paths: DiffPaths = { current: "your code", solution: "solution" },
): string | undefined {
  const filtered = withoutTodoComments(current);
  const patch = structuredPatch(paths.current, paths.solution, filtered.text, solution, "your code", "solution", {
    ignoreWhitespace: true,
  });
  const hunks = patch.hunks
    .filter((hunk) => !whitespaceOnly(hunk))
    .map((hunk) => ({ ...hunk, oldStart: realOldStart(hunk, filtered.lineNumbers) }));
  return hunks.length === 0 ? undefined : formatPatch({ ...patch, hunks });
}
