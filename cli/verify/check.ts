/** One row of the verifier's report. */
export interface CheckResult {
  /** Stable, dotted name, e.g. `bucket.versioning`. */
  readonly check: string;
  readonly expected: string;
  readonly found: string;
  readonly status: 'PASS' | 'FAIL' | 'SKIP';
  /** For a FAIL (or SKIP): the most likely cause and what to do, precise enough for a ticket. */
  readonly finding?: string;
}

export const pass = (check: string, expected: string, found: string): CheckResult => ({
  check,
  expected,
  found,
  status: 'PASS',
});

export const fail = (check: string, expected: string, found: string, finding: string): CheckResult => ({
  check,
  expected,
  found,
  status: 'FAIL',
  finding,
});

export const skip = (check: string, expected: string, reason: string): CheckResult => ({
  check,
  expected,
  found: 'not checked',
  status: 'SKIP',
  finding: reason,
});

/** PASS when `ok`, else FAIL with the finding. */
export const verdict = (
  check: string,
  ok: boolean,
  expected: string,
  found: string,
  finding: string,
): CheckResult => (ok ? pass(check, expected, found) : fail(check, expected, found, finding));

/** The name and message of an AWS SDK error (or any error), for the `found` column. */
export function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`;
}

/**
 * Runs one check; an unexpected SDK error becomes that check's FAIL rather than ending the run,
 * so one missing permission does not hide every other result.
 */
export async function guarded(
  check: string,
  expected: string,
  run: () => Promise<CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    return await run();
  } catch (error) {
    return [fail(check, expected, describeError(error), causeOfCallError(error))];
  }
}

/** Most likely cause of an AWS call that failed outright. */
export function causeOfCallError(error: unknown): string {
  const name = (error as { name?: string })?.name ?? '';
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(name))
    return "The verifier's own credentials lack this read permission: attach the policy from `verify --print-policy`.";
  if (/NotFound|NoSuch/i.test(name))
    return "The resource named in the outputs file does not exist in this account and region: check --region, the credentials' account, and that the outputs file is from the current deploy.";
  return "The call failed; the error above is AWS's own.";
}
