import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { main } from '../../cli/verify/main';
import { Deployment, deploy, mockDeployment, testClients, withRoute3TeamFolders } from './deployed';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'cli', 'main.ts');
const GUARD = path.join(__dirname, 'support', 'no-network.ts');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-e2e-'));
const file = (name: string, content: string) => {
  const p = path.join(work, name);
  fs.writeFileSync(p, content);
  return p;
};

/**
 * An environment in which the default credential chain finds nothing and makes no request: no AWS_*
 * variables, empty config and credentials files, and the EC2 metadata lookup off
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-imds-credentials.html: AWS_EC2_METADATA_DISABLED).
 */
function noCredentialsEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    HOME: work,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: file('empty-config', ''),
    AWS_SHARED_CREDENTIALS_FILE: file('empty-credentials', ''),
  };
}

/** `npm run verify -- ...` as a child process, with any non-loopback connection refused and reported. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', '-r', GUARD, MAIN, 'verify', ...args], {
    cwd: ROOT,
    env: noCredentialsEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let d: Deployment;
let outputs: string;
beforeAll(() => {
  d = deploy();
  outputs = file('outputs.json', JSON.stringify({ [d.stackName]: d.outputs }));
});

describe('okta-s3-storage verify as a command', () => {
  test('the network guard reports and refuses a connection beyond loopback', () => {
    const r = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register', '-r', GUARD, '-e', "require('net').connect(443, '203.0.113.5')"],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toContain('NETWORK 203.0.113.5');
    expect(r.status).not.toBe(0);
  });

  test('--help prints the usage and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: okta-s3-storage verify [options]');
    expect(r.stdout).toContain('--print-policy');
  });

  test.each([
    ['an unknown option', ['--bogus'], 'okta-s3-storage verify: unknown option --bogus (see --help)'],
    [
      'an option without its value',
      ['--outputs'],
      'okta-s3-storage verify: --outputs needs a value (see --help)',
    ],
    [
      'a missing outputs file',
      ['--outputs', path.join(os.tmpdir(), 'no-such-outputs.json')],
      'Outputs file not found',
    ],
    ['an outputs file that is not JSON', ['--outputs', file('broken.json', '{"a":')], 'is not valid JSON'],
    [
      'a foreign outputs file',
      ['--outputs', file('foreign.json', '{"OtherApp":{"Url":"x"}}')],
      'Stack "OtherApp" is missing outputs: Region, BucketName',
    ],
    [
      'an unknown stack',
      ['--outputs', 'OUTPUTS', '--stack', 'Nope'],
      'Stack "Nope" is not in the outputs file',
    ],
    [
      'an unreadable token file',
      ['--outputs', 'OUTPUTS', '--okta-id-token', path.join(work, 'none.jwt')],
      '--okta-id-token: cannot read',
    ],
    [
      'a token file without a JWT',
      ['--outputs', 'OUTPUTS', '--user-pool-id-token', file('bad.jwt', 'not a token')],
      'does not hold a JWT',
    ],
    ['no AWS credentials', ['--outputs', 'OUTPUTS'], 'okta-s3-storage verify: no AWS credentials found'],
  ])('%s: one clear line on stderr, exit 1, no stack trace, no network', (_name, args, message) => {
    const r = cli(...args.map((a) => (a === 'OUTPUTS' ? outputs : a)));
    expect(r.stderr).not.toContain('NETWORK');
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(r.stderr).toMatch(/^okta-s3-storage verify: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });

  test('several bad arguments: each problem once, one line each, exit 1, nothing checked', () => {
    const r = cli('--bogus', '--region', 'moon-1', '--outputs');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'okta-s3-storage verify: unknown option --bogus',
      'okta-s3-storage verify: --outputs needs a value',
      'okta-s3-storage verify: --region: expected an AWS region such as eu-west-1, got "moon-1" (see --help)',
    ]);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });

  test('--print-policy needs no credentials and prints a policy scoped to the stack', () => {
    const r = cli('--outputs', outputs, '--print-policy');
    expect(r.status).toBe(0);
    const policy = JSON.parse(r.stdout);
    expect(policy.Version).toBe('2012-10-17');
    expect(JSON.stringify(policy)).toContain(`arn:aws:s3:::${d.outputs.BucketName}`);
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });
});

describe('a whole run against the deployed stack (AWS mocked, in process)', () => {
  let mocks: ReturnType<typeof mockDeployment>;
  beforeEach(() => {
    mocks = mockDeployment(d, withRoute3TeamFolders(d));
    mocks.sts.on(GetCallerIdentityCommand).resolves({
      UserId: 'AROAEXAMPLE:pipeline',
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/Pipeline/pipeline',
    });
  });
  afterEach(() => Object.values(mocks).forEach((m) => m.restore()));

  const api401 = (async () =>
    new Response('{"error":"Unauthorized","message":"Unauthorized"}', {
      status: 401,
    })) as unknown as typeof fetch;
  const run = async (...args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(['verify', '--outputs', outputs, ...args], {
      out: { write: (t: string) => (out += t) },
      err: { write: (t: string) => (err += t) },
      clients: () => testClients(api401),
    });
    return { code, out, err };
  };

  test('every read-only check passes: exit 0, one row per check, probes skipped', async () => {
    const r = await run();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n\d+ passed, 0 failed, 3 skipped: PASS\n$/);
  });

  test('one failed check: exit 1, and --json carries the same rows', async () => {
    mocks.s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    const r = await run('--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.passed).toBe(false);
    expect(json.results.filter((x: any) => x.status === 'FAIL')).toEqual([
      expect.objectContaining({ check: 'bucket.versioning', expected: 'Enabled', found: 'Suspended' }),
    ]);
  });

  test('credentials of another account: one line, exit 1', async () => {
    mocks.sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '999999999999', Arn: 'arn:aws:iam::999999999999:user/x', UserId: 'AIDA' });
    const r = await run();
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'okta-s3-storage verify: the credentials are for account 999999999999, but the stack is in account 123456789012\n',
    );
  });
});
