/**
 * Every command in the module 10 guide, read from its README on each run, is checked:
 *
 * - it is copy-paste safe in bash and zsh (nothing the shell would expand, ARNs and ids quoted);
 * - each `aws durable-lambda ...` command, run by each AWS CLI installed here, v1 and v2 (throwaway HOME,
 *   dummy credentials) against a loopback recorder, sends the same method, path, query,
 *   modelled headers and body, signed for the same region and service, as
 *   `@aws-sdk/client-lambda` does for the same operation and input, and prints what the SDK
 *   reads from the same answer;
 * - `npm run invoke|callback` commands run against the recorder, `npm run destroy` is parsed
 *   offline, and the `rm` commands remove what the guide says, in a throwaway HOME.
 *
 * A command the test does not know how to exercise fails the test.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { planCdkRun } from "../infra/cdk-command.ts";
import { callbackMain } from "../operate/callback.ts";
import { invokeMain } from "../operate/invoke.ts";
import {
  findAwsClis,
  describeEachAwsCli,
  makeCliHome,
  openAwsCli,
  TEST_REGION,
  type AwsCliRunner,
  type CliHome,
} from "./support/aws-cli.ts";
import { run, type RunResult } from "./support/run.ts";
import { shellCommandsIn, type ShellCommand } from "./support/shell-commands.ts";
import { cliOutput, comparable, hasBlobPayload, loadModel, parseCliCall, sdkOutput, sendWithSdk } from "./support/cli-to-sdk.ts";
import { sample } from "./support/fixtures.ts";
import { startRecorder, type RecordedRequest } from "./support/loopback.ts";
import { captureIo, stubAwsEnv } from "./support/sandbox.ts";
import { repoRoot } from "../workshop/manifest.ts";

const guidePath = "modules/10-operate/README.md";
const commands = shellCommandsIn(readFileSync(join(repoRoot, guidePath), "utf8"));
const model = loadModel(repoRoot);
const scripts = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

type Kind = "add-model" | "aws-help" | "aws-operation" | "npm" | "remove-model" | "unknown";

function kindOf({ words }: ShellCommand): Kind {
  const [program, first, second] = words;
  if (program === "aws" && first === "configure" && second === "add-model") return "add-model";
  if (program === "aws" && first === "durable-lambda") return second === "help" ? "aws-help" : "aws-operation";
  if (program === "npm" && first === "run") return "npm";
  if (program === "rm" && first === "-r" && /^~\/\.aws\/models\/[\w-]+$/.test(second ?? "")) return "remove-model";
  return "unknown";
}

const title = (command: ShellCommand) => `line ${command.line}: ${command.words.slice(0, 3).join(" ")}`;
const blobOptions = ["--payload", "--result"];
const v2Flag = "--cli-binary-format";

describe("module 10 guide: the commands as written", () => {
  it("shows the whole life of a transaction", () => {
    const operations = new Set(commands.filter((c) => kindOf(c) === "aws-operation").map((c) => c.words[2]));
    expect([...operations].sort()).toEqual(
      [
        "get-durable-execution",
        "get-durable-execution-history",
        "invoke",
        "list-durable-executions-by-function",
        "send-durable-execution-callback-failure",
        "send-durable-execution-callback-heartbeat",
        "send-durable-execution-callback-success",
        "stop-durable-execution",
      ].sort(),
    );
    expect(commands.some((c) => c.words.includes("--status-filter"))).toBe(true);
    expect(commands.some((c) => c.words.includes("--durable-execution-name") && c.words[2] === "invoke")).toBe(true);
    expect(commands.some((c) => c.text.includes("'durable-fraud-check:$LATEST'"))).toBe(true);
  });

  it.each(commands.map((c) => [title(c), c] as const))("%s is one a test knows how to run", (_, command) => {
    expect(kindOf(command), command.text).not.toBe("unknown");
  });

  it.each(commands.map((c) => [title(c), c] as const))("%s is copy-paste safe in bash and zsh", (_, command) => {
    const allowed = kindOf(command) === "remove-model" ? ["~"] : [];
    expect(
      command.expansions.filter((found) => !allowed.includes(found)),
      command.text,
    ).toEqual([]);
    for (const word of command.words.filter((w) => /arn:aws:|\$LATEST|=$/.test(w))) {
      expect(command.text, `${word} is single-quoted`).toContain(`'${word}'`);
    }
  });
});

describe("module 10 guide: npm and clean-up commands", () => {
  afterEach(() => vi.unstubAllEnvs());

  const npmCommands = commands.filter((c) => kindOf(c) === "npm");
  it.each(npmCommands.map((c) => [title(c), c] as const))("%s runs against the recorder", async (_, command) => {
    const [, , script, separator, ...args] = command.words;
    const userArgs = separator === "--" ? args : [separator, ...args].filter((w): w is string => w !== undefined);
    const [runner, file, ...fixed] = (scripts[script ?? ""] ?? "").split(" ");
    expect(runner, `package.json has a script "${script}" run by node`).toBe("node");

    if (file === "infra/cdk-command.ts") {
      const plan = planCdkRun([...fixed, ...userArgs], () => undefined);
      expect(plan.action).toBe(fixed[0]);
      return;
    }
    const main = { "operate/invoke.ts": invokeMain, "operate/callback.ts": callbackMain }[file ?? ""];
    expect(main, `a known script file, got ${file}`).toBeDefined();
    const recorder = await startRecorder();
    stubAwsEnv();
    try {
      const io = captureIo();
      const code = await main!([...fixed, ...userArgs, "--endpoint-url", recorder.url], io);
      expect(code, io.stderr).toBe(0);
      expect(recorder.requests).toHaveLength(1);
      const [request] = recorder.requests as [RecordedRequest];
      if (file === "operate/callback.ts" && userArgs[0] === "approve") expect(request.body.toString()).toBe('{"approved":true}');
      if (file === "operate/callback.ts" && userArgs[0] === "decline") expect(request.body.toString()).toBe('{"approved":false}');
      if (file === "operate/invoke.ts") expect(request.headers["x-amz-invocation-type"]).toBe("Event");
    } finally {
      await recorder.close();
    }
  });
});

const clis = await findAwsClis();

describeEachAwsCli("module 10 guide: the AWS CLI commands, against @aws-sdk/client-lambda", clis, ({ path: aws }) => {
  const cliFlags = (url: string) => ["--endpoint-url", url, "--cli-connect-timeout", "5", "--cli-read-timeout", "15"];

  interface Outcome {
    cli: RunResult;
    cliRequests: RecordedRequest[];
    /** The same command without v2's --cli-binary-format, when v1 is installed. */
    plain?: { cli: RunResult; cliRequests: RecordedRequest[] };
  }

  let home: CliHome;
  let mistakeHome: CliHome;
  /** The guide's commands in one HOME, the add-model mistake in another: one Python process each for AWS CLI v1. */
  let cli: AwsCliRunner;
  let mistakeCli: AwsCliRunner;
  let addModel: RunResult;
  const outcomes = new Map<ShellCommand, Promise<Outcome>>();
  let mistake: Promise<{ wrongCopy: boolean; broken: RunResult; removed: boolean }>;
  let cleanUp: Promise<{ code: number | null; removed: boolean }>;

  const runs = new Map<string, Promise<{ cli: RunResult; cliRequests: RecordedRequest[] }>>();

  /** Runs a command once, however often the guide shows it. */
  function runAgainstRecorder(words: string[], isV2: boolean): Promise<{ cli: RunResult; cliRequests: RecordedRequest[] }> {
    const key = JSON.stringify(words);
    if (!runs.has(key)) runs.set(key, runOnce(words, isV2));
    return runs.get(key)!;
  }

  /** Each command gets a recorder of its own, so its requests are exactly the ones it sent. */
  async function runOnce(words: string[], isV2: boolean): Promise<{ cli: RunResult; cliRequests: RecordedRequest[] }> {
    const recorder = await startRecorder();
    try {
      const needsFlag = isV2 && words.some((w) => blobOptions.includes(w)) && !words.includes(v2Flag);
      const args = [...words.slice(1), ...(needsFlag ? [v2Flag, "raw-in-base64-out"] : []), ...cliFlags(recorder.url)];
      const result = await cli.run(args);
      return { cli: result, cliRequests: [...recorder.requests] };
    } finally {
      await recorder.close();
    }
  }

  function withoutV2Flag(words: readonly string[]): string[] {
    const at = words.indexOf(v2Flag);
    return at === -1 ? [...words] : [...words.slice(0, at), ...words.slice(at + 2)];
  }

  beforeAll(async () => {
    home = makeCliHome();
    mistakeHome = makeCliHome();
    cli = openAwsCli(aws, { env: home.env, cwd: repoRoot });
    mistakeCli = openAwsCli(aws, { env: mistakeHome.env, cwd: repoRoot });
    const addModelCommand = commands.find((c) => kindOf(c) === "add-model");
    if (!addModelCommand) throw new Error(`${guidePath} shows no aws configure add-model command`);
    addModel = await cli.run(addModelCommand.words.slice(1));

    // Which major version is installed? The guide's v2 command answers that for free: v1
    // refuses --cli-binary-format before sending anything. (Without one, ask --version.)
    const v2Command = commands.find((c) => kindOf(c) === "aws-operation" && c.words.includes(v2Flag));
    let isV2: boolean;
    if (v2Command) {
      const first = await runAgainstRecorder(v2Command.words, true);
      isV2 = first.cli.code === 0;
    } else {
      const version = await cli.run(["--version"]);
      isV2 = /aws-cli\/2\./.test(version.stdout + version.stderr);
    }

    for (const command of commands) {
      const kind = kindOf(command);
      if (kind === "aws-help") {
        outcomes.set(
          command,
          cli.run(command.words.slice(1)).then((r) => ({ cli: r, cliRequests: [] })),
        );
      }
      if (kind === "aws-operation") {
        outcomes.set(
          command,
          (async () => {
            const outcome: Outcome = await runAgainstRecorder(command.words, isV2);
            if (!isV2 && command.words.includes(v2Flag)) outcome.plain = await runAgainstRecorder(withoutV2Flag(command.words), false);
            return outcome;
          })(),
        );
      }
    }

    // Forgetting --service-name, in a HOME of its own: the model lands on `lambda` and hides
    // the built-in one until the guide's rm command takes it away.
    const removeLambda = commands.find((c) => kindOf(c) === "remove-model" && c.words[2]?.endsWith("/lambda"));
    mistake = (async () => {
      const recorder = await startRecorder();
      try {
        const wrong = addModelCommand.words.slice(1).filter((w, i, all) => w !== "--service-name" && all[i - 1] !== "--service-name");
        await mistakeCli.run(wrong);
        const wrongCopy = existsSync(
          join(mistakeHome.home, ".aws", "models", "lambda", String(model.metadata.apiVersion), "service-2.json"),
        );
        const listFunctions = ["lambda", "list-functions", ...cliFlags(recorder.url)];
        const broken = await mistakeCli.run(listFunctions);
        if (!removeLambda) throw new Error(`${guidePath} shows no command that removes ~/.aws/models/lambda`);
        await run("bash", ["-c", removeLambda.text], { env: mistakeHome.env, cwd: repoRoot });
        // With the folder gone, the CLI reads only its built-in lambda model again.
        const removed = !existsSync(join(mistakeHome.home, ".aws", "models", "lambda"));
        return { wrongCopy, broken, removed };
      } finally {
        await recorder.close();
      }
    })();

    // The guide's last step removes the model: only once every other command has run.
    const removeOurs = commands.find((c) => kindOf(c) === "remove-model" && c.words[2]?.endsWith("/durable-lambda"));
    cleanUp = Promise.allSettled([...outcomes.values()]).then(async () => {
      if (!removeOurs) throw new Error(`${guidePath} shows no command that removes ~/.aws/models/durable-lambda`);
      const result = await run("bash", ["-c", removeOurs.text], { env: home.env, cwd: repoRoot });
      return { code: result.code, removed: !existsSync(join(home.home, ".aws", "models", "durable-lambda")) };
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([...outcomes.values(), mistake, cleanUp]);
    await Promise.allSettled([cli?.close(), mistakeCli?.close()]);
    home?.remove();
    mistakeHome?.remove();
  });

  it("add-model, as the guide writes it, succeeds", () => {
    expect(addModel.code, addModel.stderr).toBe(0);
  });

  const helpCommands = commands.filter((c) => kindOf(c) === "aws-help");
  it.each(helpCommands.map((c) => [title(c), c] as const))(
    "%s lists the durable commands",
    async (_, command) => {
      const { cli: result } = await outcomes.get(command)!;
      expect(result.code, result.stderr).toBe(0);
      const text = result.stdout.replace(/.\x08/g, "");
      for (const name of [
        "invoke",
        "list-durable-executions-by-function",
        "send-durable-execution-callback-success",
        "stop-durable-execution",
      ]) {
        expect(text).toContain(name);
      }
    },
    60_000,
  );

  const operationCommands = commands.filter((c) => kindOf(c) === "aws-operation");
  it.each(operationCommands.map((c) => [title(c), c] as const))(
    "%s sends and prints what @aws-sdk/client-lambda does",
    async (_, command) => {
      let outcome = await outcomes.get(command)!;
      if (outcome.plain) {
        // AWS CLI v1 is installed: it must refuse v2's option, as the guide says...
        expect(outcome.cli.code, "AWS CLI v1 rejects --cli-binary-format").not.toBe(0);
        expect(outcome.cli.stderr).toContain(v2Flag);
        // ...and the rest of the command must work as on v2.
        outcome = outcome.plain;
      }
      const { cli: result, cliRequests } = outcome;
      expect(result.code, `${command.text}\n${result.stderr}`).toBe(0);
      expect(cliRequests, "the CLI sends one request").toHaveLength(1);

      const call = parseCliCall(withoutV2Flag(command.words), model, repoRoot);
      const recorder = await startRecorder();
      let sdkResult: Record<string, unknown>;
      try {
        sdkResult = await sendWithSdk(call, recorder.url);
      } finally {
        await recorder.close();
      }
      expect(recorder.requests, "the SDK sends one request").toHaveLength(1);

      const rawBody = hasBlobPayload(model, call.operation);
      const fromCli = comparable(cliRequests[0]!, rawBody);
      expect(fromCli).toEqual(comparable(recorder.requests[0]!, rawBody));
      expect(fromCli.signingScope).toEqual({ region: TEST_REGION, service: "lambda" });

      if (call.globals.query === undefined && call.globals.output === undefined) {
        const expected = sdkOutput(sdkResult);
        expect(cliOutput(result.stdout, expected), "the CLI prints every field the SDK reads").toEqual(expected);
      } else {
        expect(result.stdout.trim(), "the query prints something").not.toMatch(/^(|None|null)$/);
      }
      if (String(call.globals.query ?? "").includes("CallbackId")) {
        expect(result.stdout).toContain(sample.callbackIds.email);
        expect(result.stdout).toContain(sample.callbackIds.sms);
      }
    },
    60_000,
  );

  it("without --service-name, add-model hides the built-in lambda model; the guide's rm removes the copy", async () => {
    const { wrongCopy, broken, removed } = await mistake;
    expect(wrongCopy, "the model lands under ~/.aws/models/lambda").toBe(true);
    expect(broken.code, "aws lambda list-functions no longer exists").not.toBe(0);
    expect(broken.stderr).toContain("Invalid choice");
    expect(removed).toBe(true);
  }, 60_000);

  it("the guide's clean-up removes the model from HOME/.aws/models", async () => {
    const { code, removed } = await cleanUp;
    expect(code).toBe(0);
    expect(removed).toBe(true);
  }, 90_000);
});
