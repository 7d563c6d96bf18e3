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
        presign: { createApiGatewayLogRole: true, tracing: true },
        monitoring: { alarmEmails: ['oncall@files.prod.example'], refusedPerMinute: 50 },
        userPool: {
          domainPrefix: 'test-files-prod',
          callbackUrls: ['https://files.prod.example/callback'],
          logoutUrls: ['https://files.prod.example/'],
        },
        workflows: { accountId: '999988887777', externalId: 'test-external-id-1234' },
      },
    },
  } satisfies OktaS3Config);
}
