import { TEST_ISSUER } from '../support/config';
import { bucketPolicyOf, decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { resolvedStack } from './stack-under-test';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';

/**
 * Uploads that routes 1 and 2 sign themselves, with whatever encryption headers the user chooses,
 * decided by the synthesized identity policies and bucket policy. S3 authorizes PutObject, CopyObject
 * and CreateMultipartUpload as `s3:PutObject`, with the encryption headers as the condition keys
 * `s3:x-amz-server-side-encryption` and `s3:x-amz-server-side-encryption-aws-kms-key-id`
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 * The presign Lambda signs no encryption header (lambda/presign/s3.ts), so its URLs are the
 * "no header" case.
 */
const SUB = '00uOwnUser000000001';
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const ALGORITHM = 's3:x-amz-server-side-encryption';
const KEY_ID = 's3:x-amz-server-side-encryption-aws-kms-key-id';

function uploader(env: 'dev' | 'prod', route: 'identity pool' | 'web identity') {
  const { template, ids } = resolvedStack(env);
  const roleId = route === 'identity pool' ? ids.identityPoolRole : ids.webIdentityRole;
  const identity: Record<string, string> =
    route === 'identity pool'
      ? { 'aws:PrincipalTag/okta_sub': SUB }
      : { [`${issuerKeyPrefix(TEST_ISSUER)}:sub`]: SUB };
  const keyIds = Object.keys(template.resources).filter(
    (id) => template.resources[id].Type === 'AWS::KMS::Key',
  );
  const keyArn = keyIds.length === 1 ? template.getAtt(keyIds[0], 'Arn') : undefined;
  const put = (headers: Record<string, string>) =>
    decide({
      identityPolicies: identityPoliciesOf(template, roleId),
      resourcePolicy: bucketPolicyOf(template, ids.dataBucket),
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${template.ref(ids.dataBucket)}/users/${SUB}/report.pdf`,
      principal: sessionArnOf(template, roleId, 'uploader'),
      context: { ...TLS, ...identity, ...headers },
    });
  return { put, keyArn, otherKeyArn: keyArn?.replace(/key\/.*$/, 'key/0000aaaa-other-key') };
}

describe.each(['identity pool', 'web identity'] as const)('SSE-KMS bucket (prod), %s route', (route) => {
  const { put, keyArn, otherKeyArn } = uploader('prod', route);

  test('the prod-like template has exactly one KMS key', () => {
    expect(keyArn).toMatch(/^arn:aws:kms:us-east-1:210987654321:key\//);
  });

  test('an upload that names no encryption is allowed (it gets the bucket default)', async () => {
    expect(await put({})).toBe('Allowed');
  });

  test('aws:kms with this key, named by its ARN, is allowed', async () => {
    expect(await put({ [ALGORITHM]: 'aws:kms', [KEY_ID]: keyArn! })).toBe('Allowed');
  });

  test('another algorithm is denied: AES256, DSSE-KMS', async () => {
    expect(await put({ [ALGORITHM]: 'AES256' })).toBe('ExplicitlyDenied');
    expect(await put({ [ALGORITHM]: 'aws:kms:dsse', [KEY_ID]: keyArn! })).toBe('ExplicitlyDenied');
  });

  test('another key is denied, by ARN, by alias, and the AWS managed key (aws:kms without a key id)', async () => {
    expect(await put({ [ALGORITHM]: 'aws:kms', [KEY_ID]: otherKeyArn! })).toBe('ExplicitlyDenied');
    expect(await put({ [ALGORITHM]: 'aws:kms', [KEY_ID]: 'alias/mine' })).toBe('ExplicitlyDenied');
    expect(await put({ [ALGORITHM]: 'aws:kms' })).toBe('ExplicitlyDenied');
  });

  test('a key id header alone, naming another key, is denied', async () => {
    expect(await put({ [KEY_ID]: otherKeyArn! })).toBe('ExplicitlyDenied');
  });

  test('a customer-provided key (SSE-C) is denied', async () => {
    expect(await put({ 's3:x-amz-server-side-encryption-customer-algorithm': 'AES256' })).toBe(
      'ExplicitlyDenied',
    );
  });
});

describe('SSE-S3 bucket (dev), web identity route', () => {
  const { put, keyArn } = uploader('dev', 'web identity');
  const someKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  test('has no KMS key; no header and AES256 are allowed', async () => {
    expect(keyArn).toBeUndefined();
    expect(await put({})).toBe('Allowed');
    expect(await put({ [ALGORITHM]: 'AES256' })).toBe('Allowed');
  });

  test('any KMS encryption is denied', async () => {
    expect(await put({ [ALGORITHM]: 'aws:kms' })).toBe('ExplicitlyDenied');
    expect(await put({ [ALGORITHM]: 'aws:kms', [KEY_ID]: someKeyArn })).toBe('ExplicitlyDenied');
    expect(await put({ [KEY_ID]: someKeyArn })).toBe('ExplicitlyDenied');
  });
});
