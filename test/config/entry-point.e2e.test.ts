import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The app's entry point and the config loader run as `cdk synth` runs them: in a process of their
 * own, through ts-node (load.test.ts covers the loader in-process).
 */
const ROOT = path.join(__dirname, '..', '..');

describe('the app entry point', () => {
  const runApp = (context: Record<string, unknown>) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', 'bin/okta-s3-storage.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
    });
    return { ...result, written: fs.readdirSync(outdir) };
  };

  test('fails synth with one message listing every bad field, and writes nothing', () => {
    const result = runApp({
      env: 'dev',
      'okta.issuer': 'http://insecure.example/',
      region: 'moon-1',
      'presign.maxUploadBytes': '0',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Invalid okta-s3-storage configuration (3 problems)');
    expect(result.stderr).toContain('okta.issuer: expected an https URL');
    expect(result.stderr).toContain('.region: expected an AWS region');
    expect(result.stderr).toContain('.presign.maxUploadBytes: expected an integer from 1 to 5368709120');
    expect(result.written).toEqual([]);
  });

  test('reads overrides from OKTA_S3_* environment variables too', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', 'bin/okta-s3-storage.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: '{}',
        CDK_OUTDIR: outdir,
        OKTA_S3_ENV: 'dev',
        OKTA_S3_REGION: 'mars-1',
      },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('.region: expected an AWS region such as eu-west-1, got "mars-1"');
  });

  test('prints the problems once, without a stack trace, and exits 1, as the README shows', () => {
    const result = runApp({ env: 'production', regoin: 'us-east-1' });
    expect(result.status).toBe(1);
    const expected = [
      'Invalid okta-s3-storage configuration (2 problems):',
      '  - -c regoin: not a configuration field; did you mean "region"?',
      '  - env: expected dev, prod, all (from -c env or OKTA_S3_ENV), got "production"',
    ];
    expect(result.stderr).toBe(`${expected.join('\n')}\n`);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('`npx cdk synth -c env=production -c regoin=us-east-1` prints:');
    expect(readme).toContain(expected.map((line) => `  ${line}`).join('\n'));
  });

  test('shows the stack trace when DEBUG is set', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-'));
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register', 'bin/okta-s3-storage.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: '{"env":"qa"}', CDK_OUTDIR: outdir, DEBUG: '1' },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/ConfigValidationError[\s\S]*\n\s+at /);
  });
});

describe('configuration errors, as ts-node reports them', () => {
  test('a TypeScript syntax error is one line with the file and position, not ts-node’s trace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-'));
    fs.writeFileSync(
      path.join(dir, 'okta-config.ts'),
      `export const config = {\n  stackNamePrefix: 'X'\n  okta: {},\n};\n`,
    );
    // As bin/ loads it: through ts-node, which reports the error.
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        'ts-node/register',
        '-e',
        `try { require('./app/config/load').loadConfig(${JSON.stringify(dir)}, () => undefined) } catch (e) { console.error(e.message) }`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'Invalid okta-s3-storage configuration (1 problem):',
      "  - okta-config.ts:3:3: TS1005: ',' expected.",
    ]);
  });
});
