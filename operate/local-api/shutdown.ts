/**
 * Stopping the endpoint (Ctrl+C, SIGTERM): it keeps executions in memory only, so whatever
 * has not ended is lost. It says so, naming each one, before it exits.
 */
import type { LocalApi, ShutdownReport } from "./server.ts";

export function describeShutdown({ running, ended }: ShutdownReport): string {
  const lines = [`Local endpoint stopped. ${ended} execution(s) had ended.`];
  if (running.length === 0) {
    lines.push("No execution was still running: nothing is lost.");
  } else {
    lines.push(`${running.length} execution(s) were still running and are lost (the local endpoint keeps nothing once it stops):`);
    for (const execution of running) lines.push(`  ${execution.name}  ${execution.status}  ${execution.arn}`);
    lines.push("Start them again with the same durable execution name once the endpoint is back.");
  }
  return `${lines.join("\n")}\n`;
}

/** Closes the endpoint and writes what was still running; returns the report. */
export async function shutdown(api: LocalApi, write: (text: string) => void): Promise<ShutdownReport> {
  const report = await api.close();
  write(describeShutdown(report));
  return report;
}
