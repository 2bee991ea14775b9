/**
 * A setup file for the catalogue's project: a mistake's patch names the module test that
 * catches it (`# Caught by: <test name>`), and only that test runs on it. The verdict
 * (workshop/checks/mistakes.ts) then requires that very test to fail with guidance: the
 * catalogue says which test teaches each concept, and pays for one test a mistake, not a file.
 */
import { beforeEach } from "vitest";
import { type Mistake, mistakeOf, mistakes } from "../mistakes.ts";

let catalogue: Mistake[] | undefined;

beforeEach((context) => {
  catalogue ??= mistakes();
  const mistake = mistakeOf(context.task.file.filepath, catalogue);
  if (mistake !== undefined && context.task.name !== mistake.caughtBy) context.skip(`not the test that catches ${mistake.name}`);
});
