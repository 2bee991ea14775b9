/**
 * The result a fraud-check execution returns, in the shape of the AWS FraudDetection sample.
 */
import type { Transaction } from "./transaction.ts";

export type Decision = "authorized" | "SentToFraudDept";
export type CustomerVerificationResult = "TransactionApproved" | "TransactionDeclined" | "NoCustomerResponse";

export interface FraudCheckResult {
  statusCode: 200;
  body: {
    transaction_id: number;
    amount: number;
    fraud_score: number;
    result: Decision;
    customerVerificationResult?: CustomerVerificationResult;
  };
}

function buildResult(
  transaction: Transaction,
  score: number,
  result: Decision,
  verification?: CustomerVerificationResult,
): FraudCheckResult {
  return {
    statusCode: 200,
    body: {
      transaction_id: transaction.id,
      amount: transaction.amount,
      fraud_score: score,
      result,
      ...(verification === undefined ? {} : { customerVerificationResult: verification }),
    },
  };
}

/** The transaction was authorized, automatically or because the card holder approved it. */
export function authorizedResult(transaction: Transaction, score: number, verification?: CustomerVerificationResult): FraudCheckResult {
  return buildResult(transaction, score, "authorized", verification);
}

/** The transaction went to the fraud department: high risk, declined, or unanswered. */
export function sentToFraudDeptResult(
  transaction: Transaction,
  score: number,
  verification?: CustomerVerificationResult,
): FraudCheckResult {
  return buildResult(transaction, score, "SentToFraudDept", verification);
}
