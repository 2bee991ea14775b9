/**
 * Catches the JSON lines that `context.logger` writes straight to stdout and stderr.
 *
 * The SDK's logger prints structured JSON for CloudWatch. In tests and in `npm start` those
 * lines would break up the report, so the workshop takes them aside and shows them its way.
 */

/** One line written by `context.logger`. */
export interface DurableLogLine {
  level: string;
  message?: string;
  timestamp?: string;
  [field: string]: unknown;
}

function parseDurableLog(text: string): DurableLogLine | undefined {
  if (!text.startsWith("{") || !text.includes('"level"')) return undefined;
  try {
    const line: unknown = JSON.parse(text);
    const looksDurable = typeof line === "object" && line !== null && "level" in line && "executionArn" in line;
    return looksDurable ? (line as DurableLogLine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * From now on, hands every durable log line to `onLine` instead of printing it (or as well,
 * with `passThrough`). Returns the function that puts stdout and stderr back as they were.
 */
export function captureDurableLogs(onLine: (line: DurableLogLine) => void, { passThrough = false } = {}): () => void {
  const restores = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const line = typeof chunk === "string" ? parseDurableLog(chunk.trim()) : undefined;
      if (line) onLine(line);
      if (line && !passThrough) return true;
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    return () => {
      stream.write = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}
