/**
 * `npm run progress`: runs every module's tests on your code and shows where you stand.
 */
import { SingleBar } from "cli-progress";
import Table from "cli-table3";
import { Command } from "commander";
import pc from "picocolors";
import { folderName, modules, type WorkshopModule } from "../manifest.ts";
import { learnerFiles, pristineStarter } from "../starter-files.ts";
import { runTests, type TestOutcome } from "../test-run.ts";

new Command("progress")
  .description("Run every module's tests on your code and show which modules are done, in progress or not started.")
  .parse();

type State = "done" | "in progress" | "not started";

function untouched(module: WorkshopModule): boolean {
  try {
    return learnerFiles(module).every((file) => file.current === pristineStarter(file.path));
  } catch {
    return false;
  }
}

const moduleFiles = modules.map((module) => `modules/${folderName(module)}/`);
const bar = process.stdout.isTTY
  ? new SingleBar({ format: "Running module tests {bar} {value}/{total} {file}", hideCursor: true })
  : undefined;
bar?.start(moduleFiles.length, 0, { file: "" });
const run = await runTests({
  projects: ["starter"],
  filters: moduleFiles,
  onFileDone: (file) => bar?.increment({ file: file.file }),
});
bar?.stop();

const rows = modules.map((module) => {
  const tests = run.tests.filter((test: TestOutcome) => test.module === module);
  const loaded = run.files.some((file) => file.module === module && file.loaded);
  const passed = tests.filter((test) => test.state === "passed").length;
  const state: State =
    loaded && tests.length > 0 && passed === tests.length ? "done" : untouched(module) ? "not started" : "in progress";
  return { module, state, passed, total: tests.length };
});

const paint = { done: pc.green, "in progress": pc.yellow, "not started": pc.dim } satisfies Record<State, (s: string) => string>;
const table = new Table({
  head: ["", "module", "state", "tests passing"],
  style: { head: [] },
  chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
});
for (const row of rows) {
  table.push([row.module.number, row.module.title, paint[row.state](row.state), `${row.passed}/${row.total}`]);
}
console.log(table.toString());

const done = rows.filter((row) => row.state === "done").length;
console.log(`${done} of ${rows.length} modules done.`);
const next = rows.find((row) => row.state !== "done");
if (next) {
  const folder = `modules/${folderName(next.module)}`;
  console.log(`Next: read ${folder}/README.md, then run npm run test:module -- ${next.module.number}`);
} else {
  console.log(pc.green("Every module is done. Congratulations!"));
}
