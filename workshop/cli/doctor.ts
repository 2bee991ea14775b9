/**
 * `npm run doctor`: what this machine has for each part of the workshop, and the one command or
 * link that fixes what is missing. Offline and quick unless `--aws` asks it to call AWS.
 *
 * Exits 0 when modules 01-08 can run (Node.js, npm and the installed dependencies: they need no
 * AWS part), 1 when they cannot, 2 for a bad argument. It starts from workshop/cli/doctor.mjs,
 * which answers a Node.js too old to run this file.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import Table from "cli-table3";
import { Command } from "commander";
import pc from "picocolors";
import { runTool } from "../checks/tool.ts";
import { guarded, commandLine, type Io, processIo } from "../command.ts";
import { chromiumPath } from "../docs-site/browser.ts";
import { repoRoot, STACK_NAME } from "../manifest.ts";

export type State = "ok" | "warning" | "missing" | "optional";

export interface Finding {
  part: string;
  state: State;
  /** What was found: a version, a path, why it is missing. */
  found: string;
  /** Which modules need it. */
  neededFor: string;
  /** The one command or link that fixes it, when it is not ok. */
  fix?: string;
  /** Modules 01-08 cannot run without it. */
  blocksLearning?: boolean;
}

const NODE_DOWNLOAD = "nvm install 24 (https://github.com/nvm-sh/nvm), or https://nodejs.org/en/download";

/** Node.js: 24 is what the function runs on in Lambda; 22.18 is the oldest that runs the workshop's TypeScript. */
export function nodeFinding(version = process.versions.node): Finding {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const base = { part: "Node.js", found: `v${version}`, neededFor: "every module" };
  if (major >= 24) return { ...base, state: "ok" };
  if (major > 22 || (major === 22 && minor >= 18)) {
    return { ...base, state: "warning", fix: `works, but Lambda runs Node.js 24: ${NODE_DOWNLOAD}` };
  }
  return { ...base, state: "missing", fix: `Node.js 24 is needed (22.18 at least): ${NODE_DOWNLOAD}`, blocksLearning: true };
}

/** Runs a command: the first line it prints, or undefined when it cannot be run or fails. */
export type Probe = (command: string, args: string[]) => Promise<string | undefined>;

const firstLineOf: Probe = async (command, args) => {
  try {
    const run = await runTool(command, args);
    return run.code === 0 ? run.output.split("\n")[0] : undefined;
  } catch {
    // Not on PATH: tinyexec may reject instead of reporting an exit code.
    return undefined;
  }
};

async function toolFinding(
  probe: Probe,
  part: string,
  command: string,
  neededFor: string,
  fix: string,
  blocksLearning: boolean,
): Promise<Finding> {
  const version = await probe(command, ["--version"]);
  if (version !== undefined) return { part, state: "ok", found: version, neededFor };
  return { part, state: "missing", found: `no \`${command}\` on PATH`, neededFor, fix, blocksLearning };
}

/**
 * `npm ci` ran with this lockfile: every package it locks is installed at its locked version
 * (npm records what it installed in node_modules/.package-lock.json).
 */
export function dependenciesFinding(root = repoRoot): Finding {
  const base = { part: "dependencies (npm ci)", neededFor: "every module", fix: "npm ci", blocksLearning: true };
  const installedFile = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(installedFile)) return { ...base, state: "missing", found: "node_modules is not installed" };
  type Lock = { packages?: Record<string, { version?: string; optional?: boolean }> };
  const locked = (JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as Lock).packages ?? {};
  const installed = (JSON.parse(readFileSync(installedFile, "utf8")) as Lock).packages ?? {};
  // Optional packages are other platforms' builds (esbuild's, Biome's): npm ci skips them here.
  const differing = Object.entries(locked).filter(
    ([path, entry]) => path !== "" && entry.version !== undefined && !entry.optional && installed[path]?.version !== entry.version,
  );
  if (differing.length === 0) return { part: base.part, neededFor: base.neededFor, state: "ok", found: "as package-lock.json says" };
  const [path, entry] = differing[0]!;
  const name = path.replace(/^.*node_modules\//, "");
  const found = `${differing.length} package(s) differ from package-lock.json, e.g. ${name} ${installed[path]?.version ?? "missing"} (locked ${entry.version})`;
  return { ...base, state: "missing", found };
}

function chromiumFinding(): Finding {
  const path = chromiumPath();
  const base = { part: "Chromium", neededFor: "only npm test's docs check (maintainers)" };
  if (existsSync(path)) return { ...base, state: "ok", found: path };
  return { ...base, state: "optional", found: `not at ${path}`, fix: "apt-get install chromium, or set CHROMIUM_PATH" };
}

const CLI_INSTALL = "https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html";
const ADD_MODEL = "aws configure add-model --service-model file://service.json --service-name durable-lambda";

/** The AWS CLI, its major version, and whether it can send the durable execution commands. */
async function awsCliFindings(probe: Probe, home: string): Promise<Finding[]> {
  const version = await probe("aws", ["--version"]);
  if (version === undefined) {
    return [{ part: "AWS CLI", state: "optional", found: "no `aws` on PATH", neededFor: "module 10 (and 09's deploy)", fix: CLI_INSTALL }];
  }
  const major = /aws-cli\/(\d+)\./.exec(version)?.[1] ?? "?";
  const cli: Finding = { part: "AWS CLI", state: "ok", found: `version ${major} (${version.split(" ")[0]})`, neededFor: "module 10" };
  // Offline: the skeleton is printed from the CLI's own model, nothing is sent.
  const builtIn = (await probe("aws", ["lambda", "get-durable-execution", "--generate-cli-skeleton"])) !== undefined;
  const modelAdded = existsSync(join(home, ".aws", "models", "durable-lambda"));
  const model: Finding = modelAdded
    ? { part: "durable-lambda model", state: "ok", found: "added to ~/.aws/models", neededFor: "module 10" }
    : {
        part: "durable-lambda model",
        state: builtIn ? "optional" : "missing",
        found: builtIn ? "not added; this CLI has `aws lambda ...-durable-execution...` built in" : "not added",
        neededFor: "module 10",
        fix: ADD_MODEL,
      };
  return [cli, model];
}

/** Only with --aws: these call AWS (STS and CloudFormation) with the default profile. */
async function accountFindings(probe: Probe): Promise<Finding[]> {
  // The environment wins over the config file, for the CLI and for the CDK alike.
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || (await probe("aws", ["configure", "get", "region"]));
  const identity = await probe("aws", ["sts", "get-caller-identity", "--query", "Arn", "--output", "text"]);
  const bootstrap = await probe("aws", [
    "cloudformation",
    "describe-stacks",
    "--stack-name",
    "CDKToolkit",
    "--query",
    "Stacks[0].StackStatus",
    "--output",
    "text",
  ]);
  const neededFor = `modules 09-10 (deploying ${STACK_NAME})`;
  return [
    region === undefined
      ? { part: "AWS region", state: "missing", found: "none configured", neededFor, fix: "aws configure set region <region>" }
      : { part: "AWS region", state: "ok", found: region, neededFor },
    identity === undefined
      ? { part: "AWS credentials", state: "missing", found: "STS did not answer", neededFor, fix: "aws configure (or aws sso login)" }
      : { part: "AWS credentials", state: "ok", found: identity, neededFor },
    bootstrap === undefined
      ? { part: "CDK bootstrap", state: "missing", found: "no CDKToolkit stack", neededFor, fix: "npx cdk bootstrap" }
      : { part: "CDK bootstrap", state: "ok", found: `CDKToolkit ${bootstrap}`, neededFor },
  ];
}

/** Every finding, in the order the table shows them. */
export async function diagnose({
  aws = false,
  probe = firstLineOf,
  home = homedir(),
}: {
  aws?: boolean;
  probe?: Probe;
  home?: string;
} = {}): Promise<Finding[]> {
  const [npm, git, cli] = await Promise.all([
    toolFinding(probe, "npm", "npm", "every module", "npm comes with Node.js: reinstall Node.js 24", true),
    toolFinding(probe, "git", "git", "npm run diff and npm run reset", "https://git-scm.com/downloads", false),
    awsCliFindings(probe, home),
  ]);
  const found = [nodeFinding(), npm, dependenciesFinding(), git, chromiumFinding(), ...cli];
  if (aws && cli[0]?.state === "ok") found.push(...(await accountFindings(probe)));
  return found;
}

const mark: Record<State, string> = { ok: pc.green("✓"), warning: pc.yellow("!"), missing: pc.red("✗"), optional: pc.dim("-") };

export const doctorMain = (argv: readonly string[], io: Io = processIo): Promise<number> =>
  guarded(io, async () => {
    const program = commandLine(
      new Command("doctor")
        .description("Check what this machine has for each part of the workshop, and how to fix what is missing.")
        .option("--aws", "also check AWS credentials, region and CDK bootstrap (calls AWS)")
        .addHelpText("after", "\nExits 0 when modules 01-08 can run: they need none of the AWS parts."),
      io,
    );
    program.parse([...argv], { from: "user" });
    const findings = await diagnose({ aws: program.opts<{ aws?: boolean }>().aws === true });

    const table = new Table({ head: ["", "part", "found", "needed for"], wordWrap: true, style: { head: [] } });
    for (const finding of findings) table.push([mark[finding.state], finding.part, finding.found, finding.neededFor]);
    io.out(`${table.toString()}\n`);
    // Below the table, whole: a command or a link is copied, not read across wrapped cells.
    const toFix = findings.filter((finding) => finding.fix !== undefined);
    for (const finding of toFix) io.out(`${mark[finding.state]} ${finding.part}: ${finding.fix}\n`);
    const blocking = findings.filter((finding) => finding.blocksLearning && finding.state === "missing");
    if (blocking.length > 0) {
      io.err(`${pc.red("Modules 01-08 cannot run yet:")} fix ${blocking.map((finding) => finding.part).join(", ")} first.\n`);
      return 1;
    }
    io.out("Modules 01-08 can run: they need none of the AWS parts. Start with npm run test:module -- 01\n");
    return 0;
  });
