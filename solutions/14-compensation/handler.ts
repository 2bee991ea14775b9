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
    await context.step(`suspend-${id}`, () => payments.suspendCard(transaction), { retryStrategy: retries });
    done.push({ name: `reactivate-${id}`, undo: () => payments.reactivateCard(transaction) });

    // The same key on every attempt: a retry after a lost answer freezes nothing twice.
    await context.step(`freeze-${id}`, () => cardAccounts.freeze(transaction, { idempotencyKey: `freeze-${id}` }), {
      retryStrategy: retries,
    });
    done.push({ name: `unfreeze-${id}`, undo: () => cardAccounts.unfreeze(transaction, { idempotencyKey: `unfreeze-${id}` }) });

    const caseId = await context.step(`open-case-${id}`, () => fraudDepartment.openCase(transaction), { retryStrategy: retries });
    done.push({ name: `close-case-${id}`, undo: () => fraudDepartment.closeCase(caseId) });

    // The investigator answers a callback to accept the case: its id goes out with the hand-off,
    // a step of ours, so the callback is created first and awaited after.
    const [accepted, callbackId] = await context.createCallback(`accept-${id}`, { timeout: { seconds: acceptanceTimeoutSeconds() } });
    await context.step(`hand-off-${id}`, () => fraudDepartment.handOff(caseId, callbackId), { retryStrategy: retries });
    await accepted; // a refusal, or no answer in time, throws: the block is undone
    return handedOff(transaction);
  } catch (error) {
    context.logger.error(`Blocking the card of transaction ${id} failed; undoing what was done`, error);
    // Last done, first undone; each undo is a step of its own, so it runs once whatever replays follow.
    const undo = [...done].reverse();
    for (const { name, undo: call } of undo) await context.step(name, call);
    return rolledBack(
      transaction,
      undo.map(({ name }) => name),
      error,
    );
  }
});
