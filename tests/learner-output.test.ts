/**
 * What a learner reads: `npm run diff -- NN`, the TODO-order summary of `npm run test:module`,
 * and whole lists in failure messages.
 */
import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { run } from "./support/run.ts";
import { captureIo } from "./support/sandbox.ts";
import { diffMain } from "../workshop/cli/diff.ts";
import { learnerDiff, withoutTodoComments } from "../workshop/learner-diff.ts";
import { repoRoot } from "../workshop/manifest.ts";
import { todoSummary, type Failure } from "../workshop/todo-order-reporter.ts";

const lines = (...text: string[]) => text.map((line) => `${line}\n`).join("");

describe("learnerDiff", () => {
  const solution = lines(
    "const transaction = validateTransaction(event);",
    'const score = await context.step("fraudCheck", () => riskScorer.score(transaction));',
    "return result(transaction, score);",
  );

  it("sees no difference in TODO comments and whitespace", () => {
    const current = lines(
      "  const transaction = validateTransaction( event );",
      "",
      '// TODO 1: run the risk check as a durable step named "fraudCheck", so its result is',
      "//   checkpointed. The guide's first hint shows the shape of a step.",
      'const score = await context.step("fraudCheck",',
      "  () => riskScorer.score(transaction));",
      "return result(transaction,score);\t",
    );

    expect(learnerDiff(current, solution)).toBeUndefined();
  });

  it("shows a real code change, as the real lines of both files, and no TODO", () => {
    const current = lines(
      "const transaction = validateTransaction(event);",
      '// TODO 1: run the risk check as a durable step named "fraudCheck".',
      "// It is checkpointed then.",
      "const score = await riskScorer.score(transaction);",
      "return result(transaction, score);",
    );

    const patch = learnerDiff(current, solution, { current: "modules/x/handler.ts", solution: "solutions/x/handler.ts" }) ?? "";

    expect(patch).toContain("--- modules/x/handler.ts\tyour code");
    expect(patch).toContain("+++ solutions/x/handler.ts\tsolution");
    expect(patch).toContain("\n-const score = await riskScorer.score(transaction);\n");
    expect(patch).toContain('\n+const score = await context.step("fraudCheck", () => riskScorer.score(transaction));\n');
    expect(patch).not.toContain("TODO");
  });

  it("numbers a hunk from the learner's real line, TODO lines counted", () => {
    const body = ["a();", "b();", "c();", "d();", "e();", "f();"];
    const current = lines("// TODO 1: first this", "//   and this", ...body, "old();");
    const target = lines(...body, "replacement();");

    // Line 5 of the learner's file is c(), the first context line (the solution's line 3).
    expect(learnerDiff(current, target)).toContain("@@ -5,5 +3,5 @@");
  });

  it("drops a TODO's comment block only, not a comment after code", () => {
    const source = lines("// TODO 2: do this", "// and that", "keep();", "// a note of yours", "  // TODO: unnumbered", "done();");

    expect(withoutTodoComments(source)).toEqual({
      text: lines("keep();", "// a note of yours", "done();"),
      lineNumbers: [3, 4, 6],
    });
  });
});

describe("todoSummary", () => {
  const plain = pc.createColors(false);
  const failure = (test: string, message: string, name = "AssertionError"): Failure => ({
    test,
    file: "modules/01-first-step/first-step.test.ts",
    name,
    message,
  });

  it("lists each failing TODO once, lowest first, then failures that name no TODO", () => {
    const summary = todoSummary(
      [
        failure(
          "authorizes",
          "TODO 2 in modules/01-first-step/handler.ts: expected a step named \"authorize-101\": expected [] to deeply equal [ 'fraudCheck' ]",
        ),
        failure("returns the result", "expected { a: 1 } to deeply equal { a: 2 }"),
        failure(
          "checkpoints",
          "TODO 1 in modules/01-first-step/handler.ts: expected a step named \"fraudCheck\": expected [] to include 'fraudCheck'",
        ),
        failure(
          "authorizes once",
          "TODO 2 in modules/01-first-step/handler.ts: expected one call: expected [] to have a length of 1 but got 0",
        ),
        failure(
          "succeeds",
          "TODO 1 in modules/01-first-step/handler.ts: expected the execution to succeed\n  The execution did not succeed.",
          "Error",
        ),
      ],
      plain,
    );

    expect(summary.split("\n")).toEqual([
      "What to do next, in TODO order:",
      '  TODO 1 in modules/01-first-step/handler.ts: expected a step named "fraudCheck" (2 failures)',
      '  TODO 2 in modules/01-first-step/handler.ts: expected a step named "authorize-101" (2 failures)',
      "  ✗ returns the result (modules/01-first-step/first-step.test.ts): expected { a: 1 } to deeply equal { a: 2 }",
    ]);
  });

  it("keeps the first sentence of the guidance, and a colon in it", () => {
    const summary = todoSummary(
      [
        failure(
          "t",
          "TODO 3 in modules/03-retries/handler.ts: bad input is not a flaky scorer: expected no attempt at all. Then more: expected [ 1 ] to have a length of 0 but got 1",
        ),
      ],
      plain,
    );

    expect(summary.split("\n")[1]).toBe(
      "  TODO 3 in modules/03-retries/handler.ts: bad input is not a flaky scorer: expected no attempt at all.",
    );
  });

  it("says nothing when nothing failed", () => {
    expect(todoSummary([])).toBe("");
  });
});

describe("failure messages", () => {
  it("print a list of six names whole", () => {
    const names = ["fraudCheck", "authorize-1", "sendToFraudDepartment-1", "suspend-1", "finalize-1", "timeout-escalate-1"];
    let message = "";
    try {
      expect(names).toEqual([]);
    } catch (error) {
      message = (error as Error).message;
    }

    for (const name of names) expect(message).toContain(`'${name}'`);
    expect(message).not.toContain("…");
  });
});

async function npm(script: string, args: string[]): Promise<{ code: number | null; output: string; raw: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.FORCE_COLOR;
  // As a learner runs it: not in the maintainer check's mode, which shares the runtime between files.
  delete env.WORKSHOP_CHECK;
  delete env.WORKSHOP_SHARE_RUNTIME;
  const result = await run(process.execPath, [script, ...args], { env, cwd: repoRoot, timeoutMs: 60_000 });
  const raw = result.stdout + result.stderr;
  return { code: result.code, output: stripVTControlCharacters(raw), raw };
}

describe.concurrent("the learner's commands on the untouched starter of module 01", () => {
  it("npm run diff shows the code to change and no TODO", async () => {
    const io = captureIo();
    const code = await diffMain(["01"], io);
    const output = stripVTControlCharacters(io.stdout + io.stderr);

    expect(code, output).toBe(0);
    expect(output).toContain('+  const score = await context.step("fraudCheck"');
    expect(output).toContain("-  const score = await riskScorer.score(transaction);");
    expect(output.split("\n").filter((line) => line.includes("TODO"))).toEqual([]);
    expect(output).toContain("Lines with - are yours, lines with + are the solution's.");
  });

  it("npm run test:module ends with the TODOs in order, without colour under NO_COLOR", async () => {
    const { code, output, raw } = await npm("workshop/cli/test-module.ts", ["01"]);

    expect(code, output).toBe(1);
    const summary = raw.slice(raw.indexOf("What to do next, in TODO order:"));
    expect(summary).toMatch(/^What to do next, in TODO order:\n {2}TODO 1 in modules\/01-first-step\/handler\.ts: /);
    expect(summary).toBe(stripVTControlCharacters(summary));
  });
});
