import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestModule } from 'vitest/node';
import SummaryReporter from '../../scripts/summary-reporter';
import { closingLines, SUMMARY_FILE_VARIABLE, testPathArguments } from '../../scripts/test-arguments';

const ALL_PASS = ['type-check', 'eslint', 'prettier'].map((name) => ({ name, passed: true }));

describe("npm test's arguments", () => {
  test('a test path selects part of the suite; options and their values do not', () => {
    expect(testPathArguments(['test/config'])).toEqual(['test/config']);
    expect(testPathArguments(['--ci', 'test/config', 'test/iam'])).toEqual(['test/config', 'test/iam']);
    expect(testPathArguments([])).toEqual([]);
    expect(
      testPathArguments(['-t', 'refuses', '--project', 'quick', '--maxWorkers', '2', '--sequence.seed=3']),
    ).toEqual([]);
  });
});

describe("npm test's closing lines", () => {
  test("count the runner's tests only, and name the static checks on a line of their own", () => {
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

  test('say when something failed outside any test, so "0 failed" never ends a failed run', () => {
    expect(
      closingLines({ numPassedTests: 1521, numFailedTests: 0, numErrorsOutsideTests: 1 }, ALL_PASS),
    ).toEqual([
      '1521 passed, 0 failed; 1 failed outside any test (a hook, an import or an unhandled error: see above)',
      'static checks: type-check, eslint, prettier passed',
    ]);
  });

  test('say the static checks were skipped for a partial run, and how to run them', () => {
    expect(closingLines({ numPassedTests: 40, numFailedTests: 0 }, 'skipped')).toEqual([
      '40 passed, 0 failed',
      'static checks skipped: a test path was given (npm test with no arguments runs them)',
    ]);
  });
});

/** A finished test file as vitest's reporters see it, holding tests in these states. */
const testModule = (...states: string[]) => moduleIn(states.includes('failed') ? 'failed' : 'passed', states);
const moduleIn = (moduleState: string, states: string[]) =>
  ({
    state: () => moduleState,
    children: {
      *allTests() {
        for (const state of states) yield { result: () => ({ state }) };
      },
    },
  }) as unknown as TestModule;

test("the summary reporter writes the run's counts to the file npm test reads, and prints nothing", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'summary-')), 'summary.json');
  const write = vi.spyOn(process.stdout, 'write');
  const before = process.env[SUMMARY_FILE_VARIABLE];
  process.env[SUMMARY_FILE_VARIABLE] = file;
  try {
    new SummaryReporter().onTestRunEnd(
      [
        testModule('passed', 'passed', 'failed', 'skipped'),
        testModule('passed', 'passed', 'passed', 'passed', 'passed', 'failed'),
        // An afterAll that failed while every test passed.
        moduleIn('failed', ['passed']),
        testModule('passed'),
      ],
      [new Error('unhandled')],
    );
  } finally {
    process.env[SUMMARY_FILE_VARIABLE] = before;
    if (before === undefined) delete process.env[SUMMARY_FILE_VARIABLE];
  }
  expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
    numPassedTests: 9,
    numFailedTests: 2,
    numTotalTests: 12,
    numErrorsOutsideTests: 2,
  });
  expect(write).not.toHaveBeenCalled();
  write.mockRestore();
  fs.rmSync(path.dirname(file), { recursive: true });
});
