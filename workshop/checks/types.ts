/** One verdict of the maintainer check (`npm test`). */
export interface CheckResult {
  /** Which part of the check: "structure", "types", "solution 01", … */
  group: string;
  name: string;
  ok: boolean;
  /** What went wrong, and where; printed under a failed check. */
  detail?: string;
  /** A skipped check counts as neither passed nor failed, and says why. */
  skipped?: boolean;
}
