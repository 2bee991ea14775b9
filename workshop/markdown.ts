/**
 * The code in the workshop's Markdown, read by a CommonMark parser (mdast) rather than by
 * hand: the structure check looks for commands in it, the docs site for Mermaid diagrams, the
 * tests of module 10 for the shell commands a learner pastes.
 */
import type { Code, InlineCode } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { visit } from "unist-util-visit";

export interface CodeBlock {
  /** The word after the opening fence (`bash`, `mermaid`), if any. */
  lang: string | undefined;
  value: string;
  /** The line of the opening fence, counted from 1. */
  line: number;
}

/** Every fenced or indented code block, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  visit(fromMarkdown(markdown), "code", (node: Code) => {
    blocks.push({ lang: node.lang ?? undefined, value: node.value, line: node.position?.start.line ?? 0 });
  });
  return blocks;
}

/** Every inline code span's text, in order. */
export function inlineCode(markdown: string): string[] {
  const spans: string[] = [];
  visit(fromMarkdown(markdown), "inlineCode", (node: InlineCode) => {
    spans.push(node.value);
  });
  return spans;
}
