/**
 * A card transaction as it reaches the fraud check, and the rules for a valid one.
 *
 * Validation runs before any durable step so that bad input fails the execution
 * at once, with the offending field named, and no side effect ever runs.
 */

/** The event a fraud-check execution starts with. */
export interface Transaction {
  /** The transaction's id; it names the side-effect steps (`authorize-<id>`). */
  id: number;
  /** Amount in the card's currency; never negative. */
  amount: number;
  location: string;
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

  constructor(field: string, problem: string) {
    super(`Invalid transaction: "${field}" ${problem}`);
    this.field = field;
  }
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value);

/**
 * Checks an incoming event and returns it as a {@link Transaction}.
 *
 * @throws {@link InvalidTransactionError} naming the first field that is wrong.
 */
export function validateTransaction(event: unknown): Transaction {
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new InvalidTransactionError("event", "must be a JSON object with id, amount, location and vendor");
  }
  const { id, amount, location, vendor, score } = event as Record<string, unknown>;

  if (id === undefined || id === null) throw new InvalidTransactionError("id", "is missing");
  if (!isFiniteNumber(id)) throw new InvalidTransactionError("id", `must be a number, got ${JSON.stringify(id)}`);
  if (amount === undefined || amount === null) throw new InvalidTransactionError("amount", "is missing");
  if (!isFiniteNumber(amount)) {
    throw new InvalidTransactionError("amount", `must be a number, got ${JSON.stringify(amount)}`);
  }
  if (amount < 0) throw new InvalidTransactionError("amount", `must not be negative, got ${amount}`);
  if (typeof location !== "string") throw new InvalidTransactionError("location", "must be a string");
  if (typeof vendor !== "string") throw new InvalidTransactionError("vendor", "must be a string");
  if (score !== undefined && score !== null) {
    if (!isFiniteNumber(score) || !Number.isInteger(score) || score < 0 || score > 5) {
      throw new InvalidTransactionError("score", `must be a whole number from 0 to 5, got ${JSON.stringify(score)}`);
    }
  }

  const transaction: Transaction = { id, amount, location, vendor };
  if (isFiniteNumber(score) && score > 0) transaction.score = score;
  return transaction;
}
