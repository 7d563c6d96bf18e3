import { runSimulation } from '@cloud-copilot/iam-simulate';
import {
  decide,
  IgnoredContextKeyError,
  isReevaluableKey,
  isWebIdentityClaimKey,
  NamedPolicy,
  simulate,
} from '../../emulator/iam/simulate';

const ACCOUNT = '123456789012';
const BUCKET = 'arn:aws:s3:::files';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/UserRole/session-1`;
const ISSUER = 'test.okta.example/oauth2/default';
const A = '00uA';
const A_EXTENDED = '00uAB';
const B = '00uB';

/** The per-user policy shape, for any key expression. */
function userPolicy(key: string): NamedPolicy[] {
  const statements = [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${BUCKET}/users/${key}/*` },
    {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: BUCKET,
      Condition: { StringLike: { 's3:prefix': [`users/${key}/`, `users/${key}/*`] } },
    },
  ];
  return [{ name: 'user', policy: { Version: '2012-10-17', Statement: statements } }];
}

const TAG_POLICY = userPolicy('${aws:PrincipalTag/okta_sub}');
const ISSUER_POLICY = userPolicy(`\${${ISSUER}:sub}`);

const getObject = (identityPolicies: NamedPolicy[], key: string, context: Record<string, string>) =>
  decide({
    identityPolicies,
    action: 's3:GetObject',
    resource: `${BUCKET}/${key}`,
    principal: SESSION,
    context,
  });

describe.each([
  ['${aws:PrincipalTag/okta_sub}', TAG_POLICY, (sub: string) => ({ 'aws:PrincipalTag/okta_sub': sub })],
  [`\${${ISSUER}:sub}`, ISSUER_POLICY, (sub: string) => ({ [`${ISSUER}:sub`]: sub })],
])('a policy keyed by %s', (_key, policy, contextFor) => {
  test('allows the own prefix', async () => {
    expect(await getObject(policy, `users/${A}/f.txt`, contextFor(A))).toBe('Allowed');
  });

  test("denies another user's prefix", async () => {
    expect(await getObject(policy, `users/${B}/f.txt`, contextFor(A))).toBe('ImplicitlyDenied');
  });

  test('denies a prefix that merely starts with the own key', async () => {
    expect(await getObject(policy, `users/${A_EXTENDED}/f.txt`, contextFor(A))).toBe('ImplicitlyDenied');
  });

  test('denies when the key is missing from the context', async () => {
    expect(await getObject(policy, `users/${A}/f.txt`, {})).toBe('ImplicitlyDenied');
  });

  test.each([
    [`users/${A}/`, 'Allowed'],
    [`users/${A}/docs/`, 'Allowed'],
    [`users/${A}`, 'ImplicitlyDenied'],
    [`users/${A_EXTENDED}/`, 'ImplicitlyDenied'],
    ['users/', 'ImplicitlyDenied'],
  ])('lists with prefix %s: %s', async (prefix, expected) => {
    const context = { ...contextFor(A), 's3:prefix': prefix };
    expect(
      await decide({
        identityPolicies: policy,
        action: 's3:ListBucket',
        resource: BUCKET,
        principal: SESSION,
        context,
      }),
    ).toBe(expected);
  });
});

describe('how the decision is reached', () => {
  test('known keys: runSimulation alone', async () => {
    const outcome = await simulate({
      identityPolicies: TAG_POLICY,
      action: 's3:GetObject',
      resource: `${BUCKET}/users/${A}/f.txt`,
      principal: SESSION,
      context: { 'aws:PrincipalTag/okta_sub': A },
    });
    expect(outcome).toEqual({ decision: 'Allowed', engine: 'validated', reevaluatedKeys: [] });
  });

  test('issuer claim keys: the quirk is real, and the helper re-evaluates them', async () => {
    const request = { action: 's3:GetObject', resource: `${BUCKET}/users/${A}/f.txt`, principal: SESSION };
    const raw = await runSimulation(
      {
        request: {
          ...request,
          resource: { resource: request.resource, accountId: ACCOUNT },
          contextVariables: { [`${ISSUER}:sub`]: A },
        },
        identityPolicies: [...ISSUER_POLICY],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    expect(raw).toMatchObject({
      overallResult: 'ImplicitlyDenied',
      result: { ignoredContextKeys: [`${ISSUER}:sub`] },
    });

    const outcome = await simulate({
      ...request,
      identityPolicies: ISSUER_POLICY,
      context: { [`${ISSUER}:sub`]: A },
    });
    expect(outcome).toEqual({
      decision: 'Allowed',
      engine: 'unvalidated',
      reevaluatedKeys: [`${ISSUER}:sub`],
    });
  });

  test('an explicit deny is reported as such', async () => {
    const deny = { Effect: 'Deny', Action: 's3:*', Resource: `${BUCKET}/*` };
    const policies = [...TAG_POLICY, { name: 'deny', policy: { Version: '2012-10-17', Statement: [deny] } }];
    expect(await getObject(policies, `users/${A}/f.txt`, { 'aws:PrincipalTag/okta_sub': A })).toBe(
      'ExplicitlyDenied',
    );
  });
});

describe('the ignored-context-key guard', () => {
  const request = {
    identityPolicies: TAG_POLICY,
    action: 's3:GetObject',
    resource: `${BUCKET}/users/${A}/f.txt`,
    principal: SESSION,
  };

  test('throws when a key the action does not have would be dropped', async () => {
    const context = { 'aws:PrincipalTag/okta_sub': A, 's3:prefix': `users/${A}/` };
    await expect(decide({ ...request, context })).rejects.toThrow(IgnoredContextKeyError);
    await expect(decide({ ...request, context })).rejects.toThrow(/s3:prefix for s3:GetObject/);
  });

  test('throws on a misspelt key rather than deny without it', async () => {
    const context = { 'aws:PrincipleTag/okta_sub': A };
    await expect(decide({ ...request, context })).rejects.toThrow(/aws:PrincipleTag\/okta_sub/);
  });

  test('throws on a simulator validation error', async () => {
    await expect(decide({ ...request, action: 's3:GetObjekt' })).rejects.toThrow(/invalid.action/);
  });

  test('refuses a wildcard resource, which the simulator would treat as a pattern', async () => {
    await expect(decide({ ...request, resource: `${BUCKET}/users/*` })).rejects.toThrow(/contains '\*'/);
  });
});

test.each([
  ['cognito-identity.amazonaws.com:amr', true],
  [`${ISSUER}:sub`, true],
  [`${ISSUER}:aud`, true],
  [`${ISSUER}:email`, false],
  ['aws:PrincipalTag/okta_sub', false],
  ['s3:prefix', false],
  ['sts:ExternalId', false],
])('%s may be re-evaluated: %s', (key, expected) => {
  expect(isWebIdentityClaimKey(key)).toBe(expected);
});

test.each([
  ['kms:EncryptionContext:aws:s3:arn', 'kms:Decrypt', true],
  ['kms:EncryptionContext:aws:s3:arn', 's3:GetObject', false],
  ['kms:ViaService', 'kms:Decrypt', false],
  [`${ISSUER}:sub`, 's3:GetObject', true],
])('%s may be re-evaluated for %s: %s', (key, action, expected) => {
  expect(isReevaluableKey(key, action)).toBe(expected);
});

describe('bucket policy evaluated with identity policies (same account)', () => {
  const tlsOnly = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:*',
        Resource: [BUCKET, `${BUCKET}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
  test.each([
    ['true', 'Allowed'],
    ['false', 'ExplicitlyDenied'],
  ])('aws:SecureTransport=%s: %s', async (secure, expected) => {
    const context = { 'aws:PrincipalTag/okta_sub': A, 'aws:SecureTransport': secure };
    const resource = `${BUCKET}/users/${A}/f.txt`;
    expect(
      await decide({
        identityPolicies: TAG_POLICY,
        resourcePolicy: tlsOnly,
        action: 's3:GetObject',
        resource,
        principal: SESSION,
        context,
      }),
    ).toBe(expected);
  });
});
