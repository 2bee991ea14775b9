/**
 * The layer rules are enforced, not only written down: every layer has its rule, and an
 * upward import or a cycle makes dependency-cruiser (run by `npm test`) fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise as depcruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../workshop/manifest.ts";

// The same configuration `npm test` runs the CLI with; the API saves a Node start per tree.
const options = await extractDepcruiseOptions(join(repoRoot, ".dependency-cruiser.cjs"));
const rules = (options.ruleSet?.forbidden ?? []).map((rule) => rule.name);
const scratch = mkdtempSync(join(tmpdir(), "workshop-layers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the repository's rules over a tree of files written into a scratch folder. */
async function cruise(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const root = mkdtempSync(join(scratch, "tree-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const folders = [...new Set(Object.keys(files).map((path) => path.split("/")[0] as string))];
  const { tsConfig: _, ...rest } = options;
  const result = await depcruise(folders, { ...rest, baseDir: root, outputType: "err" });
  return { code: result.exitCode, output: String(result.output) };
}

describe.concurrent("the layer rules (.dependency-cruiser.cjs)", () => {
  it("has a rule for every layer and for cycles", () => {
    expect(rules.sort()).toEqual([
      "commands-import-no-test",
      "core-imports-no-command",
      "fraud-imports-nothing-above",
      "learner-code-imports-only-the-domain",
      "no-cycles",
    ]);
  });

  it("passes imports that point down the layers", async () => {
    const result = await cruise({
      "fraud/payments.ts": "export const pay = 1;\n",
      "solutions/01-first-step/handler.ts": 'import { pay } from "../../fraud/payments.ts";\nexport const handler = pay;\n',
      "workshop/manifest.ts": 'import { handler } from "../solutions/01-first-step/handler.ts";\nexport const m = handler;\n',
      "workshop/cli/start.ts": 'import { m } from "../manifest.ts";\nexport const s = m;\n',
    });
    expect(result.code, result.output).toBe(0);
  });

  it.each([
    [
      "the fraud domain importing the workshop",
      "fraud/payments.ts",
      'import { m } from "../workshop/manifest.ts";\nexport const pay = m;\n',
      "fraud-imports-nothing-above",
    ],
    [
      "a learner's stack importing a command",
      "modules/09-deploy/stack.ts",
      'import { s } from "../../infra/app.ts";\nexport const stack = s;\n',
      "learner-code-imports-only-the-domain",
    ],
    [
      "the core importing a command",
      "workshop/manifest.ts",
      'import { s } from "../infra/app.ts";\nexport const m = s;\n',
      "core-imports-no-command",
    ],
  ])("fails on %s", async (_, path, text, rule) => {
    const result = await cruise({
      "fraud/payments.ts": "export const pay = 1;\n",
      "workshop/manifest.ts": "export const m = 1;\n",
      "infra/app.ts": "export const s = 1;\n",
      [path]: text,
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(rule);
  });

  it("fails on a cycle", async () => {
    const result = await cruise({
      "workshop/a.ts": 'import { b } from "./b.ts";\nexport const a = b;\n',
      "workshop/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("no-cycles");
  });
});
