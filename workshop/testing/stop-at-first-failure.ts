/**
 * A setup file for the mistake projects: once one test of a file has failed, the mistake is
 * caught, and the file's later tests are skipped instead of run. Tests already running
 * (concurrent ones) finish as they are.
 */
import { beforeEach } from "vitest";

let caught = false;

beforeEach((context) => {
  if (caught) context.skip("the mistake is already caught");
  context.onTestFailed(() => {
    caught = true;
  });
});
