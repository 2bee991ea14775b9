/**
 * Reading the card holder's answer to a verification request.
 *
 * The answer arrives as the raw string sent to the callback. The FraudDetection sample
 * treated any answer as approval; here only `{"approved": true}` approves.
 */

export type CustomerAnswer = "approved" | "declined";

/** `"approved"` only for a JSON object whose `approved` is `true`; anything else declines. */
export function parseCustomerAnswer(raw: string | undefined): CustomerAnswer {
  if (raw === undefined) return "declined";
  try {
    const answer: unknown = JSON.parse(raw);
    const approved = typeof answer === "object" && answer !== null && (answer as { approved?: unknown }).approved === true;
    return approved ? "approved" : "declined";
  } catch {
    return "declined";
  }
}
