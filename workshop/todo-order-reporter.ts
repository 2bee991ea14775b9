/**
 * A vitest reporter that ends a failing module run with the next thing to do, in TODO order.
 *
 * `npm run test:module -- NN` runs vitest with `--reporter=default` and this file. The module
 * tests' messages begin `TODO N in modules/NN-slug/<file>: <what was expected>`; vitest reports
 * failures in the order the tests ran, so a learner may read TODO 3 before TODO 1. This
 * reporter lists each failing TODO once, lowest number first, then any failure that names no
 * TODO. It prints nothing when everything passes.
 */
import { relative } from "node:path";
import pc from "picocolors";
import type { Reporter, SerializedError, TestCase, TestModule, Vitest } from "vitest/node";

export interface Failure {
  /** Where it failed: a test's full name, or the test file when it could not even load. */
  test: string;
  /** The test file, relative to the repository, forward slashes. */
  file: string;
  /** The error's class name: `AssertionError` for a failed `expect`. */
  name: string;
  /** The error message (only its first line is used). */
  message: string;
}

export interface TodoFailure {
  todo: number;
  /** The file the TODO is in, as the message names it: `modules/01-first-step/handler.ts`. */
  file: string;
  /** The first sentence of what the test expected. */
  expected: string;
}

type Colors = Pick<typeof pc, "bold" | "yellow" | "cyan" | "red" | "dim">;

const todoMessage = /^TODO (\d+) in (\S+?): (.+)$/;
const firstLine = (message: string) => message.split("\n", 1)[0]?.trim() ?? "";
const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The TODO a failure names, or undefined. A failed `expect(value, guidance)` reads
 * `<guidance>: <chai's message>`, and chai's message starts with "expected", so for an
 * assertion the guidance ends at the last ": expected ".
 */
export function todoOf(failure: Failure): TodoFailure | undefined {
  const match = todoMessage.exec(firstLine(failure.message));
  if (!match) return undefined;
  let expected = match[3] ?? "";
  const chai = expected.lastIndexOf(": expected ");
  if (failure.name === "AssertionError" && chai > 0) expected = expected.slice(0, chai);
  // The first sentence only: guidance that goes on ("... (4 s). Then ...") is cut there.
  expected = expected.split(/(?<=[.!?])\s+(?=[A-Z])/, 1)[0] ?? expected;
  return { todo: Number(match[1]), file: match[2] ?? "", expected };
}

/**
 * "What to do next, in TODO order:", each failing TODO once (lowest first, with the first
 * failure's expectation), then the failures that name no TODO. Empty when nothing failed.
 */
export function todoSummary(failures: readonly Failure[], colors: Colors = pc): string {
  if (failures.length === 0) return "";
  const todos = new Map<string, TodoFailure & { count: number }>();
  const others: Failure[] = [];
  for (const failure of failures) {
    const todo = todoOf(failure);
    if (!todo) {
      others.push(failure);
      continue;
    }
    const key = `${todo.todo} ${todo.file}`;
    const seen = todos.get(key);
    if (seen) seen.count += 1;
    else todos.set(key, { ...todo, count: 1 });
  }
  const ordered = [...todos.values()].sort((a, b) => a.todo - b.todo || a.file.localeCompare(b.file));
  const lines = [colors.bold("What to do next, in TODO order:")];
  for (const todo of ordered) {
    const more = todo.count > 1 ? colors.dim(` (${todo.count} failures)`) : "";
    lines.push(`  ${colors.bold(colors.yellow(`TODO ${todo.todo}`))} in ${colors.cyan(todo.file)}: ${todo.expected}${more}`);
  }
  for (const other of others) {
    lines.push(`  ${colors.red("✗")} ${other.test} ${colors.dim(`(${other.file})`)}: ${clip(firstLine(other.message))}`);
  }
  return lines.join("\n");
}

export default class TodoOrderReporter implements Reporter {
  private vitest: Vitest | undefined;
  private failures: Failure[] = [];

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunStart(): void {
    this.failures = [];
  }

  private path(moduleId: string): string {
    return relative(this.vitest?.config.root ?? process.cwd(), moduleId)
      .split("\\")
      .join("/");
  }

  private add(test: string, file: string, errors: ReadonlyArray<SerializedError>): void {
    for (const error of errors) this.failures.push({ test, file, name: error.name ?? "Error", message: error.message ?? "" });
  }

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.result();
    if (result.state === "failed") this.add(testCase.fullName, this.path(testCase.module.moduleId), result.errors);
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const testModule of testModules) {
      const file = this.path(testModule.moduleId);
      this.add("outside any test", file, testModule.errors());
    }
    this.add("an error outside any test", "vitest", unhandledErrors);
    const summary = todoSummary(this.failures);
    if (summary === "") return;
    const log = this.vitest ? (text: string) => this.vitest?.logger.log(text) : console.log;
    log(`\n${summary}\n`);
  }
}
