/**
 * Every command in the README and in docs/ is run: the README's quick start by `.ci/run`, the rest
 * here. Each shell block runs in bash with `set -euo pipefail` (so a variable the block never sets fails it) in a scratch
 * directory holding the outputs file `cdk deploy` would write for the example configuration's prod
 * stack, and the example configuration, as a clone has it. Commands that need an AWS account are recorded by stubs (test/docs/command-stub.js), and
 * the test then checks each one: the operation exists in the service's API, and every resource it
 * names is the one the stack deployed. What needs no account runs for real.
 */
import * as cognitoIdentity from '@aws-sdk/client-cognito-identity';
import * as cognitoIdp from '@aws-sdk/client-cognito-identity-provider';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as iam from '@aws-sdk/client-iam';
import * as s3 from '@aws-sdk/client-s3';
import * as secretsManager from '@aws-sdk/client-secrets-manager';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as sqs from '@aws-sdk/client-sqs';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from '../../cli/verify/args';
import { config as exampleConfig } from '../../okta-config.example';
import { bundleCli } from '../../scripts/cli-bundle';
import { ENVIRONMENTS, environmentTemplate } from '../aws-model/environments';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The pages the README links for detail; their shell blocks run by the same rules. */
const DOCS = fs
  .readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => `docs/${f}`);
const STUBBED = ['aws', 'curl', 'jq', 'npm', 'npx'];

interface Call {
  readonly command: string;
  readonly args: readonly string[];
}

/** The shell blocks of a page, in order. Other blocks (```ts, ```python, ```text) are not run. */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

/** A block's commands, without comments: what a reader types. */
const commandLines = (block: string) =>
  block
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*/, '').trim())
    .filter(Boolean);

/** The SDK client package of each AWS CLI service the README calls, and the CLI's high-level
 * `s3` commands by the API operation they call (https://docs.aws.amazon.com/cli/latest/reference/s3/rb.html). */
const SDK_CLIENTS: Record<string, object> = {
  s3api: s3,
  'cognito-identity': cognitoIdentity,
  'cognito-idp': cognitoIdp,
  iam,
  logs,
  secretsmanager: secretsManager,
  dynamodb,
  sqs,
};
const S3_HIGH_LEVEL: Record<string, string> = { rb: 'DeleteBucket' };

/** `get-bucket-policy` -> `GetBucketPolicy`, as the CLI names API operations in kebab case. */
const operationName = (kebab: string) =>
  kebab
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

function operationExists(service: string, operation: string): boolean {
  if (service === 's3') return S3_HIGH_LEVEL[operation] !== undefined;
  const exports = SDK_CLIENTS[service] as Record<string, unknown> | undefined;
  if (!exports) return false;
  return typeof exports[`${S3_HIGH_LEVEL[operation] ?? operationName(operation)}Command`] === 'function';
}

const flag = (args: readonly string[], name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const prod = ENVIRONMENTS.find((e) => e.label === 'okta-config.example prod')!;
const stackName = `${exampleConfig.stackNamePrefix}-prod`;
const outputs = environmentTemplate(prod).outputs as Record<string, string>;

/** Each resource a command may name, with the value the deployed stack has for it. */
const RESOURCE_FLAGS: Record<string, (value: string) => boolean> = {
  '--bucket': (v) => v === outputs.BucketName || v === outputs.AccessLogBucketName,
  '--identity-pool-id': (v) => v === outputs.IdentityPoolId,
  '--identity-provider-name': (v) => v === outputs.OidcProviderArn,
  '--user-pool-id': (v) => v === outputs.UserPoolId,
  '--client-id': (v) => v === outputs.UserPoolClientId,
  '--domain': (v) => v === prod.raw.environments.prod.userPool?.domainPrefix,
  '--role-name': (v) => outputs.PresignRoleArn.endsWith(`:role/${v}`),
  '--name': (v) => v === exampleConfig.okta.webClientSecretName,
  '--region': (v) => v === prod.region,
  '--log-group-name-prefix': (v) => v === `${stackName}-`,
  '--stack': (v) => v === stackName,
};

/** Names the reader supplies, which no output holds. */
const READERS_OWN = new Set(['iam put-role-policy --role-name']);

/**
 * One block in bash under `set -euo pipefail`, as a reader's script would run it. No rc files and
 * no inherited stdin: bash sources /etc/bash.bashrc and ~/.bashrc, even non-interactive, when its
 * stdin is a socket (Node's default 'pipe' is one) and SHLVL is unset, as under some CI agents;
 * Debian's bashrc then fails under `set -u` on $PS1.
 */
function runBlock(block: string, env: Record<string, string | undefined>) {
  return spawnSync('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', block], {
    cwd: scratch,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

let scratch: string;
/** The README's blocks first (its first is the quick start), then each page's under docs/. */
const sources = [
  { file: 'README.md', text: README },
  ...DOCS.map((file) => ({ file, text: fs.readFileSync(path.join(ROOT, file), 'utf8') })),
];
const located = sources.flatMap(({ file, text }) => shellBlocks(text).map((block) => ({ file, block })));
const blocks = located.map((b) => b.block);
const results = new Map<number, { status: number | null; stdout: string; stderr: string; calls: Call[] }>();

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-readme-'));
  const bin = path.join(scratch, '.bin');
  fs.mkdirSync(bin);
  for (const command of STUBBED) {
    const stub = path.join(bin, command);
    fs.writeFileSync(
      stub,
      `#!/bin/sh\nexec "${process.execPath}" "${__dirname}/command-stub.js" ${command} "$@"\n`,
    );
    fs.chmodSync(stub, 0o755);
  }
  // The verifier runs from a bundle of its own, not dist/cli: test/package's `npm pack` rebuilds
  // dist/ (prepack) while this file runs beside it, and a fresh clone only has dist/ after `npm ci`.
  // Same entry point and esbuild options as the package build (scripts/cli-bundle.ts).
  const cli = path.join(scratch, '.cli', 'okta-s3-storage.js');
  bundleCli(cli);
  fs.writeFileSync(path.join(scratch, 'outputs.json'), JSON.stringify({ [stackName]: outputs }, null, 2));
  fs.copyFileSync(path.join(ROOT, 'okta-config.example.ts'), path.join(scratch, 'okta-config.example.ts'));
  for (const file of ['okta-id-token.jwt', 'user-pool-id-token.jwt'])
    fs.writeFileSync(path.join(scratch, file), '');
  blocks.forEach((block, index) => {
    if (index === 0) return; // the quick start: .ci/run runs it
    const callsFile = path.join(scratch, `calls-${index}.jsonl`);
    fs.writeFileSync(callsFile, '');
    const r = runBlock(block, {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      README_CALLS: callsFile,
      README_REPO: ROOT,
      README_CLI: cli,
      TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
      DEBUG: '',
    });
    const calls = fs
      .readFileSync(callsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Call);
    results.set(index, { status: r.status, stdout: r.stdout, stderr: r.stderr, calls });
  });
}, 60_000);

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const allCalls = () => [...results.values()].flatMap((r) => r.calls);
const callsOf = (command: string) => allCalls().filter((c) => c.command === command);

test('the quick start is exactly what .ci/run runs', () => {
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n');
  const quickStart = blocks[0]
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .flatMap((line) => line.split('&&').map((c) => c.trim()));
  expect(quickStart).toEqual(expect.arrayContaining(['npm ci', 'npx cdk synth', 'npm test']));
  for (const command of quickStart) expect(ci.some((line) => line.startsWith(command))).toBe(true);
});

test('npm ci is run once, by the quick start: no other block installs again', () => {
  const installs = located.filter(({ block }) =>
    commandLines(block).some((line) => /(^|&&\s*)npm ci\b/.test(line)),
  );
  expect(installs).toEqual([located[0]]);
  expect(located[0].file).toBe('README.md');
});

test("the README's steps at the top name only commands a shell block runs", () => {
  const steps = README.slice(
    README.indexOf('\n## From clone to users\n'),
    README.indexOf('\n## Prerequisites\n'),
  );
  const named = [...steps.matchAll(/`((?:npm|npx|cp) [^`]+)`/g)].map((m) => m[1]);
  expect(named.length).toBeGreaterThanOrEqual(6);
  const run = blocks.flatMap(commandLines);
  expect(named.filter((command) => !run.some((line) => line.includes(command)))).toEqual([]);
});

test('every other block runs to the end under set -u, without a stray error', () => {
  expect(results.size).toBe(blocks.length - 1);
  for (const [index, r] of results) {
    const { file } = located[index];
    expect({ file, block: index, status: r.status, stderr: r.stderr }).toEqual({
      file,
      block: index,
      status: 0,
      stderr: '',
    });
  }
});

test('the shells read no rc file, whatever stdin and SHLVL the test runner was started with', () => {
  const home = fs.mkdtempSync(path.join(scratch, 'home-'));
  fs.writeFileSync(path.join(home, '.bashrc'), 'echo read ~/.bashrc >&2\n');
  const r = runBlock('true', { HOME: home, SHLVL: undefined, SSH_CLIENT: '127.0.0.1 1 2' });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
});

test('npm run local is the script the browser test starts', () => {
  const runs = callsOf('npm').filter((c) => c.args[0] === 'run' && c.args[1] === 'local');
  expect(runs.length).toBeGreaterThan(0);
  const script: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.local;
  const started = fs.readFileSync(
    path.join(ROOT, 'test', 'browser', 'local-web-client.browser.test.ts'),
    'utf8',
  );
  // `exec`: npm forwards SIGINT/SIGTERM to its child, which must be node, not a shell (local.test.ts).
  expect(script).toBe('exec node -r ts-node/register scripts/local.ts');
  expect(started).toContain("['-r', 'ts-node/register', 'scripts/local.ts'");
});

test('every aws command names an operation the service has', () => {
  const aws = callsOf('aws');
  expect(aws.length).toBeGreaterThan(10);
  const unknown = aws.filter((c) => !operationExists(c.args[0], c.args[1])).map((c) => c.args.slice(0, 2));
  expect(unknown).toEqual([]);
});

test('every resource a command names is the one the stack deployed', () => {
  const named = allCalls().flatMap((c) =>
    c.args
      .map((a, i) => [a, c.args[i + 1]] as const)
      .filter(([a]) => a in RESOURCE_FLAGS && !READERS_OWN.has(`${c.args.slice(0, 2).join(' ')} ${a}`))
      .map(([a, value]) => ({ command: `${c.command} ${c.args.slice(0, 2).join(' ')}`, flag: a, value })),
  );
  expect(named.map((n) => n.flag)).toEqual(expect.arrayContaining(Object.keys(RESOURCE_FLAGS)));
  expect(named.filter((n) => !RESOURCE_FLAGS[n.flag](n.value ?? ''))).toEqual([]);
  // Resources in other positions: the bucket of `aws s3 rb`, the API of curl, the bootstrap target.
  expect(
    callsOf('aws')
      .filter((c) => c.args[1] === 'rb')
      .map((c) => c.args[2]),
  ).toEqual([`s3://${outputs.BucketName}`, `s3://${outputs.AccessLogBucketName}`]);
  expect(callsOf('curl').map((c) => c.args.at(-1))).toEqual([`${outputs.ApiUrl}uploads`]);
  const bootstrap = callsOf('npx').find((c) => c.args[1] === 'bootstrap');
  expect(bootstrap?.args[2]).toBe(`aws://${prod.raw.environments.prod.account}/${prod.region}`);
});

test('cdk is pointed at an environment the example configuration has, and writes the file verify reads', () => {
  const deploys = callsOf('npx').filter((c) => c.args[0] === 'cdk' && c.args[1] === 'deploy');
  expect(deploys.length).toBeGreaterThan(0);
  for (const d of deploys) {
    expect(Object.keys(exampleConfig.environments)).toContain(flag(d.args, '-c')?.replace(/^env=/, ''));
    expect(flag(d.args, '--outputs-file')).toBe('outputs.json');
  }
});

test('every verify command line parses, and the ones that need no account ran', () => {
  // What main() receives: the bin's arguments, or `npm run verify --`'s after the script's own `verify`.
  const verifies = [
    ...callsOf('npx')
      .filter((c) => c.args[0] === 'okta-s3-storage' && c.args[1] !== 'restore-offboarded')
      .map((c) => c.args.slice(1)),
    ...callsOf('npm')
      .filter((c) => c.args[1] === 'verify')
      .map((c) => ['verify', ...c.args.slice(3)]),
  ];
  expect(verifies.length).toBeGreaterThanOrEqual(6);
  for (const args of verifies) expect(() => parseArgs(args)).not.toThrow();
  const printed = [...results.values()].map((r) => r.stdout).join('');
  expect(printed).toContain('Usage: okta-s3-storage verify');
  const policy = JSON.parse(fs.readFileSync(path.join(scratch, 'verifier-policy.json'), 'utf8'));
  expect(policy.Statement.length).toBeGreaterThan(0);
  const putPolicy = callsOf('aws').find((c) => c.args[1] === 'put-role-policy')!;
  expect(flag(putPolicy.args, '--policy-document')).toBe('file://verifier-policy.json');
});

test('client-config ran on the outputs file and wrote the front-end configuration beside the web client', () => {
  const dir = path.join(scratch, 'examples', 'web', 'dist');
  const written = fs.readdirSync(dir);
  expect(written.sort()).toEqual(['amplify_outputs.json', 'okta-s3-client.json']);
  const text = written.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
  expect(text).toContain(outputs.IdentityPoolId);
  expect(text).toContain(outputs.BucketName);
});
