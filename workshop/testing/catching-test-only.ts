/**
 * A setup file for the maintainer check: a mistake's patch names the module test that catches
 * it (`# Caught by: <test name>`), and only that test runs on it. The verdict
 * (workshop/checks/mistakes.ts) then requires that very test to fail with guidance: the
 * catalogue says which test teaches each concept, and pays for one test a mistake, not a file.
 * Other test files run whole.
 */
import { beforeEach } from "vitest";
import { type Entry, entries, entryOf } from "../check-entries.ts";

let all: Entry[] | undefined;

beforeEach((context) => {
  all ??= entries();
  const mistake = entryOf(context.task.file.filepath, all)?.mistake;
  if (mistake !== undefined && context.task.name !== mistake.caughtBy) context.skip(`not the test that catches ${mistake.name}`);
});
