/**
 * A vitest reporter that writes the run's counts to $TEST_SUMMARY_FILE, for scripts/test.ts's
 * closing line. The json reporter would write them too, but prints where it wrote them.
 */
import * as fs from 'fs';
import type { Reporter, TestModule } from 'vitest/node';
import { RunCounts, SUMMARY_FILE_VARIABLE } from './test-arguments';

/** Passed and failed tests of the run (a skipped or pending test is neither). */
export function countTests(modules: ReadonlyArray<TestModule>): RunCounts {
  const states = modules.flatMap((m) => [...m.children.allTests()].map((t) => t.result().state));
  return {
    numPassedTests: states.filter((s) => s === 'passed').length,
    numFailedTests: states.filter((s) => s === 'failed').length,
    numTotalTests: states.length,
  };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const file = process.env[SUMMARY_FILE_VARIABLE];
    if (file) fs.writeFileSync(file, JSON.stringify(countTests(modules)));
  }
}
