/**
 * An execution's history in the shape GetDurableExecutionHistory returns it.
 *
 * The local runtime already writes its history as the service's `Event`s (the checkpoint
 * server of the testing SDK builds them with the Lambda client's own types). What is left
 * here: drop the few fields the service model does not have, fill in the execution timeout,
 * add the events only the service writes (ExecutionStopped, ExecutionTimedOut), and leave
 * out payloads when `IncludeExecutionData` is false.
 */
import type { ErrorObject, Event } from "@aws-sdk/client-lambda";

/** Detail members the local runtime adds that the service's `Event` shape lacks. */
const notInModel: Record<string, string[]> = {
  CallbackStartedDetails: ["Input"],
};

/** Drops `Error`/`Result`/`Input` wrappers that carry no payload (the runtime writes `{ Payload: undefined }`). */
function withoutEmptyWrappers(details: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(details)) {
    if (value === undefined) continue;
    if (["Error", "Result", "Input"].includes(key) && typeof value === "object" && value !== null) {
      const wrapper = value as { Payload?: unknown; Truncated?: unknown };
      if (wrapper.Payload === undefined && wrapper.Truncated === undefined) continue;
    }
    out[key] = value;
  }
  return out;
}

export interface HistoryContext {
  /** The execution timeout the service would have written into ExecutionStarted. */
  executionTimeoutSeconds: number;
}

/** The runtime's events as the service shows them, oldest first. */
export function toServiceEvents(events: readonly Event[], context: HistoryContext): Event[] {
  return [...events]
    .sort((a, b) => (a.EventId ?? 0) - (b.EventId ?? 0))
    .map((event) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(event)) {
        if (value === undefined) continue;
        if (key.endsWith("Details") && typeof value === "object" && value !== null) {
          const details = { ...(value as Record<string, unknown>) };
          for (const member of notInModel[key] ?? []) delete details[member];
          out[key] = withoutEmptyWrappers(details);
        } else {
          out[key] = value;
        }
      }
      const started = out.ExecutionStartedDetails as { ExecutionTimeout?: number } | undefined;
      if (started && started.ExecutionTimeout === undefined) started.ExecutionTimeout = context.executionTimeoutSeconds;
      return out as Event;
    });
}

/** The event the service appends when an execution is stopped or times out. */
export function terminalEvent(
  events: readonly Event[],
  kind: "ExecutionStopped" | "ExecutionTimedOut",
  at: Date,
  error: ErrorObject,
): Event {
  const last = Math.max(0, ...events.map((event) => event.EventId ?? 0));
  const executionId = events.find((event) => event.EventType === "ExecutionStarted")?.Id;
  const details =
    kind === "ExecutionStopped"
      ? { ExecutionStoppedDetails: { Error: { Payload: error } } }
      : { ExecutionTimedOutDetails: { Error: { Payload: error } } };
  return { EventType: kind, EventId: last + 1, Id: executionId, EventTimestamp: at, ...details };
}

/** Leaves out inputs, results and error payloads, for `IncludeExecutionData=false`. */
export function withoutExecutionData(events: readonly Event[]): Event[] {
  return events.map((event) => {
    const out: Record<string, unknown> = { ...event };
    for (const [key, value] of Object.entries(event)) {
      if (!key.endsWith("Details") || typeof value !== "object" || value === null) continue;
      const details: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const member of ["Input", "Result", "Error"]) {
        const wrapper = details[member] as { Payload?: unknown } | undefined;
        if (wrapper && typeof wrapper === "object") details[member] = { ...wrapper, Payload: undefined };
      }
      out[key] = withoutEmptyWrappers(details);
    }
    return out as Event;
  });
}
