/**
 * `npm run test:module -- NN` (your code), `npm run watch -- NN` (re-run on save) and
 * `npm run solution -- NN` (the solution): one module's tests, run by vitest in this process
 * (one Node.js start fewer than its CLI: the learner's loop is about 0.2 s quicker).
 */
import pc from "picocolors";
import { commandLine, guarded, type Io, moduleArgument, moduleCommand, processIo, runIfEntry } from "../command.ts";
import { folderName, modules, repoRoot } from "../manifest.ts";
import { startWorkshopVitest } from "../test-run.ts";
import TodoOrderReporter from "../todo-order-reporter.ts";

/** Runs the tests (vitest writes to the terminal itself), then says what to do next; exits 1 unless all passed. */
export const testModuleMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      moduleCommand("test:module", "Run one module's tests on your code in modules/NN-slug/.")
        .option("--watch", "re-run the tests every time you save a file")
        .option("--solution", "run the tests on the solution in solutions/NN-slug/ instead of your code"),
      io,
    );
    program.parse([...argv], { from: "user" });
    const options = program.opts<{ watch?: boolean; solution?: boolean }>();
    const module = moduleArgument(program.args[0] as string);
    const number = module.number;
    const project = options.solution ? "solution" : "starter";
    const folder = `${options.solution ? "solutions" : "modules"}/${folderName(module)}`;
    io.out(`${pc.bold(`Module ${number} · ${module.title}: tests on ${folder}/`)}\n`);

    // The default report, then the failures again in TODO order (workshop/todo-order-reporter.ts).
    const vitest = await startWorkshopVitest([`modules/${folderName(module)}/`], {
      root: repoRoot,
      run: !options.watch,
      watch: options.watch === true,
      project: [project],
      reporters: ["default", new TodoOrderReporter()],
    });
    // In watch mode vitest keeps running, and reporting, until the learner stops it.
    if (options.watch) return 0;
    await vitest.close();
    const files = vitest.state.getFiles();
    const passed =
      files.length > 0 && files.every((file) => file.result?.state === "pass") && vitest.state.getUnhandledErrors().length === 0;

    if (options.solution) {
      io.out(`${passed ? pc.green("The solution passes.") : pc.red("The solution fails: please report it.")}\n`);
    } else if (passed) {
      const next = modules[modules.indexOf(module) + 1];
      io.out(`${pc.green(`✔ Module ${number} is done.`)}\n`);
      io.out(
        next
          ? `Next: read modules/${folderName(next)}/README.md, then run npm run test:module -- ${next.number}\n`
          : "That was the last module. See your progress with npm run progress.\n",
      );
    } else {
      const files = module.files.map((file) => `modules/${folderName(module)}/${file}`).join(", ");
      io.out(`${pc.yellow(`Not there yet. Do the first TODO in the list above, in ${files}.`)}\n`);
      io.out(`Then run npm run test:module -- ${number} again, or npm run watch -- ${number} to re-run on every save.\n`);
      io.out(`Stuck? Read the hints in modules/${folderName(module)}/README.md, or compare: npm run diff -- ${number}\n`);
    }
    return passed ? 0 : 1;
  });

await runIfEntry(import.meta.url, testModuleMain);
