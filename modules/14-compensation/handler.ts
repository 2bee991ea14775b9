import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import { cardAccounts } from "../../fraud/card-accounts.ts";
import { type CardBlockResult, handedOff, rolledBack } from "../../fraud/card-block.ts";
import { fraudDepartment } from "../../fraud/fraud-department.ts";
import { payments } from "../../fraud/payments.ts";
import { acceptanceTimeoutSeconds } from "../../fraud/settings.ts";
import { validateTransaction } from "../../fraud/transaction.ts";

// Three attempts a second apart: a blip is retried, an outage is not waited out.
const retries = createRetryStrategy({ maxAttempts: 3, initialDelay: { seconds: 1 }, backoffRate: 1 });

/** Something done, and how to undo it: the name of the undo step and what it calls. */
interface Compensation {
  name: string;
  undo: () => Promise<unknown>;
}

export const handler = withDurableExecution(async (event: unknown, context: DurableContext): Promise<CardBlockResult> => {
  const transaction = validateTransaction(event);
  const { id } = transaction;
  const done: Compensation[] = [];
  try {
    // TODO 1: once each step below has succeeded, push how to undo it onto `done`:
    // `reactivate-<id>` calls payments.reactivateCard, `unfreeze-<id>` cardAccounts.unfreeze,
    // `close-case-<id>` fraudDepartment.closeCase(caseId). Not before: what failed was not done.
    await context.step(`suspend-${id}`, () => payments.suspendCard(transaction), { retryStrategy: retries });

    // TODO 3: the bank's answer can get lost, and then the step retries a freeze that happened.
    // Give freeze (and unfreeze) an idempotency key that is the same on every attempt: `freeze-<id>`.
    await context.step(`freeze-${id}`, () => cardAccounts.freeze(transaction), { retryStrategy: retries });

    const caseId = await context.step(`open-case-${id}`, () => fraudDepartment.openCase(transaction), { retryStrategy: retries });

    // TODO 4: the investigator accepts (or refuses) the case by answering a callback whose id
    // goes out with the hand-off. Create it first with `context.createCallback`, named
    // `accept-<id>`, with acceptanceTimeoutSeconds() as its timeout; pass its id to handOff; then
    // await it: a refusal, or no answer in time, throws, and the block is undone.
    await context.step(`hand-off-${id}`, () => fraudDepartment.handOff(caseId), { retryStrategy: retries });
    return handedOff(transaction);
  } catch (error) {
    context.logger.error(`Blocking the card of transaction ${id} failed; undoing what was done`, error);
    // TODO 2: undo what was done, the last thing first: each compensation in `done`, in reverse
    // order, as a step of its own named by the compensation, so that it runs once.
    return rolledBack(transaction, [], error);
  }
});
