import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { grantUserPrefixAccess } from '../../lib/policy/grant-user-prefix';
import { PRINCIPAL_TAG_KEY } from '../../lib/policy/user-prefix-statements';
import { IdentityPoolAudiences, OktaFederation } from '../../lib/constructs/okta-federation';
import { OktaWebIdentityRole } from '../../lib/constructs/okta-web-identity-role';
import { UserIdentityPool } from '../../lib/constructs/user-identity-pool';
import {
  WORKFLOWS_BUCKET_ACTIONS,
  WORKFLOWS_OBJECT_ACTIONS,
  WorkflowsConnectorRole,
} from '../../lib/constructs/workflows-connector-role';
import { TEST_CLIENT_IDS, TEST_ISSUER } from '../support/config';
import { allOf, named, only, statementsOfRole } from '../support/resources';
import { synthesizedTemplate } from '../support/template-cache';

/**
 * The identity constructs in bare stacks with explicit props: one on a plain bucket, one on an
 * SSE-KMS bucket in a fixed region (so the key's `kms:ViaService` is a literal). Each is
 * synthesized once for the whole file.
 */
let plain: Template;
let kms: Template;
beforeAll(() => {
  const stack = new Stack();
  const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
  const bucket = new s3.Bucket(stack, 'Bucket');
  new UserIdentityPool(stack, 'IdentityPool', { federation, bucket });
  new OktaWebIdentityRole(stack, 'WebIdentity', { federation, bucket });
  plain = Template.fromStack(stack);

  const kmsStack = new Stack(undefined, 'Kms', { env: { region: 'us-east-1' } });
  const kmsFederation = new OktaFederation(kmsStack, 'Okta', {
    issuer: TEST_ISSUER,
    clientIds: TEST_CLIENT_IDS,
  });
  const kmsBucket = new s3.Bucket(kmsStack, 'Bucket', { encryption: s3.BucketEncryption.KMS });
  new UserIdentityPool(kmsStack, 'IdentityPool', { federation: kmsFederation, bucket: kmsBucket });
  new WorkflowsConnectorRole(kmsStack, 'Workflows', {
    accountId: '999988887777',
    externalId: 'test-external-id-1234',
    bucket: kmsBucket,
  });
  kms = Template.fromStack(kmsStack);
});

const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^Bucket/), 'Arn'] };
const keyArn = { 'Fn::GetAtt': [expect.stringMatching(/^BucketKey/), 'Arn'] };
const roleId = (t: Template, prefix: string) => named(t, 'AWS::IAM::Role', prefix).id;

describe('OktaFederation', () => {
  test('is a native OIDC provider for the issuer with the client ids as audiences', () => {
    const provider = only(plain, 'AWS::IAM::OIDCProvider');
    expect(provider.Properties).toEqual({ Url: TEST_ISSUER, ClientIdList: TEST_CLIENT_IDS });
  });

  test('passes thumbprints through when given, and validates its props', () => {
    const stack = new Stack(new App(), 'S');
    new OktaFederation(stack, 'F', {
      issuer: TEST_ISSUER,
      clientIds: ['abcdefgh12'],
      thumbprints: ['a'.repeat(40)],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      ThumbprintList: ['a'.repeat(40)],
    });
    expect(
      () => new OktaFederation(stack, 'G', { issuer: 'https://x.example/', clientIds: ['abcdefgh12'] }),
    ).toThrow(/issuer/);
    expect(() => new OktaFederation(stack, 'H', { issuer: 'https://x.example', clientIds: [] })).toThrow(
      /clientIds/,
    );
  });
});

describe("OktaFederation importing the account's existing provider", () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const federation = OktaFederation.fromIssuer(stack, 'F', {
    issuer: TEST_ISSUER,
    clientIds: TEST_CLIENT_IDS,
    identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
  });
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket');
  new UserIdentityPool(stack, 'P', { federation, bucket });
  new OktaWebIdentityRole(stack, 'W', { federation, bucket });
  const t = Template.fromStack(stack);
  const arn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':iam::123456789012:oidc-provider/test.okta.example/oauth2/default',
      ],
    ],
  };

  test('creates no provider and points everything at the existing one', () => {
    t.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(stack.resolve(federation.provider.oidcProviderArn)).toEqual(arn);
    t.hasResourceProperties('AWS::Cognito::IdentityPool', { OpenIdConnectProviderARNs: [arn] });
    t.hasResourceProperties('AWS::Cognito::IdentityPoolPrincipalTag', { IdentityProviderName: arn });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Federated: arn } })] },
    });
  });

  test('imports without identityPoolAudiences, and warns that it is no longer needed when given', () => {
    const quiet = new Stack();
    OktaFederation.fromIssuer(quiet, 'F', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    expect(
      Annotations.fromStack(quiet).findWarning('*', Match.stringLikeRegexp('identityPoolAudiences')),
    ).toEqual([]);
    const old = new Stack();
    const federation = OktaFederation.fromIssuer(old, 'F', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    });
    Annotations.fromStack(old).hasWarning(
      '/Default/F',
      Match.stringLikeRegexp('identityPoolAudiences is no longer needed'),
    );
    expect(federation.identityPoolAudiences).toBe(IdentityPoolAudiences.CLIENT_IDS_ONLY);
  });
});

describe('UserIdentityPool', () => {
  test('federates only the Okta provider and refuses unauthenticated identities', () => {
    const provider = only(plain, 'AWS::IAM::OIDCProvider');
    plain.hasResourceProperties(
      'AWS::Cognito::IdentityPool',
      Match.objectLike({
        AllowUnauthenticatedIdentities: false,
        OpenIdConnectProviderARNs: [{ Ref: provider.id }],
        SupportedLoginProviders: Match.absent(),
      }),
    );
  });

  test('maps the token sub and aud to the okta_sub and okta_aud principal tags, without defaults, for the OIDC provider', () => {
    const pool = only(plain, 'AWS::Cognito::IdentityPool');
    const provider = only(plain, 'AWS::IAM::OIDCProvider');
    expect(only(plain, 'AWS::Cognito::IdentityPoolPrincipalTag').Properties).toEqual({
      IdentityPoolId: { Ref: pool.id },
      IdentityProviderName: { Ref: provider.id },
      PrincipalTags: { okta_sub: 'sub', okta_aud: 'aud' },
      UseDefaults: false,
    });
  });

  test('the authenticated role trusts this pool, authenticated only, tagged with okta_sub and a configured okta_aud only', () => {
    const pool = only(plain, 'AWS::Cognito::IdentityPool');
    const role = named(plain, 'AWS::IAM::Role', 'IdentityPoolAuthenticatedRole');
    const thisPool = {
      StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: pool.id } },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
    };
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: thisPool,
      },
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:TagSession',
        Condition: {
          ...thisPool,
          StringEquals: { ...thisPool.StringEquals, 'aws:RequestTag/okta_aud': TEST_CLIENT_IDS },
          Null: { 'aws:RequestTag/okta_sub': 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['okta_sub', 'okta_aud'] },
        },
      },
    ]);
    const attachment = only(plain, 'AWS::Cognito::IdentityPoolRoleAttachment');
    expect(attachment.Properties.Roles.authenticated).toEqual({ 'Fn::GetAtt': [role.id, 'Arn'] });
  });

  test('the authenticated role reaches only users/${aws:PrincipalTag/okta_sub}/', () => {
    const statements = statementsOfRole(plain, roleId(plain, 'IdentityPoolAuthenticatedRole'));
    expect(statements.map((s: any) => s.Resource)).toEqual([
      { 'Fn::Join': ['', [bucketArn, '/users/${aws:PrincipalTag/okta_sub}/*']] },
      bucketArn,
    ]);
    expect(statements[1].Condition).toEqual({
      StringLike: {
        's3:prefix': ['users/${aws:PrincipalTag/okta_sub}/', 'users/${aws:PrincipalTag/okta_sub}/*'],
      },
    });
  });

  test('the unauthenticated role the L2 always creates can do nothing', () => {
    const role = named(plain, 'AWS::IAM::Role', 'IdentityPoolUnauthenticatedRole');
    expect(statementsOfRole(plain, role.id)).toEqual([]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('with KMS, users may use the bucket key only through S3, only for this bucket', () => {
    const statements = statementsOfRole(kms, roleId(kms, 'IdentityPoolAuthenticatedRole'));
    expect(statements[2]).toEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: {
        // s3.<region>.<partition's URL suffix>, e.g. s3.us-east-1.amazonaws.com
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['s3.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
        },
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
        },
      },
    });
  });

  test('one principal may be granted two buckets: statements carry no duplicate ids', () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    for (const name of ['bucket-one', 'bucket-two']) {
      grantUserPrefixAccess(s3.Bucket.fromBucketName(stack, name, name), role, PRINCIPAL_TAG_KEY);
    }
    const statements = only(Template.fromStack(stack), 'AWS::IAM::Policy').Properties.PolicyDocument
      .Statement;
    expect(statements.map((s: any) => JSON.stringify(s.Resource))).toEqual([
      expect.stringContaining('bucket-one/users/'),
      expect.stringContaining('bucket-one"'),
      expect.stringContaining('bucket-two/users/'),
      expect.stringContaining('bucket-two"'),
    ]);
    expect(statements.filter((s: any) => s.Sid)).toEqual([]);
  });

  test('takes an imported bucket and an explicit principal-tag provider name', () => {
    const stack = new Stack(new App(), 'S');
    const federation = new OktaFederation(stack, 'F', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    new UserIdentityPool(stack, 'P', {
      federation,
      bucket: s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket'),
      principalTagProviderName: 'test.okta.example/oauth2/default',
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Cognito::IdentityPoolPrincipalTag', {
      IdentityProviderName: 'test.okta.example/oauth2/default',
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':s3:::existing-bucket/users/${aws:PrincipalTag/okta_sub}/*',
                ],
              ],
            },
          }),
        ]),
      },
    });
  });
});

describe('OktaWebIdentityRole', () => {
  test("trusts the OIDC provider for the federation's audiences, one-hour sessions", () => {
    const provider = only(plain, 'AWS::IAM::OIDCProvider');
    const role = named(plain, 'AWS::IAM::Role', 'WebIdentityRole');
    expect(role.Properties.MaxSessionDuration).toBe(3600);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Federated: { Ref: provider.id } },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'test.okta.example/oauth2/default:aud': TEST_CLIENT_IDS } },
      },
    ]);
  });

  test('reaches only users/${<issuer>:sub}/', () => {
    const statements = statementsOfRole(plain, roleId(plain, 'WebIdentityRole'));
    expect(statements.map((s: any) => s.Resource)).toEqual([
      { 'Fn::Join': ['', [bucketArn, '/users/${test.okta.example/oauth2/default:sub}/*']] },
      bucketArn,
    ]);
    expect(statements[1].Condition.StringLike['s3:prefix']).toEqual([
      'users/${test.okta.example/oauth2/default:sub}/',
      'users/${test.okta.example/oauth2/default:sub}/*',
    ]);
  });

  test('refuses audiences the provider does not accept', () => {
    const stack = new Stack(new App(), 'S');
    const federation = new OktaFederation(stack, 'F', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    const bucket = new s3.Bucket(stack, 'B');
    expect(
      () => new OktaWebIdentityRole(stack, 'R', { federation, bucket, clientIds: ['0oaSOMEONEelse000000'] }),
    ).toThrow('clientIds: not audiences of the federation: 0oaSOMEONEelse000000');
  });
});

describe('WorkflowsConnectorRole', () => {
  test('trusts the Okta Workflows account with the external id', () => {
    const role = named(kms, 'AWS::IAM::Role', 'WorkflowsRole');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: {
          AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999988887777:root']] },
        },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'test-external-id-1234' } },
      },
    ]);
  });

  test('may use this bucket and its objects only, never * and never destructive bucket actions', () => {
    // Actions compared as sets: only the app's feature flags make CDK sort them.
    const statements = statementsOfRole(kms, roleId(kms, 'WorkflowsRole')).map((s) => ({
      ...s,
      Action: [s.Action].flat().sort(),
    }));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: [...WORKFLOWS_BUCKET_ACTIONS].sort(), Resource: bucketArn },
      {
        Effect: 'Allow',
        Action: [...WORKFLOWS_OBJECT_ACTIONS].sort(),
        Resource: { 'Fn::Join': ['', [bucketArn, '/*']] },
      },
      // Key use only through S3 for this bucket: decided by the simulator in test/iam/kms-key-use.test.ts.
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
        Condition: expect.objectContaining({
          StringEquals: expect.anything(),
          StringLike: expect.anything(),
        }),
      }),
    ]);
    const actions = statements.flatMap((s: { Action: string[] }) => s.Action);
    for (const forbidden of [
      's3:DeleteBucket',
      's3:DeleteObjectVersion',
      's3:BypassGovernanceRetention',
      's3:PutBucketPolicy',
      's3:PutObjectAcl',
    ]) {
      expect(actions).not.toContain(forbidden);
    }
  });

  test('validates its props', () => {
    const stack = new Stack(new App(), 'S');
    const bucket = new s3.Bucket(stack, 'B');
    expect(
      () => new WorkflowsConnectorRole(stack, 'W', { accountId: '12', externalId: 'x', bucket }),
    ).toThrow(
      'WorkflowsConnectorRole at S/W: accountId: must be a 12-digit account id; externalId: must be 2-1224 characters',
    );
  });
});

/** The app's composition: which of these constructs the configuration puts in each environment. */
describe('identity in the app', () => {
  let dev: Template;
  let prod: Template;
  beforeAll(() => {
    dev = synthesizedTemplate();
    prod = synthesizedTemplate(undefined, { env: 'prod' });
  });

  test('the configured issuer and client ids become the one OIDC provider', () => {
    expect(only(dev, 'AWS::IAM::OIDCProvider').Properties).toEqual({
      Url: TEST_ISSUER,
      ClientIdList: TEST_CLIENT_IDS,
    });
  });

  test('brings no custom resource into the template; the Lambdas are the presign handler and offboarding’s', () => {
    for (const t of [dev, prod]) {
      const resources = Object.entries(t.toJSON().Resources) as [string, any][];
      expect(
        resources.filter(([, r]) => /^Custom::|AWS::CloudFormation::CustomResource/.test(r.Type)),
      ).toEqual([]);
      // prod scans for malware (the quarantine function); both test environments turn
      // offboarding on (its hook, mover and reconciler).
      expect(allOf(t, 'AWS::Lambda::Function').map((f) => f.id)).toEqual([
        expect.stringMatching(/^PresignApiHandler/),
        ...(t === prod ? [expect.stringMatching(/^MalwareQuarantineHandler/)] : []),
        expect.stringMatching(/^OffboardingHook/),
        expect.stringMatching(/^OffboardingMover/),
        expect.stringMatching(/^OffboardingReconciler/),
      ]);
    }
  });

  test('the Workflows connector exists only where configured, trusting the configured account', () => {
    expect(allOf(dev, 'AWS::IAM::Role').filter((r) => r.id.startsWith('WorkflowsConnector'))).toEqual([]);
    expect(
      named(prod, 'AWS::IAM::Role', 'WorkflowsConnector').Properties.AssumeRolePolicyDocument.Statement,
    ).toEqual([
      expect.objectContaining({
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Condition: { StringEquals: { 'sts:ExternalId': 'test-external-id-1234' } },
      }),
    ]);
  });

  test('the config chooses it per environment', () => {
    const imported = synthesizedTemplate(undefined, { oidcProvider: 'import' });
    imported.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(JSON.stringify(imported.toJSON())).toContain(':oidc-provider/test.okta.example/oauth2/default');
  });
});
