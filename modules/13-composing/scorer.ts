import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { riskScorer } from "../../fraud/risk-scorer.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// Three attempts, 1 s then 2 s apart: the scorer's own retry policy, which no caller has to repeat.
const scorerRetries = createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 1 }, backoffRate: 2 });

/** The risk scorer as a durable function of its own: a transaction in, its score out. */
export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<number> => {
  const transaction = validateTransaction(event);
  // TODO 1: the scorer retries on its own now: call riskScorer.score inside a step named "score",
  // with scorerRetries as its retry strategy, so a flaky scoring service costs its callers nothing.
  return riskScorer.score(transaction);
});
