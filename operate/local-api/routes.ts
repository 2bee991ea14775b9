/**
 * Which operation a request is for, read from `service.json`: the method and path of each
 * operation as the AWS CLI's model binds them, so the endpoint serves what the model sends and
 * nothing is written twice. Path labels arrive percent-encoded; an ARN or a callback id may
 * also arrive with its `/` unencoded, so those labels take everything up to the operation's
 * own last segment.
 */
import model from "../../service.json" with { type: "json" };

export interface RouteMatch {
  /** The operation's name in the model, `GetDurableExecutionHistory`. */
  name: string;
  params: Record<string, string>;
}

const routes = Object.entries(model.operations)
  .map(([name, { http }]) => {
    const labels: string[] = [];
    const pattern = http.requestUri.replace(/\{(\w+)\}|[^{]+/g, (literal, label?: string) => {
      if (label === undefined) return literal.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      labels.push(label);
      return label === "FunctionName" ? "([^/]+)" : "(.+)";
    });
    return { name, method: http.method, pattern: new RegExp(`^${pattern}$`), labels, length: http.requestUri.length };
  })
  // Longest first: `.../{DurableExecutionArn}/history` before `.../{DurableExecutionArn}`, which takes any tail.
  .sort((a, b) => b.length - a.length);

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** The operation for a method and raw (still encoded) path, or undefined. */
export function route(method: string, rawPath: string): RouteMatch | undefined {
  for (const candidate of routes) {
    const match = candidate.method === method ? candidate.pattern.exec(rawPath) : null;
    if (match)
      return { name: candidate.name, params: Object.fromEntries(candidate.labels.map((label, i) => [label, decode(match[i + 1] ?? "")])) };
  }
  return undefined;
}
