import * as path from 'path';
import { OktaS3Config } from '../../app/config/types';

export const TEST_ISSUER = 'https://test.okta.example/oauth2/default';
export const TEST_CLIENT_IDS = ['0oaTESTspa0000000001', '0oaTESTnative0000002'];
export const TEST_ORIGINS = ['https://files.test.example', 'http://localhost:5173'];

/**
 * The dev environment's team folders: a read-write and a read group sharing `finance`, the
 * prefix-extension pair `fin`/`finance`, and a read-only folder.
 */
export const TEST_TEAM_FOLDERS = [
  { group: 'finance', access: 'read-write' },
  { group: 'Finance readers', folder: 'finance', access: 'read' },
  { group: 'fin', access: 'read-write' },
  { group: 'auditors', access: 'read' },
] as const;

/** A complete, valid configuration with two environments. Returns a fresh copy each call. */
export function testConfig(): OktaS3Config {
  return structuredClone({
    stackNamePrefix: 'TestStore',
    okta: {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      webClientId: '0oaTESTweb0000000003',
      webClientSecretName: 'test/okta-web-client-secret',
    },
    environments: {
      dev: {
        account: '123456789012',
        region: 'eu-west-1',
        allowedOrigins: TEST_ORIGINS,
        teamFolders: TEST_TEAM_FOLDERS,
        storage: {
          noncurrentVersionExpirationDays: 30,
          abortIncompleteMultipartUploadDays: 3,
          accessLogRetentionDays: 90,
          exposedMetadataKeys: ['original-name', 'checksum'],
        },
        presign: {
          urlExpirySeconds: 300,
          maxUploadBytes: 10 * 1024 * 1024,
          throttlingRateLimit: 10,
          throttlingBurstLimit: 20,
        },
        offboarding: { retentionDays: 30 },
        userPool: {
          domainPrefix: 'test-files-dev',
          callbackUrls: ['https://files.test.example/callback'],
          logoutUrls: ['https://files.test.example/'],
        },
      },
      prod: {
        account: '210987654321',
        region: 'us-east-1',
        allowedOrigins: ['https://files.prod.example'],
        storage: { encryption: 'kms' },
        malwareScanning: 'guardduty',
        presign: { createApiGatewayLogRole: true, tracing: true },
        monitoring: { alarmEmails: ['oncall@files.prod.example'], refusedPerMinute: 50 },
        userPool: {
          domainPrefix: 'test-files-prod',
          callbackUrls: ['https://files.prod.example/callback'],
          logoutUrls: ['https://files.prod.example/'],
        },
        workflows: { accountId: '999988887777', externalId: 'test-external-id-1234' },
        offboarding: {},
      },
    },
  } satisfies OktaS3Config);
}

/** A built web client for the tests: `npm run build:web`'s output stands in for nothing here. */
export const TEST_WEB_CLIENT_BUILD = path.join(__dirname, 'web-client-build');
/** The prod web client's own host name, and its us-east-1 certificate. */
export const TEST_WEB_DOMAIN = 'app.files.prod.example';
export const TEST_WEB_CERTIFICATE_ARN =
  'arn:aws:acm:us-east-1:210987654321:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

/**
 * The test configuration with the web client hosted in both environments: dev on CloudFront's own
 * domain, prod on a domain name of its own with a certificate. A variant, so the many tests of the
 * plain configuration keep their templates.
 */
export function webClientTestConfig(): OktaS3Config {
  const config = testConfig();
  const { dev, prod } = config.environments;
  return {
    ...config,
    environments: {
      dev: { ...dev, webClient: { enabled: true, path: TEST_WEB_CLIENT_BUILD } },
      prod: {
        ...prod,
        webClient: {
          enabled: true,
          path: TEST_WEB_CLIENT_BUILD,
          domainName: TEST_WEB_DOMAIN,
          certificateArn: TEST_WEB_CERTIFICATE_ARN,
        },
      },
    },
  };
}

/** The central bucket the Control Tower profile's data bucket logs to (in a Log Archive account). */
export const TEST_CENTRAL_ACCESS_LOGS = 'org-log-archive-s3-access-444455556666';

/** The test configuration with its prod environment under the Control Tower profile. */
export function controlTowerTestConfig(): OktaS3Config {
  const config = testConfig();
  const { prod } = config.environments;
  return {
    ...config,
    environments: {
      prod: {
        ...prod,
        compliance: 'control-tower',
        storage: { ...prod.storage, accessLogsBucketName: TEST_CENTRAL_ACCESS_LOGS },
      },
    },
  };
}

/** Each test environment's account and region: the values its pseudo parameters resolve to. */
export const TEST_ENVIRONMENT_PLACES = {
  dev: { account: testConfig().environments.dev.account!, region: testConfig().environments.dev.region },
  prod: { account: testConfig().environments.prod.account!, region: testConfig().environments.prod.region },
} as const;

/** Where the construct tests of the whole store deploy it. */
export const STORE_ENV = { account: '111122223333', region: 'eu-west-1' };

/** The user pool settings the construct tests of the whole store give it. */
export const STORE_USER_POOL = {
  webClientId: '0oaWEBclient00000001',
  webClientSecretName: 'okta/web-client-secret',
  callbackUrls: ['https://files.example.com/callback'],
  logoutUrls: ['https://files.example.com/'],
  domainPrefix: 'example-files',
};

/** The test configuration with share links and file requests on in prod (`presign.sharing`). */
export function sharingTestConfig(): OktaS3Config {
  const config = testConfig();
  const { prod } = config.environments;
  return {
    ...config,
    environments: { ...config.environments, prod: { ...prod, presign: { ...prod.presign, sharing: {} } } },
  };
}
