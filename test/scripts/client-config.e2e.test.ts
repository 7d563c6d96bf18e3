import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { bundleCli } from '../../scripts/cli-bundle';

/**
 * `client-config` run as the command the package ships (scripts/cli-bundle.ts), through the CLI's
 * dispatcher; client-config.test.ts covers its functions. Bundled once: a child then starts in a
 * tenth of a second.
 */
const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'client-config-cli-')), 'okta-s3-storage.js');
bundleCli(CLI);
const FIXTURE = path.join(__dirname, 'fixtures', 'outputs.json');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'client-config-'));

describe('client-config, the command', () => {
  test('the CLI fails with a clear message on a missing or broken file', () => {
    const dir = tmp();
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{ not json');
    const run = (file: string) =>
      spawnSync(process.execPath, [CLI, 'client-config', '--outputs', file], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const missing = run(path.join(dir, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('client-config: Outputs file not found');
    const bad = run(broken);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('is not valid JSON');
    for (const r of [missing, bad]) {
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('bad arguments: every problem once, a pointer to --help, exit 1, no stack trace', () => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'client-config', '--outptus', 'a.json', 'b.json', '--stack'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'client-config: unknown option --outptus; did you mean --outputs?',
      'client-config: --stack needs a value',
      'client-config: one outputs file, not 2: a.json b.json (see --help)',
    ]);
  });

  test('--help prints the options and exits 0, through the package bin’s dispatcher', () => {
    const r = spawnSync(process.execPath, [CLI, 'client-config', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: okta-s3-storage client-config [options]');
    expect(r.stdout).toContain('--outputs FILE');
    expect(r.status).toBe(0);
  });

  test('the outputs file as a positional argument still works, with one deprecation line', () => {
    const dir = tmp();
    const r = spawnSync(
      process.execPath,
      [CLI, 'client-config', FIXTURE, '--stack', 'OktaS3Storage-prod', '--out-dir', dir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `client-config: the outputs file as an argument is deprecated: use --outputs ${FIXTURE}`,
    ]);
    expect(r.status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['amplify_outputs.json', 'okta-s3-client.json']);
  });
});
