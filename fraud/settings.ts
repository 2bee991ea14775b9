/**
 * Durations the workflow reads from its environment when an execution runs.
 *
 * They are read per execution, not at import, so that a test or a learner can shorten a
 * one-day timeout to one second without reloading code, and so that a deployed function
 * picks up a changed environment variable on its next execution.
 */

/** Reads a whole number of seconds from `name`, falling back to `fallback` when it is unset. */
export function secondsFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`${name} must be a whole number of seconds, 1 or more; got ${JSON.stringify(raw)}`);
  }
  return seconds;
}

/** One day: how long the card holder has to answer, as in the FraudDetection sample. */
export const DEFAULT_VERIFICATION_TIMEOUT_SECONDS = 86_400;

/**
 * One hour: what an execution needs besides waiting for the card holder (scoring with
 * retries, the steps, replays). The deployed function's execution timeout and the local
 * endpoint's both add it to the verification timeout.
 */
export const EXECUTION_MARGIN_SECONDS = 3_600;

/** How long each verification channel waits for the card holder (`VERIFICATION_TIMEOUT_SECONDS`). */
export function verificationTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return secondsFromEnv("VERIFICATION_TIMEOUT_SECONDS", DEFAULT_VERIFICATION_TIMEOUT_SECONDS, env);
}

/** One day: how long a suspended transaction is held before the fraud team takes it (module 05). */
export const DEFAULT_REVIEW_HOLD_SECONDS = 86_400;

/** How long a suspended transaction is held for review (`REVIEW_HOLD_SECONDS`). */
export function reviewHoldSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return secondsFromEnv("REVIEW_HOLD_SECONDS", DEFAULT_REVIEW_HOLD_SECONDS, env);
}

/** One day: how long an investigator has to accept a case handed to them (module 14). */
export const DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS = 86_400;

/** How long an investigator has to accept a case (`ACCEPTANCE_TIMEOUT_SECONDS`). */
export function acceptanceTimeoutSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return secondsFromEnv("ACCEPTANCE_TIMEOUT_SECONDS", DEFAULT_ACCEPTANCE_TIMEOUT_SECONDS, env);
}

/** The risk scorer's own durable function (module 13), as deployed beside the fraud check. */
export const RISK_SCORER_FUNCTION_NAME = "durable-risk-scorer";

/**
 * The function the fraud check of module 13 invokes for a score (`RISK_SCORER_FUNCTION`): its
 * name or ARN with an alias, as durable functions are invoked. The CDK app sets it to the
 * deployed alias's ARN; locally it is the name the local runtime registers the scorer under.
 */
export function riskScorerFunction(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.RISK_SCORER_FUNCTION?.trim();
  return configured ? configured : `${RISK_SCORER_FUNCTION_NAME}:live`;
}
