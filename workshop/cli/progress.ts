/**
 * `npm run progress`: runs every module's tests on your code and shows where you stand.
 *
 * It exits 0 whenever it could make the report, however many modules are left: unfinished
 * work is what a progress report is for, not an error. It exits 1 only when the report could
 * not be made (the test run was stopped before every module's tests finished), and 2 for a
 * bad argument.
 */
import { SingleBar } from "cli-progress";
import Table from "cli-table3";
import { Command } from "commander";
import pc from "picocolors";
import { folderName, modules, type WorkshopModule } from "../manifest.ts";
import { learnerFiles, pristineStarter } from "../starter-files.ts";
import { runTests, type TestOutcome } from "../test-run.ts";
import { commandLine, guarded, type Io, moduleArgument, moduleListHelp, processIo, runIfEntry } from "../command.ts";

/** The module tests take well under a minute; five minutes means something is stuck. */
const deadlineMs = 5 * 60_000;

type State = "done" | "in progress" | "not started" | "did not finish";

function untouched(module: WorkshopModule): boolean {
  try {
    return learnerFiles(module).every((file) => file.current === pristineStarter(file.path));
  } catch {
    return false;
  }
}

const paint = {
  done: pc.green,
  "in progress": pc.yellow,
  "not started": pc.dim,
  "did not finish": pc.red,
} satisfies Record<State, (s: string) => string>;

/** Set when a stopped run left a test worker behind: the entry must not wait for it. */
let abandonedWorker = false;

/** Runs the chosen modules' tests on the learner's code and prints the table. */
export const progressMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      new Command("progress")
        .description("Run every module's tests on your code and show which modules are done, in progress or not started.")
        .argument("[modules...]", "only these modules (number or slug); all of them when none is given")
        .addHelpText(
          "after",
          `${moduleListHelp()}\n\nExits 0 with the table whatever your progress; 1 if the tests could not be run to the end.`,
        ),
      io,
    );
    program.parse([...argv], { from: "user" });
    const chosen = (program.args as string[]).map((given) => moduleArgument(given));
    const shown = modules.filter((module) => chosen.length === 0 || chosen.includes(module));

    const moduleFiles = shown.map((module) => `modules/${folderName(module)}/`);
    const bar =
      io === processIo && process.stdout.isTTY
        ? new SingleBar({ format: "Running module tests {bar} {value}/{total} {file}", hideCursor: true })
        : undefined;
    bar?.start(moduleFiles.length, 0, { file: "" });
    const run = await runTests({
      projects: ["starter"],
      filters: moduleFiles,
      deadlineMs,
      onFileDone: (file) => bar?.increment({ file: file.file }),
    });
    bar?.stop();

    /** A module whose test file had not reported its results when the run was stopped. */
    const unfinished = (module: WorkshopModule) =>
      (run.stopped?.unfinished ?? []).some((name) => name.includes(`modules/${folderName(module)}/`));

    const rows = shown.map((module) => {
      const tests = run.tests.filter((test: TestOutcome) => test.module === module);
      const loaded = run.files.some((file) => file.module === module && file.loaded);
      const passed = tests.filter((test) => test.state === "passed").length;
      const state: State = unfinished(module)
        ? "did not finish"
        : loaded && tests.length > 0 && passed === tests.length
          ? "done"
          : untouched(module)
            ? "not started"
            : "in progress";
      return { module, state, passed, total: tests.length };
    });

    const table = new Table({
      head: ["", "module", "state", "tests passing"],
      style: { head: [] },
      chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    });
    for (const row of rows) {
      const count = row.state === "did not finish" ? "?" : `${row.passed}/${row.total}`;
      table.push([row.module.number, row.module.title, paint[row.state](row.state), count]);
    }
    io.out(`${table.toString()}\n`);

    const done = rows.filter((row) => row.state === "done").length;
    io.out(`${done} of ${rows.length} modules done.\n`);
    const next = rows.find((row) => row.state !== "done");
    if (next) {
      const folder = `modules/${folderName(next.module)}`;
      io.out(`Next: read ${folder}/README.md, then run npm run test:module -- ${next.module.number}\n`);
    } else {
      io.out(`${pc.green(chosen.length === 0 ? "Every module is done. Congratulations!" : "All of these modules are done.")}\n`);
    }

    const incomplete = (run.stopped?.unfinished.length ?? 0) > 0;
    if (run.stopped) {
      io.err(`${pc.red(run.stopped.message)}\n`);
      if (incomplete) io.err(`Test files that had not finished: ${run.stopped.unfinished.join(", ")}\n`);
      io.err(
        incomplete
          ? "The table is incomplete. Run npm run progress again; if it stops again, run npm run test:module -- NN for that module.\n"
          : "Every module's results are in, so the table above is complete.\n",
      );
    }
    abandonedWorker = run.stopped !== undefined && !run.stopped.ended;
    return incomplete ? 1 : 0;
  });

await runIfEntry(import.meta.url, async (argv, io) => {
  const code = await progressMain(argv, io);
  // A run that was stopped may have left a test worker behind: do not wait for it.
  if (abandonedWorker) process.exit(code);
  return code;
});
