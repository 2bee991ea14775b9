/**
 * Property-based tests: whatever arrives, the fraud check either refuses it at once, naming the
 * field, or decides it exactly once. fast-check generates the inputs and shrinks a failure to
 * the smallest event that shows it.
 */
import * as fc from "fast-check";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { notifications } from "../fraud/notifications.ts";
import { payments } from "../fraud/payments.ts";
import { riskScorer } from "../fraud/risk-scorer.ts";
import { InvalidTransactionError, MAX_TEXT_LENGTH, validateTransaction } from "../fraud/transaction.ts";
import { handler } from "../solutions/08-timeouts/handler.ts";
import { repoRoot } from "../workshop/manifest.ts";
import { callbackReady } from "../workshop/testing/callbacks.ts";
import { guideFor } from "../workshop/testing/guidance.ts";
import { startFraudCheck, useLocalRuntime } from "../workshop/testing/local-runtime.ts";

const fields = ["event", "id", "amount", "location", "vendor", "score"];
/** The longest error message a bad event may produce: the field, the rule and a short quote. */
const MAX_MESSAGE = 200;

/** Values of every kind, some of them plausible for a field, most of them not. */
const anyValue = fc.oneof(
  fc.anything(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -7, 1.5, 1e300, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 53 + 2, Number.NaN, "12.50", ""),
  fc.string({ maxLength: 300 }),
);

/** Events shaped like a transaction, each field either valid or anything at all. */
const events = fc.record(
  {
    id: fc.oneof(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), anyValue),
    amount: fc.oneof(fc.double({ min: 0, max: 50_000, noNaN: true }), anyValue),
    location: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), anyValue),
    vendor: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), anyValue),
    score: fc.oneof(fc.integer({ min: 0, max: 5 }), anyValue),
  },
  { requiredKeys: [] },
);

describe("the transaction validator, on any input", () => {
  it("accepts a transaction whose every field keeps its promise, or refuses it naming one field briefly", () => {
    fc.assert(
      fc.property(fc.oneof(events, anyValue), (event) => {
        let transaction: ReturnType<typeof validateTransaction>;
        try {
          transaction = validateTransaction(event);
        } catch (error) {
          expect(error, "only InvalidTransactionError may come out").toBeInstanceOf(InvalidTransactionError);
          const { field, message } = error as InvalidTransactionError;
          expect(fields, "the error names a field of the event").toContain(field);
          expect(message.length, `a short message, quoting at most part of the value: ${message}`).toBeLessThanOrEqual(MAX_MESSAGE);
          return;
        }
        expect(Number.isSafeInteger(transaction.id) && transaction.id >= 1, "id is a positive safe integer").toBe(true);
        expect(Number.isFinite(transaction.amount) && transaction.amount >= 0, "amount is a finite number, 0 or more").toBe(true);
        expect(transaction.location.length, "location is capped").toBeLessThanOrEqual(MAX_TEXT_LENGTH);
        expect(transaction.vendor.length, "vendor is capped").toBeLessThanOrEqual(MAX_TEXT_LENGTH);
        expect([undefined, 1, 2, 3, 4, 5], "score is 1-5 or left to the scorer").toContain(transaction.score);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    // biome-ignore lint/correctness/noPrecisionLoss: the precision lost is what this case is about.
    ["9007199254740993, which JSON turns into 9007199254740992", 9007199254740993],
    ["0", 0],
    ["-7", -7],
    ["1.5", 1.5],
    ["1e300", 1e300],
    ["a string", "1001"],
  ])("refuses the id %s, so no two transactions share authorize-<id>", (_case, id) => {
    expect(() => validateTransaction({ id, amount: 10, location: "Oslo", vendor: "Kiosk" })).toThrow(/"id" must be a whole number/);
  });

  it("quotes at most a short part of a huge value", () => {
    const huge = "x".repeat(1_000_000);
    expect(() => validateTransaction({ id: huge, amount: 1, location: "Oslo", vendor: "Kiosk" })).toThrow(
      /^Invalid transaction: "id" must be a whole number from 1 to \d+, got "x{39}… \(1000002 characters\)$/,
    );
    expect(() => validateTransaction({ id: 1, amount: 1, location: huge, vendor: "Kiosk" })).toThrow(
      `"location" must be at most ${MAX_TEXT_LENGTH} characters, got 1000000`,
    );
  });
});

describe("the finished workflow, on any event", () => {
  const guide = guideFor(pathToFileURL(join(repoRoot, "solutions", "08-timeouts", "handler.ts")).href);
  useLocalRuntime({ concurrent: true, replayCheck: { guide, todos: {} } });
  // A medium-risk event waits for the card holder: these runs answer at once, and a silent
  // channel gives up after a second.
  beforeAll(() => {
    vi.stubEnv("VERIFICATION_TIMEOUT_SECONDS", "1");
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  const answers = fc.constantFrom({ approved: true }, { approved: false }, "not json", {
    ErrorType: "DeliveryFailed",
    ErrorMessage: "the channel is down",
  });

  it("fails naming a field with no side effect, or ends with exactly one decision", async () => {
    let next = 50_000;
    await fc.assert(
      fc.asyncProperty(events, answers, fc.constantFrom("SendVerificationEmail", "SendVerificationSMS"), async (event, answer, channel) => {
        // Each run gets an id of its own when its id is valid, so the fakes' records stay apart.
        const valid = typeof event.id === "number" && Number.isSafeInteger(event.id) && event.id >= 1;
        if (valid) next += 1;
        const id = valid ? next : event.id;
        const run = startFraudCheck(handler, { ...event, id });
        const asked = await callbackReady(run, channel, "").catch(() => undefined);
        if (asked && typeof answer === "object" && "ErrorType" in answer) await asked.sendCallbackFailure(answer);
        else if (asked) await asked.sendCallbackSuccess(typeof answer === "string" ? answer : JSON.stringify(answer));
        const execution = await run.finished;

        if (execution.getStatus() === "FAILED") {
          const { errorType, errorMessage } = execution.getError();
          expect(errorType, `only bad input may fail an execution: ${errorMessage}`).toBe("InvalidTransactionError");
          expect(
            payments.calls.filter((call) => call.transactionId === id),
            "no payment call for bad input",
          ).toEqual([]);
          expect(
            riskScorer.calls.filter((call) => call.transactionId === id),
            "no scoring for bad input",
          ).toEqual([]);
          expect(
            notifications.sent.filter((message) => message.transactionId === id),
            "no message for bad input",
          ).toEqual([]);
          return;
        }
        expect(execution.getStatus(), "a valid event always ends").toBe("SUCCEEDED");
        expect(payments.decisionsFor(id as number), "exactly one authorize-or-escalate call").toHaveLength(1);
        expect(
          payments.calls.filter((call) => call.transactionId === id && call.duplicate),
          "no repeated call",
        ).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });
});
