/**
 * The maintainer check's entry files (workshop/check-entries.ts): one for each module's starter,
 * its solution and each catalogued mistake, named back to them in the results, and rewritten
 * only when they differ, since the vitest runs that tests start load the same config.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entries, entriesDir, entryOf, writeEntries } from "../workshop/check-entries.ts";
import { modules } from "../workshop/manifest.ts";
import { mistakes } from "../workshop/mistakes.ts";

describe("the check's entry files", () => {
  it("run every module's tests on its starter, its solution and each of its catalogued mistakes", () => {
    const all = entries();
    expect(all.filter((entry) => entry.project === "starter")).toHaveLength(modules.length);
    expect(all.filter((entry) => entry.project === "solution")).toHaveLength(modules.length);
    expect(all.filter((entry) => entry.mistake !== undefined).map((entry) => entry.project)).toEqual(
      mistakes().map((mistake) => mistake.project),
    );
  });

  it("import the module's test file with the query that picks the code, and name their results after it", () => {
    const all = writeEntries();
    for (const entry of all) {
      const text = readFileSync(entry.file, "utf8");
      expect(text, entry.file).toContain(`.test.ts?${entry.query}";`);
      expect(entryOf(entry.file, all)).toBe(entry);
    }
    expect(entryOf(join(entriesDir, "starter", "01-first-step.test.ts"), all)?.query).toBe("variant=starter");
    expect(entryOf(join(entriesDir, "..", "elsewhere.test.ts"), all)).toBeUndefined();
  });

  it("are rewritten only when they differ, and stale ones are removed", () => {
    const all = writeEntries();
    const before = all.map((entry) => statSync(entry.file).mtimeMs);
    const stale = join(entriesDir, "mistakes", "01-first-step", "zz-no-such-patch.test.ts");
    mkdirSync(join(stale, ".."), { recursive: true });
    writeFileSync(stale, "// left by an older catalogue\n");

    writeEntries();

    expect(
      all.map((entry) => statSync(entry.file).mtimeMs),
      "a file already right is left alone",
    ).toEqual(before);
    expect(existsSync(stale), "an entry for a patch that is gone").toBe(false);
  });
});
