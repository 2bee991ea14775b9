/**
 * `npm run test:module -- NN` (your code), `npm run watch -- NN` (re-run on save) and
 * `npm run solution -- NN` (the solution): one module's tests through the vitest CLI.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import pc from "picocolors";
import { folderName, modules, repoRoot } from "../manifest.ts";
import { moduleArgument, moduleCommand } from "./options.ts";

const program = moduleCommand("test:module", "Run one module's tests on your code in modules/NN-slug/.")
  .option("--watch", "re-run the tests every time you save a file")
  .option("--solution", "run the tests on the solution in solutions/NN-slug/ instead of your code")
  .parse();

const [given] = program.args as [string];
const options = program.opts<{ watch?: boolean; solution?: boolean }>();
const module = moduleArgument(program, given);
const number = module.number;

const vitestCli = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const project = options.solution ? "solution" : "starter";
const folder = `${options.solution ? "solutions" : "modules"}/${folderName(module)}`;
console.log(pc.bold(`Module ${number} · ${module.title}: tests on ${folder}/`));

// The default report, then the failures again in TODO order (workshop/todo-order-reporter.ts).
const reporters = ["--reporter=default", "--reporter=./workshop/todo-order-reporter.ts"];
const run = spawnSync(
  process.execPath,
  [vitestCli, options.watch ? "watch" : "run", "--project", project, ...reporters, `modules/${folderName(module)}/`],
  { cwd: repoRoot, stdio: "inherit" },
);
const passed = run.status === 0;

if (options.solution) {
  console.log(passed ? pc.green("The solution passes.") : pc.red("The solution fails: please report it."));
} else if (passed) {
  const next = modules[modules.indexOf(module) + 1];
  console.log(pc.green(`✔ Module ${number} is done.`));
  console.log(
    next
      ? `Next: read modules/${folderName(next)}/README.md, then run npm run test:module -- ${next.number}`
      : "That was the last module. See your progress with npm run progress.",
  );
} else {
  const files = module.files.map((file) => `modules/${folderName(module)}/${file}`).join(", ");
  console.log(pc.yellow(`Not there yet. Do the first TODO in the list above, in ${files}.`));
  console.log(`Then run npm run test:module -- ${number} again, or npm run watch -- ${number} to re-run on every save.`);
  console.log(`Stuck? Read the hints in modules/${folderName(module)}/README.md, or compare: npm run diff -- ${number}`);
}
process.exitCode = run.status ?? 1;
