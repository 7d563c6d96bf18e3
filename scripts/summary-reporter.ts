/**
 * A vitest reporter that writes the run's counts to $TEST_SUMMARY_FILE, for scripts/test.ts's
 * closing line. The json reporter would write them too, but prints where it wrote them.
 */
import * as fs from 'fs';
import type { Reporter, TestModule } from 'vitest/node';
import { RunCounts, SUMMARY_FILE_VARIABLE } from './test-arguments';

/**
 * Passed and failed tests of the run (a skipped or pending test is neither), and the errors no
 * test owns: a file that failed in a hook or on import with all its tests passed, or an
 * unhandled error. Either fails the run, so the closing line must not read "0 failed" alone.
 */
export function countTests(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown> = [],
): RunCounts {
  const states = modules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state));
  const failedOutsideTests = modules.filter(
    (m) => m.state() === 'failed' && ![...m.children.allTests()].some((t) => t.result().state === 'failed'),
  ).length;
  return {
    numPassedTests: states.filter((s) => s === 'passed').length,
    numFailedTests: states.filter((s) => s === 'failed').length,
    numTotalTests: states.length,
    numErrorsOutsideTests: failedOutsideTests + unhandledErrors.length,
  };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown> = []): void {
    const file = process.env[SUMMARY_FILE_VARIABLE];
    if (file) fs.writeFileSync(file, JSON.stringify(countTests(modules, unhandledErrors)));
  }
}
