/**
 * How the checks run a tool (tsgo, Biome, dependency-cruiser, knip, markdownlint, remark, the
 * site build): in a child process, so that the checks run in parallel, from the repository,
 * colour off, its output collected by tinyexec. `npm run doctor` asks for versions the same way.
 */
import { x } from "tinyexec";
import { repoRoot } from "../manifest.ts";

export interface ToolRun {
  code: number | null;
  /** What it printed, stdout then stderr, trimmed. */
  output: string;
}

export async function runTool(command: string, args: string[]): Promise<ToolRun> {
  const result = await x(command, args, {
    throwOnError: false,
    // This environment exactly, colour off: the output goes into a failure's detail.
    inheritEnv: false,
    nodePath: false,
    nodeOptions: { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
  });
  return { code: result.exitCode ?? null, output: `${result.stdout}${result.stderr}`.trim() };
}

/** At most `count` lines of a tool's output, then how many more: a failure's detail stays readable. */
export const firstLines = (text: string, count = 40): string => {
  const lines = text.split("\n");
  return lines.length > count ? [...lines.slice(0, count), `… ${lines.length - count} more line(s)`].join("\n") : text;
};
