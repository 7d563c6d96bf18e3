/**
 * `npm test`: the static checks (type-check, eslint, prettier) run alongside jest, whose workers
 * use every core, instead of before it. Nothing is dropped: every check runs on every call, and the
 * command fails if any of them does. The static checks' output is shown once they finish, so it
 * never interleaves with jest's. Extra arguments go to jest (e.g. `npm test -- test/config`).
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

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
    // TypeScript 7, the native compiler: the same checks as the TypeScript 6 that ts-node, ts-jest
    // and jsii load as a library, in a third of the time. Called by path: both packages ship `tsc`.
    [
      'type-check',
      path.join(root, 'node_modules', 'typescript-native', 'bin', 'tsc'),
      ['--noEmit', '-p', '.'],
    ],
    ['eslint', bin('eslint'), ['.']],
    ['prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']],
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

  const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-test-')), 'jest.json');
  const [jest, checks] = await Promise.all([
    run('jest', bin('jest'), ['--json', '--outputFile', results, ...process.argv.slice(2)], true),
    staticChecks(),
  ]);
  for (const check of checks.filter((c) => c.code !== 0)) {
    process.stderr.write(`\n${check.name} failed:\n${check.output}\n`);
  }
  const timings = [...checks, jest].map((c) => `${c.name} ${c.seconds.toFixed(1)} s`).join(', ');
  process.stdout.write(`\n${timings}\n`);
  const summary = fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, 'utf8')) : undefined;
  const failedChecks = checks.filter((c) => c.code !== 0).length;
  if (summary) {
    // The plain closing line, counting each static check as one test.
    const passed = summary.numPassedTests + checks.length - failedChecks;
    process.stdout.write(`${passed} passed, ${summary.numFailedTests + failedChecks} failed\n`);
  }
  return jest.code !== 0 || failedChecks > 0 ? 1 : 0;
}

main().then((code) => (process.exitCode = code));
