/**
 * What `npm test`'s arguments select, and the closing lines it prints: pure, for scripts/test.ts
 * and its tests.
 */

/** jest options whose value may follow as the next argument, so that value is no path. */
const OPTIONS_WITH_A_VALUE = new Set([
  '-t',
  '--testNamePattern',
  '-c',
  '--config',
  '-w',
  '--maxWorkers',
  '--reporters',
  '--outputFile',
  '--testTimeout',
  '--shard',
  '--seed',
  '--selectProjects',
  '--testPathIgnorePatterns',
]);

/** The test paths among jest's arguments (`npm test -- test/config` gives `test/config`). */
export function jestPathArguments(args: readonly string[]): string[] {
  return args.filter((arg, i) => !arg.startsWith('-') && !OPTIONS_WITH_A_VALUE.has(args[i - 1]));
}

export interface CheckOutcome {
  readonly name: string;
  readonly passed: boolean;
}

export interface JestCounts {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
}

/**
 * jest's own counts, then the static checks on a line of their own (they are not tests), or why
 * they did not run.
 */
export function closingLines(
  jest: JestCounts | undefined,
  checks: readonly CheckOutcome[] | 'skipped',
): string[] {
  const lines = jest ? [`${jest.numPassedTests} passed, ${jest.numFailedTests} failed`] : [];
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
