/**
 * `Marker` / `MaxItems` pagination, as the list, history and state operations page.
 *
 * A marker names the last item of the previous page (an execution's sequence number, an
 * event's id, an operation's position), so a page never repeats or skips an item when new
 * executions start or new events arrive between two calls.
 */
import { invalidParameter } from "./errors.ts";

export interface Page<T> {
  items: T[];
  nextMarker: string | undefined;
}

const encode = (key: number): string => Buffer.from(JSON.stringify({ after: key })).toString("base64url");

function decode(marker: string): number {
  try {
    const { after } = JSON.parse(Buffer.from(marker, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof after === "number" && Number.isInteger(after)) return after;
  } catch {
    // fall through
  }
  throw invalidParameter(`The marker "${marker}" is not valid. Pass the NextMarker of the previous response.`);
}

/** The page of `items` (already filtered and ordered) after `marker`, at most `maxItems` long. */
export function page<T>(items: readonly T[], keyOf: (item: T) => number, marker: string | undefined, maxItems: number): Page<T> {
  let start = 0;
  if (marker !== undefined && marker !== "") {
    const after = decode(marker);
    const at = items.findIndex((item) => keyOf(item) === after);
    if (at === -1) throw invalidParameter(`The marker "${marker}" does not match this request.`);
    start = at + 1;
  }
  const slice = items.slice(start, start + maxItems);
  const more = start + maxItems < items.length;
  const last = slice.at(-1);
  return { items: slice, nextMarker: more && last !== undefined ? encode(keyOf(last)) : undefined };
}
