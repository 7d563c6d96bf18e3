import { TEST_ISSUER } from '../support/config';
import { decide, identityPoliciesOf, PolicyDocument, sessionArnOf } from '../../emulator/iam/simulate';
import { resolvedStack } from './stack-under-test';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';

/**
 * Who may use the data bucket's KMS key, decided by the synthesized identity policies together
 * with the synthesized key policy (the key's resource policy). Rules encoded:
 * - When S3 calls KMS for SSE-KMS on a caller's behalf, the request carries
 *   `kms:ViaService` = `s3.<region>.amazonaws.com`; a direct call carries none
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 * - S3's encryption context is `aws:s3:arn` = the object ARN, or with an S3 Bucket Key the bucket
 *   ARN (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context).
 *   The prod-like stack enables bucket keys, so the bucket ARN is what S3 sends for new objects.
 */
const { template, ids } = resolvedStack('prod');
const keyId = Object.keys(template.resources).find((id) => template.resources[id].Type === 'AWS::KMS::Key')!;
const keyArn = template.getAtt(keyId, 'Arn');
const keyPolicy = template.resources[keyId].Properties.KeyPolicy as PolicyDocument;
const bucketArn = `arn:aws:s3:::${template.ref(ids.dataBucket)}`;
const VIA_S3 = `s3.${template.env.region}.amazonaws.com`;
const SUB = '00uOwnUser000000001';

type Context = Record<string, string>;
const viaS3For = (arn: string): Context => ({
  'kms:ViaService': VIA_S3,
  'kms:EncryptionContext:aws:s3:arn': arn,
});

function keyUse(roleId: string, identity: Context = {}) {
  return (action: string, context: Context) =>
    decide({
      identityPolicies: identityPoliciesOf(template, roleId),
      resourcePolicy: keyPolicy,
      action,
      resource: keyArn,
      principal: sessionArnOf(template, roleId, 'key-user'),
      context: { 'aws:SecureTransport': 'true', ...identity, ...context },
    });
}

const PRINCIPALS: [string, ReturnType<typeof keyUse>][] = [
  ['Workflows connector role', keyUse(ids.workflowsRole)],
  ['route 1 identity-pool role', keyUse(ids.identityPoolRole, { 'aws:PrincipalTag/okta_sub': SUB })],
  [
    'route 2 web-identity role',
    keyUse(ids.webIdentityRole, { [`${issuerKeyPrefix(TEST_ISSUER)}:sub`]: SUB }),
  ],
  ['route 3 presign role', keyUse(ids.presignRole, { 'aws:PrincipalTag/okta_sub': SUB })],
];

describe.each(PRINCIPALS)('%s and the data key', (_name, use) => {
  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])(
    '%s through S3 for this bucket is allowed (bucket key and object contexts)',
    async (action) => {
      expect(await use(action, viaS3For(bucketArn))).toBe('Allowed');
      expect(await use(action, viaS3For(`${bucketArn}/users/${SUB}/a.txt`))).toBe('Allowed');
    },
  );

  test('a direct call (no kms:ViaService) is denied, even with this bucket in the context', async () => {
    const decision = await use('kms:Decrypt', { 'kms:EncryptionContext:aws:s3:arn': bucketArn });
    expect(decision).not.toBe('Allowed');
  });

  test('through S3 for another bucket is denied', async () => {
    expect(await use('kms:Decrypt', viaS3For('arn:aws:s3:::someone-elses-bucket'))).not.toBe('Allowed');
    expect(await use('kms:Decrypt', viaS3For(`${bucketArn}-other`))).not.toBe('Allowed');
  });

  test('through another service is denied', async () => {
    const context = {
      'kms:ViaService': `sqs.${template.env.region}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': bucketArn,
    };
    expect(await use('kms:Decrypt', context)).not.toBe('Allowed');
  });
});

describe('the key policy itself', () => {
  /** An identity policy an administrator might attach in the account: every KMS action on the key. */
  const broadGrant = (action: string, context: Context) =>
    decide({
      identityPolicies: [
        {
          name: 'admin kms:*',
          policy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: keyArn }],
          },
        },
      ],
      resourcePolicy: keyPolicy,
      action,
      resource: keyArn,
      principal: `arn:aws:iam::${template.env.account}:role/Admin`,
      context,
    });

  test('refuses direct cryptographic use to any principal, whatever IAM grants', async () => {
    for (const action of ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom']) {
      expect(await broadGrant(action, {})).toBe('ExplicitlyDenied');
    }
  });

  test('still lets the account administer the key (no lock-out)', async () => {
    expect(await broadGrant('kms:DescribeKey', {})).toBe('Allowed');
    expect(await broadGrant('kms:PutKeyPolicy', {})).toBe('Allowed');
  });

  test('refuses grants unless an AWS service creates them for an AWS resource', async () => {
    expect(await broadGrant('kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'false' })).toBe(
      'ExplicitlyDenied',
    );
    expect(await broadGrant('kms:CreateGrant', { 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
  });

  test('and lets S3 use it on behalf of a granted principal', async () => {
    expect(await broadGrant('kms:Decrypt', viaS3For(bucketArn))).toBe('Allowed');
  });
});
