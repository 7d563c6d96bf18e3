/**
 * What `npm test`'s arguments select, and the closing lines it prints: pure, for scripts/test.ts
 * and its tests.
 */

/** vitest options whose value may follow as the next argument, so that value is no path. */
const OPTIONS_WITH_A_VALUE = new Set([
  '-t',
  '--testNamePattern',
  '-c',
  '--config',
  '-r',
  '--root',
  '--dir',
  '--project',
  '--maxWorkers',
  '--pool',
  '--reporter',
  '--outputFile',
  '--testTimeout',
  '--shard',
  '--sequence.seed',
  '--exclude',
]);

/** The variable naming the file where scripts/summary-reporter.ts writes the run's counts. */
export const SUMMARY_FILE_VARIABLE = 'TEST_SUMMARY_FILE';

/** The test paths among vitest's arguments (`npm test -- test/config` gives `test/config`). */
export function testPathArguments(args: readonly string[]): string[] {
  return args.filter((arg, i) => !arg.startsWith('-') && !OPTIONS_WITH_A_VALUE.has(args[i - 1]));
}

export interface CheckOutcome {
  readonly name: string;
  readonly passed: boolean;
}

/** The test run's counts, as scripts/summary-reporter.ts writes them. */
export interface RunCounts {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numTotalTests?: number;
  /** Files failed in a hook or on import while their tests passed, plus unhandled errors. */
  readonly numErrorsOutsideTests?: number;
}

/**
 * The test runner's own counts, then the static checks on a line of their own (they are not
 * tests), or why they did not run.
 */
export function closingLines(
  tests: RunCounts | undefined,
  checks: readonly CheckOutcome[] | 'skipped',
): string[] {
  const outside = tests?.numErrorsOutsideTests
    ? `; ${tests.numErrorsOutsideTests} failed outside any test (a hook, an import or an unhandled error: see above)`
    : '';
  const lines = tests ? [`${tests.numPassedTests} passed, ${tests.numFailedTests} failed${outside}`] : [];
  if (checks === 'skipped') {
    return [...lines, 'static checks skipped: a test path was given (npm test with no arguments runs them)'];
  }
  const names = (passed: boolean) => checks.filter((c) => c.passed === passed).map((c) => c.name);
  const verdicts = [
    ...(names(false).length ? [`${names(false).join(', ')} failed`] : []),
    ...(names(true).length ? [`${names(true).join(', ')} passed`] : []),
  ];
  return [...lines, `static checks: ${verdicts.join('; ')}`];
}
