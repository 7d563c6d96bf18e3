/**
 * `npm test`: the static checks (type-check, eslint, prettier) run alongside vitest, whose workers
 * use every core, instead of before it. Every check runs on every full call, and the command fails
 * if any of them does. The static checks' output is shown once they finish, so it never interleaves
 * with vitest's. Extra arguments go to vitest; with a test path (`npm test -- test/config`) only
 * vitest runs, since the static checks look at the whole repository whatever part is being tested.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { closingLines, SUMMARY_FILE_VARIABLE, testPathArguments } from './test-arguments';

const root = path.join(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
/** Where the checks keep what they learnt between runs; `npm ci` starts it afresh. */
const CACHE = path.join(root, 'node_modules', '.cache', 'okta-s3-storage');

interface Outcome {
  readonly name: string;
  readonly code: number;
  readonly output: string;
  readonly seconds: number;
}

function run(name: string, command: string, args: string[], show: boolean): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: show ? 'inherit' : 'pipe', env: process.env });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('close', (code) =>
      resolve({ name, code: code ?? 1, output, seconds: (performance.now() - started) / 1000 }),
    );
  });
}

async function staticChecks(): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [name, command, args] of [
    // TypeScript 7, the native compiler: the same checks as the TypeScript 6 that ts-node and jsii
    // load as a library, in a third of the time. Called by path: both packages ship `tsc`.
    [
      'type-check',
      path.join(root, 'node_modules', 'typescript-native', 'bin', 'tsc'),
      ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', path.join(CACHE, 'tsc.tsbuildinfo')],
    ],
    // Each tool's own cache: a file is checked again when it, or the tool's configuration, changes.
    // No lint rule here reads type information, so one file's result depends on that file alone.
    ['eslint', bin('eslint'), ['.', '--cache', '--cache-location', path.join(CACHE, 'eslint') + path.sep]],
    [
      'prettier',
      bin('prettier'),
      ['--check', '.', '--log-level', 'warn', '--cache', '--cache-location', path.join(CACHE, 'prettier')],
    ],
  ] as const) {
    outcomes.push(await run(name, command, [...args], false));
  }
  return outcomes;
}

async function main(): Promise<number> {
  const browser = await run(
    'browser',
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/ensure-browser.ts'],
    true,
  );
  if (browser.code !== 0) return browser.code;

  const args = process.argv.slice(2);
  const partial = testPathArguments(args).length > 0;
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-test-')), 'summary.json');
  const reporters = ['--reporter=default', `--reporter=${path.join(__dirname, 'summary-reporter.ts')}`];
  process.env[SUMMARY_FILE_VARIABLE] = summaryFile;
  const [tests, checks] = await Promise.all([
    run('vitest', bin('vitest'), ['run', ...args, ...reporters], true),
    partial ? Promise.resolve([]) : staticChecks(),
  ]);
  for (const check of checks.filter((c) => c.code !== 0)) {
    process.stderr.write(`\n${check.name} failed:\n${check.output}\n`);
  }
  const timings = [...checks, tests].map((c) => `${c.name} ${c.seconds.toFixed(1)} s`).join(', ');
  process.stdout.write(`\n${timings}\n`);
  const counts = fs.existsSync(summaryFile) ? JSON.parse(fs.readFileSync(summaryFile, 'utf8')) : undefined;
  fs.rmSync(path.dirname(summaryFile), { recursive: true, force: true });
  const outcomes = checks.map((c) => ({ name: c.name, passed: c.code === 0 }));
  for (const line of closingLines(counts, partial ? 'skipped' : outcomes)) process.stdout.write(`${line}\n`);
  return tests.code !== 0 || outcomes.some((c) => !c.passed) ? 1 : 0;
}

main().then((code) => (process.exitCode = code));
