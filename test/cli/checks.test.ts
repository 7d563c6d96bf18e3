import {
  GetPrincipalTagAttributeMapCommand,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
} from '@aws-sdk/client-cognito-identity';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { CheckResult } from '../../cli/verify/check';
import { OPTIONAL_OUTPUTS, REQUIRED_OUTPUTS } from '../../cli/verify/outputs';
import { apiChecks } from '../../cli/verify/checks/api';
import { bucketChecks } from '../../cli/verify/checks/bucket';
import { identityPoolChecks } from '../../cli/verify/checks/identity-pool';
import { oidcProviderChecks } from '../../cli/verify/checks/oidc-provider';
import { simulationChecks } from '../../cli/verify/checks/simulate';
import { userPoolChecks } from '../../cli/verify/checks/user-pool';
import { presignRoleChecks } from '../../cli/verify/checks/presign-role';
import { Deployment, deploy, mockDeployment, resourceNotFound, testClients } from './deployed';
import { decideTrust, identityPoliciesOf, sessionArnOf, trustPolicyOf } from '../../emulator/iam/simulate';

let d: Deployment;
let mocks: ReturnType<typeof mockDeployment>;
beforeAll(() => {
  d = deploy();
});
beforeEach(() => {
  mocks = mockDeployment(d);
});
afterEach(() => {
  for (const m of Object.values(mocks)) m.restore();
});

const clients = () => testClients();
/** The outputs of a stack deployed before the output existed. */
const withoutOutput = (name: keyof Deployment['outputs']) =>
  Object.fromEntries(Object.entries(d.outputs).filter(([key]) => key !== name)) as Deployment['outputs'];
const rowOf = (rows: CheckResult[], check: string) => {
  const row = rows.find((r) => r.check === check);
  if (!row) throw new Error(`No row ${check} in ${rows.map((r) => r.check).join(', ')}`);
  return row;
};

test('the stack emits every output the verifier compares with', () => {
  expect(Object.keys(d.outputs)).toEqual(
    expect.arrayContaining([
      ...REQUIRED_OUTPUTS,
      ...OPTIONAL_OUTPUTS.filter((o) => o !== 'WorkflowsConnectorRoleArn'),
    ]),
  );
});

describe('identity pool', () => {
  const run = () => identityPoolChecks(clients().cognitoIdentity, d.outputs);

  test('the deployed pool passes every check', async () => {
    const rows = await run();
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['identity-pool.unauthenticated', 'PASS'],
      ['identity-pool.classic-flow', 'PASS'],
      ['identity-pool.oidc-provider', 'PASS'],
      ['identity-pool.authenticated-role', 'PASS'],
      ['identity-pool.principal-tags', 'PASS'],
    ]);
  });

  test('unauthenticated identities on: FAIL', async () => {
    mocks.cognitoIdentity
      .on(DescribeIdentityPoolCommand)
      .resolves({ ...d.responses.describeIdentityPool, AllowUnauthenticatedIdentities: true });
    const row = rowOf(await run(), 'identity-pool.unauthenticated');
    expect(row).toMatchObject({ status: 'FAIL', found: 'AllowUnauthenticatedIdentities true' });
  });

  test('classic flow on: FAIL', async () => {
    mocks.cognitoIdentity
      .on(DescribeIdentityPoolCommand)
      .resolves({ ...d.responses.describeIdentityPool, AllowClassicFlow: true });
    expect(rowOf(await run(), 'identity-pool.classic-flow').status).toBe('FAIL');
  });

  test("a pool that does not federate the stack's OIDC provider: FAIL naming the Logins-key cause", async () => {
    mocks.cognitoIdentity.on(DescribeIdentityPoolCommand).resolves({
      ...d.responses.describeIdentityPool,
      OpenIdConnectProviderARNs: ['arn:aws:iam::123456789012:oidc-provider/other.okta.example'],
    });
    const row = rowOf(await run(), 'identity-pool.oidc-provider');
    expect(row.status).toBe('FAIL');
    expect(row.finding).toContain('Logins key does not match the issuer');
  });

  test('another authenticated role, or a role mapping: FAIL', async () => {
    mocks.cognitoIdentity.on(GetIdentityPoolRolesCommand).resolves({
      ...d.responses.getIdentityPoolRoles,
      Roles: { authenticated: 'arn:aws:iam::123456789012:role/SomethingElse' },
    });
    expect(rowOf(await run(), 'identity-pool.authenticated-role').status).toBe('FAIL');
    mocks.cognitoIdentity.on(GetIdentityPoolRolesCommand).resolves({
      ...d.responses.getIdentityPoolRoles,
      RoleMappings: { 'example.okta.com/oauth2/default': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } },
    });
    expect(rowOf(await run(), 'identity-pool.authenticated-role').status).toBe('FAIL');
  });

  test('principal-tag map with defaults on: FAIL with the principal-tag cause', async () => {
    mocks.cognitoIdentity
      .on(GetPrincipalTagAttributeMapCommand)
      .resolves({ ...d.responses.getPrincipalTagAttributeMap, UseDefaults: true });
    const row = rowOf(await run(), 'identity-pool.principal-tags');
    expect(row.status).toBe('FAIL');
    expect(row.found).toContain('UseDefaults true');
    expect(row.finding).toContain('the session has no okta_sub principal tag');
  });

  test('no map under the provider ARN but one under the issuer host/path: FAIL that names where it is', async () => {
    mocks.cognitoIdentity
      .on(GetPrincipalTagAttributeMapCommand)
      .rejects(resourceNotFound())
      .on(GetPrincipalTagAttributeMapCommand, { IdentityProviderName: 'test.okta.example/oauth2/default' })
      .resolves({
        ...d.responses.getPrincipalTagAttributeMap,
        IdentityProviderName: 'test.okta.example/oauth2/default',
      });
    const row = rowOf(await run(), 'identity-pool.principal-tags');
    expect(row).toMatchObject({ status: 'FAIL', found: 'no map for this provider name' });
    expect(row.finding).toContain('A map was found under provider name "test.okta.example/oauth2/default"');
  });

  test("the verifier may not read the pool: one FAIL row naming the verifier's permissions", async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    mocks.cognitoIdentity.on(DescribeIdentityPoolCommand).rejects(denied);
    const row = rowOf(await run(), 'identity-pool.settings');
    expect(row.status).toBe('FAIL');
    expect(row.finding).toContain('--print-policy');
  });
});

describe('OIDC provider', () => {
  const run = () => oidcProviderChecks(clients().iam, d.outputs);

  test('the deployed provider passes', async () => {
    expect((await run()).map((r) => [r.check, r.status])).toEqual([
      ['oidc-provider.url', 'PASS'],
      ['oidc-provider.audiences', 'PASS'],
    ]);
  });

  test('another issuer: FAIL', async () => {
    mocks.iam
      .on(GetOpenIDConnectProviderCommand)
      .resolves({ ...d.responses.getOpenIdConnectProvider, Url: 'other.okta.example/oauth2/default' });
    expect(rowOf(await run(), 'oidc-provider.url').status).toBe('FAIL');
  });

  test('a configured client id missing from the audiences: FAIL naming it', async () => {
    const [first] = d.responses.getOpenIdConnectProvider.ClientIDList;
    mocks.iam
      .on(GetOpenIDConnectProviderCommand)
      .resolves({ ...d.responses.getOpenIdConnectProvider, ClientIDList: [first] });
    const row = rowOf(await run(), 'oidc-provider.audiences');
    expect(row.status).toBe('FAIL');
    expect(row.finding).toContain('0oaTESTnative0000002');
  });
});

describe('data bucket', () => {
  const run = () => bucketChecks(clients().s3, d.outputs);

  test('the deployed bucket passes every check', async () => {
    expect((await run()).map((r) => [r.check, r.status])).toEqual([
      ['bucket.public-access', 'PASS'],
      ['bucket.versioning', 'PASS'],
      ['bucket.ownership', 'PASS'],
      ['bucket.encryption', 'PASS'],
      ['bucket.cors', 'PASS'],
      ['bucket.policy.tls', 'PASS'],
      ['bucket.policy.tls-version', 'PASS'],
      ['bucket.policy.sse-c', 'PASS'],
      ['bucket.policy.upload-encryption', 'PASS'],
      ['bucket.logging', 'PASS'],
    ]);
  });

  test('one public-access block off: FAIL naming it', async () => {
    mocks.s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: {
        ...d.responses.getPublicAccessBlock.PublicAccessBlockConfiguration,
        RestrictPublicBuckets: false,
      },
    });
    expect(rowOf(await run(), 'bucket.public-access')).toMatchObject({
      status: 'FAIL',
      found: 'off: RestrictPublicBuckets',
    });
  });

  test('versioning suspended: FAIL', async () => {
    mocks.s3.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
    expect(rowOf(await run(), 'bucket.versioning')).toMatchObject({ status: 'FAIL', found: 'Suspended' });
  });

  test('ACLs back on: FAIL', async () => {
    mocks.s3
      .on(GetBucketOwnershipControlsCommand)
      .resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } });
    expect(rowOf(await run(), 'bucket.ownership').status).toBe('FAIL');
  });

  test('SSE-KMS where the stack says SSE-S3, and another key where it names one: FAIL', async () => {
    const kms = (key: string) => ({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: key },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    mocks.s3.on(GetBucketEncryptionCommand).resolves(kms(key));
    expect(rowOf(await run(), 'bucket.encryption').status).toBe('FAIL');
    const withKey = { ...d.outputs, BucketEncryption: key };
    expect(rowOf(await bucketChecks(clients().s3, withKey), 'bucket.encryption').status).toBe('PASS');
    mocks.s3.on(GetBucketEncryptionCommand).resolves(kms(key.replace('1234abcd', 'ffffffff')));
    expect(rowOf(await bucketChecks(clients().s3, withKey), 'bucket.encryption').status).toBe('FAIL');
  });

  test('an extra origin, or no CORS at all: FAIL', async () => {
    const [rule] = d.responses.getBucketCors.CORSRules;
    mocks.s3.on(GetBucketCorsCommand).resolves({
      CORSRules: [{ ...rule, AllowedOrigins: [...rule.AllowedOrigins, 'https://evil.example'] }],
    });
    expect(rowOf(await run(), 'bucket.cors').status).toBe('FAIL');
    mocks.s3.on(GetBucketCorsCommand).rejects(
      // Not a modeled error: the SDK raises it as an S3ServiceException named after S3's error code.
      new S3ServiceException({
        name: 'NoSuchCORSConfiguration',
        $fault: 'client',
        message: 'The CORS configuration does not exist',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    expect(rowOf(await run(), 'bucket.cors')).toMatchObject({
      status: 'FAIL',
      found: 'origins none; ETag not exposed',
    });
  });

  test('a KMS stack (prod) passes with its own key, named by the BucketEncryption output', async () => {
    const prod = deploy('prod');
    for (const m of Object.values(mocks)) m.restore();
    mocks = mockDeployment(prod);
    expect(prod.outputs.BucketEncryption).toMatch(/^arn:aws:kms:us-east-1:210987654321:key\//);
    const rows = await bucketChecks(clients().s3, prod.outputs);
    expect(rowOf(rows, 'bucket.encryption')).toMatchObject({
      status: 'PASS',
      expected: `aws:kms ${prod.outputs.BucketEncryption}, bucket key on`,
    });
    expect(rows.filter((r) => r.status !== 'PASS')).toEqual([]);
  });

  test('CORS without the AllowedOrigins output: SKIP naming the output', async () => {
    const older = withoutOutput('AllowedOrigins');
    expect(rowOf(await bucketChecks(clients().s3, older), 'bucket.cors')).toMatchObject({ status: 'SKIP' });
  });

  test.each([
    ['bucket.policy.tls', 'aws:SecureTransport'],
    ['bucket.policy.tls-version', 's3:TlsVersion'],
    ['bucket.policy.sse-c', 's3:x-amz-server-side-encryption-customer-algorithm'],
  ])('%s: FAIL when the deny on %s is removed', async (check, key) => {
    const policy = JSON.parse(d.responses.getBucketPolicy.Policy);
    policy.Statement = policy.Statement.filter((s: any) => !JSON.stringify(s.Condition ?? {}).includes(key));
    mocks.s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
    const rows = await run();
    expect(
      rows.filter((r) => r.check.startsWith('bucket.policy') && r.status === 'FAIL').map((r) => r.check),
    ).toEqual([check]);
  });

  test.each<['dev' | 'prod', string, string]>([
    ['dev', 'DenyOtherEncryption', 'another algorithm than AES256'],
    ['dev', 'DenyKmsKeyOnS3ManagedBucket', 'any KMS key'],
    ['prod', 'DenyOtherEncryption', 'another algorithm than aws:kms'],
    ['prod', 'DenyOtherKmsKey', 'another key than arn:aws:kms:'],
    ['prod', 'DenyKmsWithoutKeyId', 'aws:kms without a key id'],
  ])(
    'bucket.policy.upload-encryption (%s): FAIL naming what is missing when %s is removed',
    async (env, sid, missing) => {
      const deployment = deploy(env);
      for (const m of Object.values(mocks)) m.restore();
      mocks = mockDeployment(deployment);
      const policy = JSON.parse(deployment.responses.getBucketPolicy.Policy);
      expect(policy.Statement.map((s: any) => s.Sid)).toContain(sid);
      policy.Statement = policy.Statement.filter((s: any) => s.Sid !== sid);
      mocks.s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
      const rows = await bucketChecks(clients().s3, deployment.outputs);
      expect(rows.filter((r) => r.status === 'FAIL').map((r) => r.check)).toEqual([
        'bucket.policy.upload-encryption',
      ]);
      expect(rowOf(rows, 'bucket.policy.upload-encryption').found).toContain(`no deny for: ${missing}`);
    },
  );

  test('bucket.policy.upload-encryption: SKIP without the BucketEncryption output', async () => {
    const older = withoutOutput('BucketEncryption');
    expect(rowOf(await bucketChecks(clients().s3, older), 'bucket.policy.upload-encryption')).toMatchObject({
      status: 'SKIP',
    });
  });

  test('no bucket policy at all: one FAIL row with the error', async () => {
    mocks.s3.on(GetBucketPolicyCommand).rejects(
      new S3ServiceException({
        name: 'NoSuchBucketPolicy',
        $fault: 'client',
        message: 'The bucket policy does not exist',
        $metadata: {},
      }),
    );
    expect(rowOf(await run(), 'bucket.policy')).toMatchObject({
      status: 'FAIL',
      found: 'NoSuchBucketPolicy: The bucket policy does not exist',
    });
  });

  test('logging off or to another bucket: FAIL', async () => {
    mocks.s3.on(GetBucketLoggingCommand).resolves({});
    expect(rowOf(await run(), 'bucket.logging')).toMatchObject({ status: 'FAIL', found: 'logging off' });
    mocks.s3
      .on(GetBucketLoggingCommand)
      .resolves({ LoggingEnabled: { TargetBucket: 'elsewhere', TargetPrefix: 'data-bucket/' } });
    expect(rowOf(await run(), 'bucket.logging').status).toBe('FAIL');
  });
});

describe('presign API', () => {
  const respond = (status: number, body: string) => async () =>
    new Response(body, { status, headers: { 'Content-Type': 'application/json' } });

  test("a 401 in the API's error shape passes, and the request carries no token", async () => {
    const seen: Request[] = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      seen.push(new Request(url, init));
      return respond(401, '{"error":"Unauthorized","message":"Unauthorized"}')();
    }) as typeof fetch;
    expect((await apiChecks(fetchFn, d.outputs))[0].status).toBe('PASS');
    expect(seen[0].url).toBe(`${d.outputs.ApiUrl}uploads`);
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers.has('authorization')).toBe(false);
  });

  test.each([
    ['a 200', 200, '{"key":"users/x/y","url":"https://s3"}'],
    ["API Gateway's default 401 shape", 401, '{"message":"Unauthorized"}'],
    ['a 403', 403, '{"error":"Forbidden","message":"no"}'],
  ])('%s: FAIL', async (_name, status, body) => {
    const [row] = await apiChecks(respond(status, body) as typeof fetch, d.outputs);
    expect(row.status).toBe('FAIL');
    expect(row.found).toContain(String(status));
  });

  test('a network error: FAIL with the error', async () => {
    const [row] = await apiChecks(
      (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
      d.outputs,
    );
    expect(row).toMatchObject({ status: 'FAIL', found: 'TypeError: fetch failed' });
  });
});

describe('user pool client', () => {
  const run = () => userPoolChecks(clients().cognitoIdp, d.outputs);
  const withClient = (changes: object) =>
    mocks.cognitoIdp.on(DescribeUserPoolClientCommand).resolves({
      UserPoolClient: { ...d.responses.describeUserPoolClient.UserPoolClient, ...changes },
    });

  test('the deployed client passes', async () => {
    expect((await run()).map((r) => [r.check, r.status])).toEqual([
      ['user-pool-client.flows', 'PASS'],
      ['user-pool-client.scopes', 'PASS'],
      ['user-pool-client.public', 'PASS'],
      ['user-pool-client.attributes', 'PASS'],
      ['user-pool-client.id-token-lifetime', 'PASS'],
      ['user-pool-client.revocation', 'PASS'],
      ['user-pool-client.callbacks', 'PASS'],
    ]);
  });

  // TokenValidityUnitsType: IdTokenValidity is in TokenValidityUnits.IdToken, hours when unset
  // (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html).
  test.each([
    [{ IdTokenValidity: 1, TokenValidityUnits: { IdToken: 'hours' } }, 'PASS'],
    [{ IdTokenValidity: 1, TokenValidityUnits: {} }, 'PASS'],
    [{ IdTokenValidity: 3600, TokenValidityUnits: { IdToken: 'seconds' } }, 'PASS'],
    [{ IdTokenValidity: 60, TokenValidityUnits: { IdToken: 'hours' } }, 'FAIL'],
    [{ IdTokenValidity: 1, TokenValidityUnits: { IdToken: 'days' } }, 'FAIL'],
  ])('ID-token lifetime %j against the configured 60 minutes: %s', async (changes, status) => {
    expect(d.outputs.IdTokenValidityMinutes).toBe('60');
    withClient(changes);
    expect(rowOf(await run(), 'user-pool-client.id-token-lifetime').status).toBe(status);
  });

  test('ID-token lifetime without the IdTokenValidityMinutes output: SKIP naming it', async () => {
    const row = rowOf(
      await userPoolChecks(clients().cognitoIdp, withoutOutput('IdTokenValidityMinutes')),
      'user-pool-client.id-token-lifetime',
    );
    expect(row).toMatchObject({ status: 'SKIP' });
    expect(row.finding).toContain('IdTokenValidityMinutes');
  });

  test.each([
    ['user-pool-client.flows', { AllowedOAuthFlows: ['code', 'implicit'] }],
    ['user-pool-client.flows', { ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'] }],
    [
      'user-pool-client.scopes',
      { AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] },
    ],
    ['user-pool-client.public', { ClientSecret: 'shh' }],
    ['user-pool-client.public', { SupportedIdentityProviders: ['Okta', 'COGNITO'] }],
    ['user-pool-client.attributes', { WriteAttributes: ['email', 'custom:okta_sub'] }],
    ['user-pool-client.attributes', { WriteAttributes: [] }],
    ['user-pool-client.attributes', { ReadAttributes: ['email', 'phone_number'] }],
    ['user-pool-client.revocation', { EnableTokenRevocation: false }],
    [
      'user-pool-client.callbacks',
      { CallbackURLs: ['https://files.test.example/callback', 'https://evil.example/'] },
    ],
  ])('%s FAILs on %j', async (check, changes) => {
    withClient(changes);
    const rows = await run();
    expect(rows.filter((r) => r.status === 'FAIL').map((r) => r.check)).toEqual([check]);
  });
});

describe('IAM simulation of every route', () => {
  test("the deployed roles pass the offline tests' matrix", async () => {
    const rows = await simulationChecks(clients().iam, d.outputs);
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['iam.route1', 'PASS'],
      ['iam.route2', 'PASS'],
      ['iam.route3', 'PASS'],
    ]);
    expect(rows[0].found).toBe('207 decisions, 24 allowed, 0 cross-user, 0 unexpected');
    // One call per user for all object actions × keys, one per listing prefix.
    expect(mocks.iam.commandCalls(SimulatePrincipalPolicyCommand)).toHaveLength(3 * (3 * (1 + 9)));
  });

  test('a role whose policy lost the slash after the key: FAIL naming a cross-user case', async () => {
    for (const m of Object.values(mocks)) m.restore();
    mocks = mockDeployment(d, (arn) =>
      d.policiesOfRole(arn).map((p) => JSON.parse(JSON.stringify(p).replaceAll('okta_sub}/*', 'okta_sub}*'))),
    );
    const rows = await simulationChecks(clients().iam, d.outputs);
    expect(rows.map((r) => r.status)).toEqual(['FAIL', 'PASS', 'FAIL']);
    expect(rows[0].finding).toContain(
      'users/00uAAAAAAAAAAAAAAAA1B/f.txt (other-user): Allowed, expected Denied',
    );
    expect(rows[0].found).toMatch(/[1-9]\d* cross-user/);
  });

  test('follows IsTruncated and Marker', async () => {
    mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake(async (input) => {
      const results = input.ActionNames.flatMap((a: string) =>
        input.ResourceArns.map((r: string) => ({
          EvalActionName: a,
          EvalResourceName: r,
          EvalDecision: 'implicitDeny',
        })),
      );
      if (input.Marker === undefined) {
        return { EvaluationResults: results.slice(0, 1), IsTruncated: results.length > 1, Marker: 'page-2' };
      }
      return { EvaluationResults: results.slice(1), IsTruncated: false };
    });
    const rows = await simulationChecks(clients().iam, d.outputs);
    // Every case got a decision (no "IAM returned no decision" error); all denied, so own cases fail.
    expect(rows.map((r) => r.status)).toEqual(['FAIL', 'FAIL', 'FAIL']);
    expect(rows[0].found).toBe('207 decisions, 0 allowed, 0 cross-user, 24 unexpected');
  });

  test('a route whose role output is missing: SKIP naming the output', async () => {
    const older = withoutOutput('PresignRoleArn');
    const rows = await simulationChecks(clients().iam, older);
    expect(rows[2]).toMatchObject({ check: 'iam.route3', status: 'SKIP' });
    expect(rows[2].finding).toContain('PresignRoleArn');
  });
});

describe('presign role (route 3)', () => {
  const run = () => presignRoleChecks(clients().iam, d.outputs);
  const trust = () => trustPolicyOf(d.template, d.ids.presignRole);
  const withTrust = (document: object) =>
    mocks.iam.on(GetRoleCommand).resolves({
      Role: {
        ...d.responses.getPresignRole.Role,
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(document)),
      },
    });
  const edit = (change: (statement: any) => void) => {
    const document = JSON.parse(JSON.stringify(trust()));
    change(document.Statement[0]);
    return document;
  };
  const otherRole = () => sessionArnOf(d.template, d.ids.webIdentityRole, 'x');
  const lambdaSession = () => sessionArnOf(d.template, d.ids.executionRole, 'presign-fn');
  const fromFunction = () => ({ 'lambda:SourceFunctionArn': d.outputs.PresignFunctionArn! });
  const tagged = (value: string) => ({
    ...fromFunction(),
    'aws:RequestTag/okta_sub': value,
    'aws:TagKeys': ['okta_sub'],
  });
  /** What IAM decides for a trust document, by the offline simulator (the rules cited in test/iam/trust.test.ts). */
  const iamAllows = async (document: any, principal: string, context: Record<string, unknown>) =>
    (await decideTrust({
      trustPolicy: document,
      action: 'sts:AssumeRole',
      principal,
      roleArn: d.outputs.PresignRoleArn!,
      context: context as never,
      callerIdentityPolicies:
        principal === otherRole() ? [] : identityPoliciesOf(d.template, d.ids.executionRole),
    })) === 'Allowed';

  test('the deployed role passes both checks', async () => {
    expect((await run()).map((r) => [r.check, r.status])).toEqual([
      ['presign-role.trust', 'PASS'],
      ['presign-role.source-function', 'PASS'],
    ]);
    expect(
      mocks.iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input.PolicySourceArn),
    ).toEqual(Array(3).fill(d.outputs.PresignHandlerRoleArn));
  });

  // Each widened trust is first shown to widen what IAM allows; then the check must FAIL on it.
  test.each([
    [
      'another role trusted too',
      (s: any) => (s.Principal.AWS = [s.Principal.AWS, d.outputs.WebIdentityRoleArn]),
      otherRole,
      () => tagged('00uA'),
      'trusts',
    ],
    ['no tag required', (s: any) => delete s.Condition.StringLike, lambdaSession, fromFunction, 'non-empty'],
    [
      'a tag value with / accepted',
      (s: any) => delete s.Condition.StringNotLike,
      lambdaSession,
      () => tagged('00uA/../00uB'),
      'with a /',
    ],
    [
      'other tags accepted',
      (s: any) => delete s.Condition['ForAllValues:StringEquals'],
      lambdaSession,
      () => ({ ...tagged('00uA'), 'aws:RequestTag/role': 'admin', 'aws:TagKeys': ['okta_sub', 'role'] }),
      'tags other than okta_sub',
    ],
  ])(
    '%s: IAM allows more, and presign-role.trust FAILs',
    async (_name, change, principal, context, problem) => {
      const widened = edit(change);
      expect(await iamAllows(trust(), principal(), context())).toBe(false);
      expect(await iamAllows(widened, principal(), context())).toBe(true);
      withTrust(widened);
      const row = rowOf(await run(), 'presign-role.trust');
      expect(row.status).toBe('FAIL');
      expect(row.found).toContain(problem);
    },
  );

  test('the execution role without its source-function guard: presign-role.source-function FAILs', async () => {
    for (const m of Object.values(mocks)) m.restore();
    mocks = mockDeployment(d, (arn) =>
      d.policiesOfRole(arn).filter((p) => !JSON.stringify(p.policy).includes('lambda:SourceFunctionArn')),
    );
    const row = rowOf(await run(), 'presign-role.source-function');
    expect(row.status).toBe('FAIL');
    expect(row.found).toContain('outside Lambda: allowed');
  });

  test('a guard naming another function: FAIL, the real function is denied', async () => {
    for (const m of Object.values(mocks)) m.restore();
    mocks = mockDeployment(d, (arn) =>
      d
        .policiesOfRole(arn)
        .map((p) =>
          JSON.parse(
            JSON.stringify(p).replaceAll(
              d.outputs.PresignFunctionArn!,
              `${d.outputs.PresignFunctionArn}-old`,
            ),
          ),
        ),
    );
    const row = rowOf(await run(), 'presign-role.source-function');
    expect(row.status).toBe('FAIL');
    expect(row.found).toContain('from the function: explicitDeny');
  });

  test('outputs of an older stack: SKIP naming them', async () => {
    const rows = await presignRoleChecks(clients().iam, withoutOutput('PresignFunctionArn'));
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['presign-role.trust', 'PASS'],
      ['presign-role.source-function', 'SKIP'],
    ]);
    expect(rows[1].finding).toContain('PresignFunctionArn');
  });
});
