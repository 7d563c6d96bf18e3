/**
 * Where `npm test`'s time goes: each layer alone, one after another, then the whole command as it
 * runs them (vitest beside the static checks). The slowest test files are listed by their own time.
 * Then the edit loop and the whole command with what the runs keep between them
 * (node_modules/.cache/okta-s3-storage: IAM answers, templates, the packed tarball, the static
 * checks' caches) first warm, then removed, as on a fresh clone.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

const ROOT = path.join(__dirname, '..');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const SLOWEST_FILES = 6;
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'okta-s3-storage');

function seconds(command: string, args: string[]): number {
  const started = performance.now();
  execFileSync(command, args, { cwd: ROOT, stdio: 'ignore' });
  return (performance.now() - started) / 1000;
}

/** A test file in vitest's json report. */
interface TestFile {
  readonly name: string;
  readonly startTime: number;
  readonly endTime: number;
}

export function suiteLayersSection(): string[][] {
  const rows: string[][] = [];
  const add = (layer: string, s: number) => rows.push([layer, `${s.toFixed(1)} s`]);
  add('type-check (tsc --noEmit)', seconds(bin('tsc'), ['--noEmit', '-p', '.']));
  add('eslint', seconds(bin('eslint'), ['.']));
  add('prettier --check', seconds(bin('prettier'), ['--check', '.', '--log-level', 'warn']));

  const results = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-bench-')), 'vitest.json');
  add(
    'vitest (2 workers)',
    seconds(bin('vitest'), ['run', '--silent', '--reporter=json', `--outputFile=${results}`]),
  );
  const files: TestFile[] = JSON.parse(fs.readFileSync(results, 'utf8')).testResults;
  const slowest = files
    .map((f) => ({ name: path.relative(ROOT, f.name), s: (f.endTime - f.startTime) / 1000 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, SLOWEST_FILES);
  for (const file of slowest) add(`  ${file.name}`, file.s);

  add('npm test (vitest beside the static checks)', seconds('npm', ['test', '--silent']));
  add('npm run test:quick, caches warm', seconds('npm', ['run', 'test:quick', '--silent']));
  add('npm test, caches warm', seconds('npm', ['test', '--silent']));
  fs.rmSync(CACHE, { recursive: true, force: true });
  add('npm run test:quick, caches removed', seconds('npm', ['run', 'test:quick', '--silent']));
  fs.rmSync(CACHE, { recursive: true, force: true });
  add('npm test, caches removed', seconds('npm', ['test', '--silent']));
  return rows;
}
