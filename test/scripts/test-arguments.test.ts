import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closingLines, jestPathArguments } from '../../scripts/test-arguments';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JestSummaryReporter = require('../../scripts/jest-summary-reporter');

const ALL_PASS = ['type-check', 'eslint', 'prettier'].map((name) => ({ name, passed: true }));

describe("npm test's arguments", () => {
  test('a test path selects part of the suite; options and their values do not', () => {
    expect(jestPathArguments(['test/config'])).toEqual(['test/config']);
    expect(jestPathArguments(['--ci', 'test/config', 'test/iam'])).toEqual(['test/config', 'test/iam']);
    expect(jestPathArguments([])).toEqual([]);
    expect(jestPathArguments(['-t', 'refuses', '--ci', '--maxWorkers', '2', '--seed=3'])).toEqual([]);
  });
});

describe("npm test's closing lines", () => {
  test("count jest's tests only, and name the static checks on a line of their own", () => {
    expect(closingLines({ numPassedTests: 1035, numFailedTests: 0 }, ALL_PASS)).toEqual([
      '1035 passed, 0 failed',
      'static checks: type-check, eslint, prettier passed',
    ]);
  });

  test('name a failed static check first', () => {
    const checks = ALL_PASS.map((c) => ({ ...c, passed: c.name !== 'eslint' }));
    expect(closingLines({ numPassedTests: 3, numFailedTests: 1 }, checks)).toEqual([
      '3 passed, 1 failed',
      'static checks: eslint failed; type-check, prettier passed',
    ]);
  });

  test('say the static checks were skipped for a partial run, and how to run them', () => {
    expect(closingLines({ numPassedTests: 40, numFailedTests: 0 }, 'skipped')).toEqual([
      '40 passed, 0 failed',
      'static checks skipped: a test path was given (npm test with no arguments runs them)',
    ]);
  });
});

test("the summary reporter writes jest's counts to the file npm test reads, and prints nothing", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'summary-')), 'jest-summary.json');
  const write = jest.spyOn(process.stdout, 'write');
  const before = process.env.JEST_SUMMARY_FILE;
  process.env.JEST_SUMMARY_FILE = file;
  try {
    new JestSummaryReporter().onRunComplete(new Set(), {
      numPassedTests: 7,
      numFailedTests: 2,
      numTotalTests: 9,
    });
  } finally {
    process.env.JEST_SUMMARY_FILE = before;
    if (before === undefined) delete process.env.JEST_SUMMARY_FILE;
  }
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
    numPassedTests: 7,
    numFailedTests: 2,
    numTotalTests: 9,
  });
  expect(write).not.toHaveBeenCalled();
  write.mockRestore();
  fs.rmSync(path.dirname(file), { recursive: true });
});
