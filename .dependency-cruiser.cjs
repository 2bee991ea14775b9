/**
 * The architecture, as rules: each layer imports only the layers below it.
 *
 *   fraud/                      the domain the learner is given
 *   modules/, solutions/        the workflow the learner writes (tests excepted)
 *   workshop/ (not cli/)        the workshop's core: manifest, test helpers, checks
 *   workshop/cli/, infra/, operate/   the commands
 *   tests/, *.test.ts           the tests
 *
 * `npm test` runs `depcruise` with these rules; an upward import or a cycle fails it.
 */
const test = "(^tests/|[.]test[.]ts$|^tests/fixtures/)";
const learner = "^(modules|solutions)/";
const core = "^workshop/(?!cli/)";
const commands = "^(workshop/cli|infra|operate)/";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle makes two files one unit: nothing can be read, tested or replaced alone.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "fraud-imports-nothing-above",
      comment: "The fraud domain knows nothing of the workflow, the workshop or its commands.",
      severity: "error",
      from: { path: "^fraud/" },
      to: { path: "^(modules|solutions|workshop|infra|operate|tests)/" },
    },
    {
      name: "learner-code-imports-only-the-domain",
      comment: "What the learner writes imports the SDKs and fraud/ only; it gets anything else as props.",
      severity: "error",
      from: { path: learner, pathNot: test },
      to: { path: "^(workshop|infra|operate|tests)/" },
    },
    {
      name: "core-imports-no-command",
      comment: "The workshop's core serves the commands; it never reaches up into them.",
      severity: "error",
      from: { path: core, pathNot: test },
      to: { path: `${commands}|^tests/` },
    },
    {
      name: "commands-import-no-test",
      comment: "Commands never depend on tests.",
      severity: "error",
      from: { path: commands, pathNot: test },
      to: { path: test },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|site|cdk[.]out|[.]workshop)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
