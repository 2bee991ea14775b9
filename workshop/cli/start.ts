/**
 * `npm start`: runs a module's workflow on the local durable runtime, for sample transactions
 * (the fraud check) or the sample of an optional module's workflow, and prints each execution's
 * operations, timing and result.
 */
import Table from "cli-table3";
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { commandLine, guarded, type Io, moduleListHelp, processIo, runIfEntry, UsageError } from "../command.ts";
import { fraudDepartment } from "../../fraud/fraud-department.ts";
import { reviewDesk } from "../../fraud/review-desk.ts";
import type { DurableLogLine } from "../durable-logs.ts";
import type { Answer, ExecutionReport } from "../local-execution.ts";
import { chooseWorkflow, MissingWorkflowError, UnknownModuleError, type WorkflowKind } from "../manifest.ts";
import { loadWorkflow } from "../workflow-loader.ts";

const number = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new InvalidArgumentError(`${name} must be a number.`);
  return parsed;
};

const samples = [
  { id: 1001, amount: 4.5, location: "Seattle, WA", vendor: "Corner Coffee" },
  { id: 1002, amount: 7_500, location: "Lisbon, PT", vendor: "Laptop Outlet" },
  { id: 1003, amount: 25_000, location: "Geneva, CH", vendor: "Fine Watches" },
];

interface Sample {
  /** Printed above the execution's report. */
  title: string;
  /** The event it starts with. */
  payload: unknown;
}

/** The transactions `npm start` checks: the samples, or one made from --amount and --score. */
function transactionsFor(options: { amount?: number; score?: number }): Sample[] {
  const transactions =
    options.amount === undefined && options.score === undefined
      ? samples
      : [{ id: 1000, amount: options.amount ?? 7_500, location: "Lisbon, PT", vendor: "Laptop Outlet", score: options.score }];
  return transactions.map((transaction) => ({
    title: `Transaction ${transaction.id}: ${transaction.amount} at ${transaction.vendor}`,
    payload: transaction,
  }));
}

const sampleDay = {
  date: "2026-11-27",
  transactions: [
    { id: 2001, amount: 7_500, location: "Lisbon, PT", vendor: "Laptop Outlet" },
    { id: 2002, amount: 25_000, location: "Geneva, CH", vendor: "Fine Watches" },
    { id: 2003, amount: 6_200, location: "Porto, PT", vendor: "Night Market Tickets" },
    { id: 2004, amount: 12_000, location: "Monaco, MC", vendor: "Yacht Charters" },
    { id: 2005, amount: 5_400, location: "Seattle, WA", vendor: "Outdoor Gear Co" },
    { id: 2006, amount: 8_900, location: "Berlin, DE", vendor: "Camera House" },
  ],
};
const dispute = { id: 3001, amount: 640, location: "Online", vendor: "Gadget Importers" };
const card = { id: 4001, amount: 900, location: "Online", vendor: "Gift Cards Unlimited" };

/**
 * The workflows with an event of their own, the sample each runs on, and what the fakes are told
 * first, so that the sample shows what the module teaches.
 */
const ownSamples: Partial<Record<WorkflowKind, Sample & { prepare?: () => void }>> = {
  "batch-review": {
    title: `Flagged transactions of ${sampleDay.date}: ${sampleDay.transactions.length}, case file of 2003 missing`,
    payload: sampleDay,
    prepare: () => reviewDesk.loseCaseFile(2003),
  },
  "dispute-follow-up": { title: `Dispute of transaction ${dispute.id}: ${dispute.amount} at ${dispute.vendor}`, payload: dispute },
  "card-block": {
    title: `Blocking the card of transaction ${card.id}; the hand-off is down`,
    payload: card,
    prepare: () => fraudDepartment.goDown(card.id),
  },
};

const duration = (ms: number | undefined) => {
  if (ms === undefined) return "";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
};

function printReport(io: Io, report: ExecutionReport, logs: DurableLogLine[]) {
  const table = new Table({
    head: ["operation", "type", "status", "duration"],
    style: { head: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const row of report.operations) table.push([row.name, row.type, row.status, duration(row.durationMs)]);
  io.out(`${report.operations.length > 0 ? table.toString() : pc.yellow("  No durable operations: nothing was checkpointed.")}\n`);
  for (const line of logs) io.out(`${pc.dim(`  log ${line.level}: ${line.message ?? ""}`)}\n`);
  const summary = `${report.status} after ${report.invocations} invocation(s), ${duration(report.wallMs)} of wall time`;
  io.out(`${report.status === "SUCCEEDED" ? pc.green(summary) : pc.red(summary)}\n`);
  if (report.result) io.out(`${JSON.stringify(report.result, null, 2)}\n`);
  if (report.error) io.out(`${pc.red(report.error)}\n`);
}

/** Runs the workflow for each transaction; exits 1 when an execution did not succeed, 2 for a bad argument. */
export const startMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      new Command("start")
        .description(
          "Run a module's workflow on the local durable runtime (no AWS account needed): the fraud check for\n" +
            "sample transactions, or an optional module's workflow for its sample; print each execution's operations, timing and result.",
        )
        .option("-m, --module <module>", "run your code of this module (1, 01 or slug) instead of the finished workflow")
        .option("--solution", "with --module: run the module's solution instead of your code")
        .option("--amount <amount>", "run one transaction of this amount instead of the samples", number("--amount"))
        .option("--score <score>", "force the risk score (1-5) instead of asking the scorer", number("--score"))
        .addOption(
          new Option("--answer <answer>", "what the simulated card holder answers when asked").choices(["approve", "decline", "silent"]),
        )
        .addHelpText(
          "after",
          `${moduleListHelp()}\n\nExamples:\n  npm start\n  npm start -- --module 01\n  npm start -- --amount 7500 --answer decline`,
        ),
      io,
    );
    program.parse([...argv], { from: "user" });
    const options = program.opts<{ module?: string; solution?: boolean; amount?: number; score?: number; answer?: Answer }>();

    // The module model decides which workflow runs (09 and 10 run the finished one, as they deploy it).
    let workflow: ReturnType<typeof chooseWorkflow>;
    try {
      workflow = chooseWorkflow(options.module, { solution: options.solution === true });
    } catch (error) {
      if (error instanceof UnknownModuleError || error instanceof MissingWorkflowError) throw new UsageError(error.message);
      throw error;
    }

    const own = ownSamples[workflow.kind];
    if (own && (options.amount !== undefined || options.score !== undefined || options.answer !== undefined)) {
      throw new UsageError(`${workflow.label} runs its own sample: --amount, --score and --answer are for the fraud check.`);
    }
    const runs = own ? [own] : transactionsFor(options);

    const interactive = io === processIo && process.stdin.isTTY && process.stdout.isTTY && options.answer === undefined;

    // Callback timeouts run on real time even when waits are skipped: a one-day timeout would
    // keep a silent card holder's execution open for a day. Shorten it unless asked otherwise,
    // leaving a person at the prompt time to read and answer before the callback times out.
    process.env.VERIFICATION_TIMEOUT_SECONDS ??= interactive ? "30" : "3";
    const answerer = async (text: string): Promise<Answer> => {
      if (!interactive) {
        const answer = options.answer ?? "approve";
        io.out(`${pc.dim(`  card holder is asked: "${text}"\n  simulated answer: ${answer}`)}\n`);
        return answer;
      }
      io.out(`${pc.dim(`  card holder is asked: "${text}"`)}\n`);
      const { select } = await import("@inquirer/prompts");
      return select<Answer>({
        message: "You are the card holder. Your answer?",
        choices: [
          { name: "Yes, that was me (approve)", value: "approve" },
          { name: "No, that was not me (decline)", value: "decline" },
          {
            name: `Stay silent (the workflow escalates after ${process.env.VERIFICATION_TIMEOUT_SECONDS} s; set VERIFICATION_TIMEOUT_SECONDS to change)`,
            value: "silent",
          },
        ],
      });
    };

    // The runtime loads only now, once the arguments are known good: --help and mistakes answer at once.
    const { LocalDurableTestRunner } = await import("@aws/durable-execution-sdk-js-testing");
    const { captureDurableLogs } = await import("../durable-logs.ts");
    const { runLocally } = await import("../local-execution.ts");
    const { handler, functions } = await loadWorkflow(workflow);
    own?.prepare?.();
    io.out(`${pc.bold(`Running ${workflow.label} on the local durable runtime (waits are skipped).`)}\n`);

    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    let failed = 0;
    try {
      for (const run of runs) {
        io.out(`${pc.bold(`\n${run.title}`)}\n`);
        const logs: DurableLogLine[] = [];
        const stopCapturing = captureDurableLogs((line) => logs.push(line));
        let report: ExecutionReport;
        try {
          report = await runLocally(
            handler,
            run.payload,
            async (message) => {
              stopCapturing();
              return answerer(message.text);
            },
            functions,
          );
        } finally {
          stopCapturing();
        }
        printReport(io, report, logs);
        if (report.status !== "SUCCEEDED") failed += 1;
      }
    } finally {
      await LocalDurableTestRunner.teardownTestEnvironment();
    }
    return failed === 0 ? 0 : 1;
  });

await runIfEntry(import.meta.url, startMain);
