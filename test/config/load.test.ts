import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  contextThenEnvironment,
  environmentVariableFor,
  givenOverrides,
  loadConfig,
} from '../../app/config/load';
import { testConfig } from '../support/config';

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
    expect(loaded.environments.map((e) => e.stackName)).toEqual(['TestStore-dev', 'TestStore-prod']);
    expect(loaded.usesPlaceholders).toBe(false);
  });

  test('falls back to the example; placeholders are decided by value, not by the file name', () => {
    const dir = projectWith({ 'okta-config.example.ts': { ...testConfig(), stackNamePrefix: 'Example' } });
    const loaded = loadConfig(dir, noContext);
    expect(loaded.environments[0].stackName).toBe('Example-dev');
    expect(loaded.usesPlaceholders).toBe(false);
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
    const {
      environments: [environment],
    } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k]);
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
    const {
      environments: [environment],
    } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k]);
    expect(environment).toMatchObject({
      account: '111111111111',
      workflows: { accountId: '222222222222' },
      okta: { clientIds: ['0oaONEclient00000001', '0oaTWOclient00000002'] },
      storage: { accessLogRetentionDays: 30 },
    });
  });

  test('a context value of the wrong kind is named by validation', () => {
    const context: Record<string, string> = {
      env: 'dev',
      'presign.urlExpirySeconds': 'ten',
      allowAnyOrigin: 'yes',
    };
    expect(() => loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) => context[k])).toThrow(
      /allowAnyOrigin: expected true or false, got "yes"[\s\S]*presign\.urlExpirySeconds: expected an integer from 60 to 1800, got "ten"/,
    );
  });

  test('an unknown environment is named as env, with the choices', () => {
    expect(() =>
      loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) =>
        k === 'env' ? 'production' : undefined,
      ),
    ).toThrow('env: expected dev, prod, all (from -c env or OKTA_S3_ENV), got "production"');
  });

  test('without env, or with env=all, every environment is built', () => {
    const project = projectWith({ 'okta-config.ts': testConfig() });
    for (const lookup of [noContext, (k: string) => (k === 'env' ? 'all' : undefined)]) {
      expect(loadConfig(project, lookup).environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    }
  });

  test('a field of one environment needs env when several are built', () => {
    expect(() =>
      loadConfig(projectWith({ 'okta-config.ts': testConfig() }), (k) =>
        k === 'region' ? 'eu-central-1' : undefined,
      ),
    ).toThrow('-c region: changes one environment; add -c env=<dev|prod>');
  });
});

describe('the web client from context', () => {
  test('-c webClient.enabled=true hosts it from the folder relative to the project, which must hold a build', () => {
    const dir = projectWith({ 'okta-config.ts': testConfig() });
    const context: Record<string, string> = { env: 'dev', 'webClient.enabled': 'true' };
    expect(() => loadConfig(dir, (k) => context[k])).toThrow(
      'environments.dev.webClient.path: no built web client in examples/web/dist (no index.html there); run `npm run build:web` first, or set webClient.enabled: false',
    );
    fs.mkdirSync(path.join(dir, 'build'));
    fs.writeFileSync(path.join(dir, 'build', 'index.html'), '<!doctype html>');
    const {
      environments: [environment],
    } = loadConfig(dir, (k) => ({ ...context, 'webClient.path': 'build' })[k]);
    expect(environment.webClient).toEqual({ enabled: true, path: path.join(dir, 'build') });
  });
});

describe('overrides that name no field', () => {
  const load =
    (context: Record<string, string>, env: Record<string, string> = {}) =>
    () =>
      loadConfig(
        projectWith({ 'okta-config.ts': testConfig() }),
        contextThenEnvironment((k) => context[k], env),
        givenOverrides(Object.keys(context), ['cli-telemetry'], env),
      );

  test('-c regoin=us-east-1 is refused with a suggestion', () => {
    expect(load({ env: 'dev', regoin: 'us-east-1' })).toThrow(
      '-c regoin: not a configuration field; did you mean "region"?',
    );
  });

  test('-c urlExpirySeconds=600 suggests the field with its section', () => {
    expect(load({ env: 'dev', urlExpirySeconds: '600' })).toThrow(
      '-c urlExpirySeconds: not a configuration field; did you mean "presign.urlExpirySeconds"?',
    );
  });

  test('an OKTA_S3_* variable that names no field is refused with a suggestion', () => {
    expect(load({}, { OKTA_S3_ENV: 'dev', OKTA_S3_REGOIN: 'us-east-1' })).toThrow(
      'OKTA_S3_REGOIN: not a configuration field; did you mean OKTA_S3_REGION?',
    );
  });

  test("CDK's own context keys pass: feature flags, lookups and cdk.json's settings", () => {
    const context = {
      env: 'dev',
      '@aws-cdk/aws-iam:minimizePolicies': 'true',
      'aws:cdk:enable-path-metadata': 'true',
      'availability-zones:account=123456789012:region=eu-west-1': '[]',
      'cli-telemetry': 'false',
    };
    expect(load(context)).not.toThrow();
  });

  test('problems of the overrides and of the file come in one message', () => {
    const config = testConfig();
    (config.environments.dev as unknown as Record<string, unknown>).regoin = 'x';
    expect(() =>
      loadConfig(
        projectWith({ 'okta-config.ts': config }),
        (k) => ({ env: 'dev', typo: '1' })[k],
        givenOverrides(['env', 'typo'], [], {}),
      ),
    ).toThrow(
      /\(2 problems\):\n {2}- -c typo: not a configuration field\n {2}- environments\.dev\.regoin: unknown key/,
    );
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
    const {
      environments: [environment],
    } = loadConfig(projectWith({ 'okta-config.ts': testConfig() }), lookup);
    expect(environment).toMatchObject({ name: 'prod', region: 'eu-central-1' });
  });
});

describe('configuration errors say where the value came from', () => {
  test('a bad value from -c or an OKTA_S3_* variable names its source', () => {
    const dir = projectWith({ 'okta-config.ts': testConfig() });
    const context: Record<string, string> = { env: 'prod', region: 'eu-wset-1' };
    let message = '';
    try {
      loadConfig(
        dir,
        contextThenEnvironment((k) => context[k], {
          OKTA_S3_PRESIGN_URL_EXPIRY_SECONDS: '99999',
          OKTA_S3_OKTA_ISSUER: 'http://x/',
        }),
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}- okta\.issuer: expected an https URL.*\(from OKTA_S3_OKTA_ISSUER\)$/),
      expect.stringMatching(/^ {2}- environments\.prod\.region: expected an AWS region.*\(from -c region\)$/),
      expect.stringMatching(
        /^ {2}- environments\.prod\.presign\.urlExpirySeconds: .*\(from OKTA_S3_PRESIGN_URL_EXPIRY_SECONDS\)$/,
      ),
    ]);
  });

  test('a file exporting another name than config gets a did-you-mean', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-config-'));
    fs.writeFileSync(
      path.join(dir, 'okta-config.ts'),
      `export const oktaConfig = ${JSON.stringify(testConfig())};\n`,
    );
    expect(() => loadConfig(dir, noContext)).toThrow(
      'okta-config.ts: exports no `config` (it exports oktaConfig); did you mean `config` instead of `oktaConfig`?',
    );
  });
});
