import { buildMatrix, MATRIX_USERS, runMatrix } from '../../cli/verify/matrix';
import { decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';
import { TEST_ISSUER } from '../support/config';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import { decideS3, kmsDefaultOf, type S3Operation } from '../../emulator/model/s3-rules';
import { resourcesOfType } from '../../emulator/model/template-query';
import { scannedCleanContext, tagsScannedObjects } from '../../emulator/model/s3-scan-rules';

const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const [ALICE] = MATRIX_USERS;

/** Each route's role prefix in the template, and the keys its session carries for a user. */
const routes = (issuer: string): [string, string, (sub: string) => Record<string, string>][] => [
  ['route 1', 'IdentityPoolAuthenticatedRole', (sub) => ({ 'aws:PrincipalTag/okta_sub': sub })],
  ['route 2', 'WebIdentityRole', (sub) => ({ [`${issuerKeyPrefix(issuer)}:sub`]: sub })],
  ['route 3', 'PresignApiPresignRole', (sub) => ({ 'aws:PrincipalTag/okta_sub': sub })],
];
const ROUTES = routes(TEST_ISSUER);

const roleIdOf = (template: ResolvedTemplate, prefix: string) =>
  resourcesOfType(template, 'AWS::IAM::Role').find((r) => r.id.startsWith(prefix))!.id;
const dataBucketOf = (template: ResolvedTemplate) =>
  resourcesOfType(template, 'AWS::S3::Bucket').find((b) => b.id.startsWith('StorageData'))!;

/** alice's own upload on a route: the S3 leg and, with SSE-KMS, the KMS leg. */
function ownUpload(template: ResolvedTemplate, rolePrefix: string, identity: (sub: string) => object) {
  const bucket = dataBucketOf(template);
  return decideS3(template, bucket.id, {
    roleId: roleIdOf(template, rolePrefix),
    action: 's3:PutObject',
    resource: `arn:aws:s3:::${template.ref(bucket.id)}/users/${ALICE.sub}/f.txt`,
    context: { ...TLS, ...identity(ALICE.sub) },
  });
}

describe.each(ENVIRONMENT_ROWS)('S3 requests, %s', (_label, env) => {
  const template = environmentTemplate(env);
  const bucket = dataBucketOf(template);
  // One user's row of the matrix (the full matrix runs in test/iam/routes.test.ts): own, other users,
  // the prefix-extension user, users/ and the bucket root, for every action and listing prefix.
  const cases = buildMatrix({ bucketName: template.ref(bucket.id) }).filter((c) => c.user === ALICE);

  test.each(routes(env.issuer))(
    '%s: identity policy, bucket policy and key policy allow only the own prefix',
    async (_r, prefix, identity) => {
      const roleId = roleIdOf(template, prefix);
      const kmsLegs: string[] = [];
      // With malware scanning, the matrix is about objects GuardDuty found clean (test/aws-model/s3-scan.test.ts has the others).
      const scanned = tagsScannedObjects(template, template.ref(bucket.id));
      const summary = await runMatrix(cases, async (c) => {
        const decision = await decideS3(template, bucket.id, {
          roleId,
          action: c.action,
          resource: c.resource,
          context: {
            ...TLS,
            ...identity(c.user.sub),
            ...c.context,
            ...(scanned ? scannedCleanContext(c.action) : {}),
          },
        });
        if (decision.kms) kmsLegs.push(`${c.action} ${decision.kms.action} ${decision.kms.decision}`);
        return decision.allowed ? 'Allowed' : decision.s3 === 'Allowed' ? 'ImplicitlyDenied' : decision.s3;
      });
      expect(summary.mismatches).toEqual([]);
      expect(summary.crossUserAllows).toBe(0);
      expect(kmsLegs).toEqual(
        kmsDefaultOf(bucket)
          ? ['s3:GetObject kms:Decrypt Allowed', 's3:PutObject kms:GenerateDataKey Allowed']
          : [],
      );
    },
  );
});

describe('the key-policy leg fails on broken templates', () => {
  test('prod encrypts the data bucket with its own KMS key and an S3 Bucket Key', () => {
    expect(kmsDefaultOf(dataBucketOf(fixtureBase('prod')))).toMatchObject({ bucketKey: true });
  });

  test('a key policy that does not delegate to the account refuses every route’s upload', async () => {
    const template = brokenTemplate('prod', (resources) => {
      resources[rawId(resources, 'AWS::KMS::Key')].Properties.KeyPolicy.Statement = [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::210987654321:role/Admin' },
          Action: 'kms:*',
          Resource: '*',
        },
      ];
    });
    for (const [, prefix, identity] of ROUTES) {
      expect(await ownUpload(template, prefix, identity)).toEqual({
        s3: 'Allowed',
        kms: { action: 'kms:GenerateDataKey', decision: 'ImplicitlyDenied' },
        allowed: false,
      });
    }
  });

  test('the encryption context is evaluated: the key is usable for this bucket only', async () => {
    const template = fixtureBase('prod');
    const roleId = roleIdOf(template, 'PresignApiPresignRole');
    const key = resourcesOfType(template, 'AWS::KMS::Key')[0];
    const generate = (bucketArn: string) =>
      decide({
        identityPolicies: identityPoliciesOf(template, roleId),
        resourcePolicy: key.props.KeyPolicy as never,
        action: 'kms:GenerateDataKey',
        resource: template.getAtt(key.id, 'Arn'),
        principal: sessionArnOf(template, roleId, 'session'),
        context: {
          'kms:ViaService': 's3.us-east-1.amazonaws.com',
          'kms:EncryptionContext:aws:s3:arn': bucketArn,
        },
      });
    expect(await generate(template.getAtt(dataBucketOf(template).id, 'Arn'))).toBe('Allowed');
    expect(await generate('arn:aws:s3:::another-bucket')).toBe('ImplicitlyDenied');
  });

  test('a role without its key grant cannot upload under SSE-KMS', async () => {
    const template = brokenTemplate('prod', (resources) => {
      const policy = resources[rawId(resources, 'AWS::IAM::Policy', 'PresignApiPresignRoleDefaultPolicy')];
      const document = policy.Properties.PolicyDocument;
      document.Statement = document.Statement.filter(
        (s: { Action: unknown }) => !JSON.stringify(s.Action).includes('kms:'),
      );
    });
    const [, prefix, identity] = ROUTES[2];
    expect(await ownUpload(template, prefix, identity)).toMatchObject({ s3: 'Allowed', allowed: false });
  });
});

/** alice's own object on a route, by S3 operation, written with or without the bucket key. */
function ownObject(
  template: ResolvedTemplate,
  [, prefix, identity]: (typeof ROUTES)[number],
  operation: S3Operation,
  objectUsesBucketKey?: boolean,
) {
  const bucket = dataBucketOf(template);
  const action = operation === 'GetObject' ? 's3:GetObject' : 's3:PutObject';
  // A read is of an object GuardDuty found clean, where the template scans.
  const scanned = tagsScannedObjects(template, template.ref(bucket.id));
  return decideS3(template, bucket.id, {
    roleId: roleIdOf(template, prefix),
    action,
    operation,
    objectUsesBucketKey,
    resource: `arn:aws:s3:::${template.ref(bucket.id)}/users/${ALICE.sub}/big.bin`,
    context: { ...TLS, ...identity(ALICE.sub), ...(scanned ? scannedCleanContext(action) : {}) },
  });
}

/** Every KMS statement of the template's identity policies, in the raw (unresolved) template. */
function kmsStatementsOf(resources: Record<string, { Type: string; Properties: Record<string, any> }>) {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Record<string, any>[])
    .filter((s) => JSON.stringify(s.Action).includes('kms:'));
}

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html: GenerateDataKey to
// start a multipart upload, Decrypt for UploadPart and UploadPartCopy.
describe('SSE-KMS multipart uploads', () => {
  test.each(ROUTES)(
    '%s: starting asks KMS for GenerateDataKey, each part for Decrypt; both allowed',
    async (...route) => {
      const template = fixtureBase('prod');
      const legs = await Promise.all(
        (['CreateMultipartUpload', 'UploadPart', 'UploadPartCopy'] as const).map(async (op) => {
          const decision = await ownObject(template, route, op);
          return [op, decision.kms?.action, decision.allowed];
        }),
      );
      expect(legs).toEqual([
        ['CreateMultipartUpload', 'kms:GenerateDataKey', true],
        ['UploadPart', 'kms:Decrypt', true],
        ['UploadPartCopy', 'kms:Decrypt', true],
      ]);
    },
  );

  test('a key grant without kms:Decrypt starts a multipart upload but refuses its parts', async () => {
    const template = brokenTemplate('prod', (resources) => {
      for (const statement of kmsStatementsOf(resources))
        statement.Action = [statement.Action].flat().filter((a: string) => a !== 'kms:Decrypt');
    });
    for (const route of ROUTES) {
      expect(await ownObject(template, route, 'CreateMultipartUpload')).toMatchObject({ allowed: true });
      expect(await ownObject(template, route, 'UploadPart')).toEqual({
        s3: 'Allowed',
        kms: { action: 'kms:Decrypt', decision: 'ImplicitlyDenied' },
        allowed: false,
      });
      expect(await ownObject(template, route, 'UploadPartCopy')).toMatchObject({ allowed: false });
    }
  });

  test('an operation IAM does not authorize by the action given is a test error, not a decision', async () => {
    const template = fixtureBase('prod');
    const bucket = dataBucketOf(template);
    const request = { roleId: roleIdOf(template, 'WebIdentityRole'), resource: 'x', context: {} };
    await expect(
      decideS3(template, bucket.id, { ...request, action: 's3:GetObject', operation: 'UploadPart' }),
    ).rejects.toThrow('authorized as s3:PutObject');
  });
});

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html: "Without enabling an S3 Bucket
// Key, the object ARN is used as the encryption context", per object.
describe('the encryption context of objects written without the bucket key', () => {
  test.each(ROUTES)('%s: reads and writes them with the object ARN as context', async (...route) => {
    const template = fixtureBase('prod');
    expect(await ownObject(template, route, 'GetObject', false)).toMatchObject({
      kms: { action: 'kms:Decrypt', decision: 'Allowed' },
      allowed: true,
    });
    expect(await ownObject(template, route, 'PutObject', false)).toMatchObject({ allowed: true });
  });

  test('a grant narrowed to the bucket ARN alone leaves objects written without the bucket key unreadable', async () => {
    const template = brokenTemplate('prod', (resources) => {
      for (const statement of kmsStatementsOf(resources)) {
        const like = statement.Condition.StringLike;
        like['kms:EncryptionContext:aws:s3:arn'] = [like['kms:EncryptionContext:aws:s3:arn']].flat()[0];
      }
    });
    for (const route of ROUTES) {
      expect(await ownObject(template, route, 'GetObject', true)).toMatchObject({ allowed: true });
      expect(await ownObject(template, route, 'GetObject', false)).toEqual({
        s3: 'Allowed',
        kms: { action: 'kms:Decrypt', decision: 'ImplicitlyDenied' },
        allowed: false,
      });
    }
  });
});

// "For OIDC providers, use the fully qualified URL of the OIDC provider with the sub context key"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc_user-id.html): the key is
// the provider's host and path, as IAM names the provider, never the issuer with its scheme.
describe('route 2 permission policies read ${<issuer>:sub}', () => {
  test('route 2: permission policies keyed on the issuer URL with https:// reach no prefix', async () => {
    const host = issuerKeyPrefix(TEST_ISSUER);
    const template = brokenTemplate('prod', (resources) => {
      const id = rawId(resources, 'AWS::IAM::Policy', 'WebIdentityRoleDefaultPolicy');
      const text = JSON.stringify(resources[id].Properties.PolicyDocument);
      if (!text.includes(`\${${host}:sub}`)) throw new Error('route 2 no longer reads the issuer sub key');
      resources[id].Properties.PolicyDocument = JSON.parse(
        text.replaceAll(`\${${host}:sub}`, `\${https://${host}:sub}`),
      );
    });
    expect(await ownUpload(fixtureBase('prod'), 'WebIdentityRole', ROUTES[1][2])).toMatchObject({
      allowed: true,
    });
    expect(await ownUpload(template, 'WebIdentityRole', ROUTES[1][2])).toMatchObject({ allowed: false });
  });
});
