/* global process */
/**
 * A jest reporter that writes the run's counts to $JEST_SUMMARY_FILE, for scripts/test.ts's closing
 * line. `--json --outputFile` would write them too, but jest then always prints "Test results
 * written to: <path relative to the repository>", which pointed outside it. Plain JavaScript:
 * jest loads reporters with require, without its transform.
 */
const fs = require('fs');

class JestSummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_SUMMARY_FILE;
    if (!file) return;
    const { numPassedTests, numFailedTests, numTotalTests } = results;
    fs.writeFileSync(file, JSON.stringify({ numPassedTests, numFailedTests, numTotalTests }));
  }
}

module.exports = JestSummaryReporter;
