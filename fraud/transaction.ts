/**
 * A card transaction as it reaches the fraud check, and the rules for a valid one.
 *
 * Validation runs before any durable step so that bad input fails the execution
 * at once, with the offending field named, and no side effect ever runs.
 */

/** The event a fraud-check execution starts with. */
export interface Transaction {
  /** The transaction's id, a positive safe integer; it names the side-effect steps (`authorize-<id>`). */
  id: number;
  /** Amount in the card's currency; never negative. */
  amount: number;
  /** At most {@link MAX_TEXT_LENGTH} characters. */
  location: string;
  /** At most {@link MAX_TEXT_LENGTH} characters. */
  vendor: string;
  /**
   * A risk score from 1 to 5 that skips the scorer (tests and learners use it to
   * force a branch). Missing or 0 means: ask the risk scorer.
   */
  score?: number;
}

/** Thrown when the event is not a valid {@link Transaction}; `field` says which part is wrong. */
export class InvalidTransactionError extends Error {
  override readonly name = "InvalidTransactionError";
  readonly field: string;
  /** What is wrong with it, without the field: `must not be negative, got -20`. */
  readonly problem: string;

  constructor(field: string, problem: string) {
    super(`Invalid transaction: "${field}" ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

const isFiniteNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/**
 * The longest `location` or `vendor` accepted. A step name and every result carry the
 * transaction, and checkpoints are capped (256 KB), so free text is kept short.
 */
export const MAX_TEXT_LENGTH = 200;

/** How much of a bad value an error message quotes: enough to recognise it, never megabytes. */
const QUOTE_LENGTH = 40;

/** A bad value as an error message shows it: JSON, cut to a few dozen characters. */
export function quoted(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}… (${text.length} characters)` : text;
}

function text(field: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidTransactionError(field, `must be a string, got ${quoted(value)}`);
  if (value.length > MAX_TEXT_LENGTH) {
    throw new InvalidTransactionError(field, `must be at most ${MAX_TEXT_LENGTH} characters, got ${value.length}`);
  }
  return value;
}

/**
 * Checks an incoming event and returns it as a {@link Transaction}.
 *
 * The id names the side-effect steps and the payment system's idempotency keys
 * (`authorize-<id>`), so it must be a whole number that survives JSON exactly: a positive
 * safe integer. 9007199254740993 would arrive as 9007199254740992 and share its steps.
 *
 * @throws {@link InvalidTransactionError} naming the first field that is wrong.
 */
export function validateTransaction(event: unknown): Transaction {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new InvalidTransactionError("event", `must be a JSON object with id, amount, location and vendor, got ${quoted(event)}`);
  }
  const { id, amount, location, vendor, score } = event as Record<string, unknown>;

  if (id === undefined || id === null) throw new InvalidTransactionError("id", "is missing");
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1) {
    throw new InvalidTransactionError("id", `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, got ${quoted(id)}`);
  }
  if (amount === undefined || amount === null) throw new InvalidTransactionError("amount", "is missing");
  if (!isFiniteNumber(amount)) throw new InvalidTransactionError("amount", `must be a number, got ${quoted(amount)}`);
  if (amount < 0) throw new InvalidTransactionError("amount", `must not be negative, got ${quoted(amount)}`);
  const checkedLocation = text("location", location);
  const checkedVendor = text("vendor", vendor);
  if (score !== undefined && score !== null) {
    if (!isFiniteNumber(score) || !Number.isInteger(score) || score < 0 || score > 5) {
      throw new InvalidTransactionError("score", `must be a whole number from 0 to 5, got ${quoted(score)}`);
    }
  }

  const transaction: Transaction = { id, amount, location: checkedLocation, vendor: checkedVendor };
  if (isFiniteNumber(score) && score > 0) transaction.score = score;
  return transaction;
}
