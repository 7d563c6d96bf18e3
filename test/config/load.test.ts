import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contextThenEnvironment, environmentVariableFor, loadConfig } from '../../lib/config/load';
import { testConfig } from '../support/config';

const ROOT = path.join(__dirname, '..', '..');

function projectWith(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-'));
  for (const [name, config] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), `export const config = ${JSON.stringify(config)};\n`);
  }
  return dir;
}

const noContext = () => undefined;

describe('loadConfig', () => {
  test('prefers okta-config.ts over the example', () => {
    const own = testConfig();
    const example = { ...testConfig(), stackNamePrefix: 'Example' };
    const loaded = loadConfig(
      projectWith({ 'okta-config.ts': own, 'okta-config.example.ts': example }),
      noContext,
    );
    expect(loaded.environment.stackName).toBe('TestStore-dev');
    expect(loaded.usesPlaceholders).toBe(false);
  });

  test('falls back to the example and says it holds placeholders', () => {
    const dir = projectWith({ 'okta-config.example.ts': { ...testConfig(), stackNamePrefix: 'Example' } });
    const loaded = loadConfig(dir, noContext);
    expect(loaded.environment.stackName).toBe('Example-dev');
    expect(loaded.usesPlaceholders).toBe(true);
    expect(loaded.source).toBe(path.join(dir, 'okta-config.example.ts'));
  });

  test('context picks the environment and overrides single fields, JSON-typed', () => {
    const context: Record<string, string> = {
      env: 'prod',
      region: 'eu-central-1',
      'presign.urlExpirySeconds': '600',
      allowedOrigins: '["https://a.example","https://b.example"]',
      'okta.issuer': 'https://other.okta.example',
    };
    const { environment } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k]);
    expect(environment).toMatchObject({
      name: 'prod',
      stackName: 'TestStore-prod',
      region: 'eu-central-1',
      allowedOrigins: ['https://a.example', 'https://b.example'],
      okta: { issuer: 'https://other.okta.example' },
      presign: { urlExpirySeconds: 600, maxUploadBytes: 100 * 1024 * 1024 },
      storage: { encryption: 'kms', removalPolicy: 'retain', noncurrentVersionExpirationDays: 90 },
    });
  });

  test('context values are read as their field kind: ids stay strings, lists may be comma-separated', () => {
    const context: Record<string, string> = {
      env: 'prod',
      account: '111111111111',
      'workflows.accountId': '222222222222',
      'okta.clientIds': '0oaONEclient00000001, 0oaTWOclient00000002',
      allowAnyOrigin: 'false',
      'storage.accessLogRetentionDays': '30',
    };
    const { environment } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k]);
    expect(environment).toMatchObject({
      account: '111111111111',
      workflows: { accountId: '222222222222' },
      okta: { clientIds: ['0oaONEclient00000001', '0oaTWOclient00000002'] },
      storage: { accessLogRetentionDays: 30 },
    });
  });

  test('a context value of the wrong kind is named by validation', () => {
    const context: Record<string, string> = { 'presign.urlExpirySeconds': 'ten', allowAnyOrigin: 'yes' };
    expect(() => loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k])).toThrow(
      /allowAnyOrigin: expected true or false, got "yes"[\s\S]*presign\.urlExpirySeconds: expected an integer from 60 to 1800, got "ten"/,
    );
  });

  test('an unknown environment fails, naming the choices', () => {
    expect(() =>
      loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => (k === 'env' ? 'qa' : undefined)),
    ).toThrow('defaultEnvironment: expected the name of an environment (dev, prod), got "qa"');
  });
});

describe('environment variable overrides', () => {
  test.each([
    ['env', 'OKTA_S3_ENV'],
    ['region', 'OKTA_S3_REGION'],
    ['presign.urlExpirySeconds', 'OKTA_S3_PRESIGN_URL_EXPIRY_SECONDS'],
    ['okta.clientIds', 'OKTA_S3_OKTA_CLIENT_IDS'],
    ['userPool.domainPrefix', 'OKTA_S3_USER_POOL_DOMAIN_PREFIX'],
  ])('%s is %s', (key, variable) => expect(environmentVariableFor(key)).toBe(variable));

  test('apply after -c context, and only when it is absent', () => {
    const lookup = contextThenEnvironment((k) => (k === 'region' ? 'eu-central-1' : undefined), {
      OKTA_S3_REGION: 'us-west-2',
      OKTA_S3_ENV: 'prod',
    });
    const { environment } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), lookup);
    expect(environment).toMatchObject({ name: 'prod', region: 'eu-central-1' });
  });
});

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
      env: { ...process.env, CDK_CONTEXT_JSON: '{}', CDK_OUTDIR: outdir, OKTA_S3_REGION: 'mars-1' },
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('.region: expected an AWS region such as eu-west-1, got "mars-1"');
  });
});
