/**
 * `npm run test:module -- NN` (your code), `npm run watch -- NN` (re-run on save) and
 * `npm run solution -- NN` (the solution): one module's tests through the vitest CLI.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import pc from "picocolors";
import { commandLine, guarded, type Io, moduleArgument, moduleCommand, processIo, runIfEntry } from "../command.ts";
import { folderName, modules, repoRoot } from "../manifest.ts";

const vitestCli = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

/** Runs the tests (vitest writes to the terminal itself), then says what to do next; exits as vitest did. */
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
    const module = moduleArgument(program, program.args[0] as string);
    const number = module.number;
    const project = options.solution ? "solution" : "starter";
    const folder = `${options.solution ? "solutions" : "modules"}/${folderName(module)}`;
    io.out(`${pc.bold(`Module ${number} · ${module.title}: tests on ${folder}/`)}\n`);

    // The default report, then the failures again in TODO order (workshop/todo-order-reporter.ts).
    const reporters = ["--reporter=default", "--reporter=./workshop/todo-order-reporter.ts"];
    const run = spawnSync(
      process.execPath,
      [vitestCli, options.watch ? "watch" : "run", "--project", project, ...reporters, `modules/${folderName(module)}/`],
      { cwd: repoRoot, stdio: "inherit" },
    );
    const passed = run.status === 0;

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
    return run.status ?? 1;
  });

await runIfEntry(import.meta.url, testModuleMain);
