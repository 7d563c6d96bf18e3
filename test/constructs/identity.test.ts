import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
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
import { only } from '../support/resources';
import { synthesizedTemplate } from '../support/template-cache';

let dev: Template;
let prod: Template;
beforeAll(() => {
  dev = synthesizedTemplate();
  prod = synthesizedTemplate(undefined, { env: 'prod' });
});

const policyOfRole = (t: Template, roleId: string) =>
  only(t, 'AWS::IAM::Policy', { Roles: [{ Ref: roleId }] }).Properties.PolicyDocument.Statement;
const roleIdByPath = (t: Template, pathPart: string) =>
  Object.keys(t.findResources('AWS::IAM::Role')).find((id) => id.startsWith(pathPart))!;

describe('OktaFederation', () => {
  test('is a native OIDC provider for the issuer with the client ids as audiences', () => {
    const provider = only(dev, 'AWS::IAM::OIDCProvider');
    expect(provider.Properties).toEqual({ Url: TEST_ISSUER, ClientIdList: TEST_CLIENT_IDS });
  });

  test('brings no custom resource into the template; the only Lambda is the presign handler', () => {
    for (const t of [dev, prod]) {
      const resources = Object.entries(t.toJSON().Resources) as [string, any][];
      expect(
        resources.filter(([, r]) => /^Custom::|AWS::CloudFormation::CustomResource/.test(r.Type)),
      ).toEqual([]);
      expect(resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id)).toEqual([
        expect.stringMatching(/^PresignApiHandler/),
      ]);
    }
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

  test('refuses to import unless every audience of the shared provider is accepted', () => {
    expect(() =>
      OktaFederation.fromIssuer(new Stack(), 'F', {
        issuer: TEST_ISSUER,
        clientIds: TEST_CLIENT_IDS,
        identityPoolAudiences: IdentityPoolAudiences.CLIENT_IDS_ONLY,
      }),
    ).toThrow(/identityPoolAudiences.*ANY_OF_SHARED_PROVIDER/);
  });

  test('the config refuses -c oidcProvider=import alone, naming the field', () => {
    expect(() => synthesizedTemplate(undefined, { oidcProvider: 'import' })).toThrow(
      /environments\.dev\.identityPoolAudiences: expected "any-of-shared-provider"/,
    );
  });

  test('the config chooses it per environment', () => {
    const imported = synthesizedTemplate(undefined, {
      oidcProvider: 'import',
      identityPoolAudiences: 'any-of-shared-provider',
    });
    imported.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    expect(JSON.stringify(imported.toJSON())).toContain(':oidc-provider/test.okta.example/oauth2/default');
  });
});

describe('UserIdentityPool', () => {
  test('federates only the Okta provider and refuses unauthenticated identities', () => {
    const pool = only(dev, 'AWS::Cognito::IdentityPool');
    const provider = only(dev, 'AWS::IAM::OIDCProvider');
    expect(pool.Properties).toMatchObject({
      AllowUnauthenticatedIdentities: false,
      OpenIdConnectProviderARNs: [{ Ref: provider.id }],
    });
    expect(pool.Properties.SupportedLoginProviders).toBeUndefined();
  });

  test('maps the token sub to the okta_sub principal tag, without defaults, for the OIDC provider', () => {
    const pool = only(dev, 'AWS::Cognito::IdentityPool');
    const provider = only(dev, 'AWS::IAM::OIDCProvider');
    expect(only(dev, 'AWS::Cognito::IdentityPoolPrincipalTag').Properties).toEqual({
      IdentityPoolId: { Ref: pool.id },
      IdentityProviderName: { Ref: provider.id },
      PrincipalTags: { okta_sub: 'sub' },
      UseDefaults: false,
    });
  });

  test('the authenticated role trusts this pool, authenticated only, and tags only okta_sub', () => {
    const pool = only(dev, 'AWS::Cognito::IdentityPool');
    const roleId = roleIdByPath(dev, 'IdentityPoolAuthenticatedRole');
    const thisPool = {
      StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: pool.id } },
      'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
    };
    expect(dev.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument.Statement).toEqual([
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
          Null: { 'aws:RequestTag/okta_sub': 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['okta_sub'] },
        },
      },
    ]);
    const attachment = only(dev, 'AWS::Cognito::IdentityPoolRoleAttachment');
    expect(attachment.Properties.Roles.authenticated).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test('the authenticated role reaches only users/${aws:PrincipalTag/okta_sub}/', () => {
    const statements = policyOfRole(dev, roleIdByPath(dev, 'IdentityPoolAuthenticatedRole'));
    expect(statements.map((s: any) => s.Resource)).toEqual([
      {
        'Fn::Join': [
          '',
          [
            { 'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'] },
            '/users/${aws:PrincipalTag/okta_sub}/*',
          ],
        ],
      },
      { 'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'] },
    ]);
    expect(statements[1].Condition).toEqual({
      StringLike: {
        's3:prefix': ['users/${aws:PrincipalTag/okta_sub}/', 'users/${aws:PrincipalTag/okta_sub}/*'],
      },
    });
  });

  test('the unauthenticated role the L2 always creates can do nothing', () => {
    const roleId = roleIdByPath(dev, 'IdentityPoolUnauthenticatedRole');
    expect(dev.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } })).toEqual({});
    expect(dev.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(dev.toJSON().Resources[roleId].Properties.Policies).toBeUndefined();
  });

  test('with KMS, users may use the bucket key only through S3, only for this bucket', () => {
    const statements = policyOfRole(prod, roleIdByPath(prod, 'IdentityPoolAuthenticatedRole'));
    const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'] };
    expect(statements[2]).toEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StorageKey/), 'Arn'] },
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
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    const statements = policy.Properties.PolicyDocument.Statement;
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
  test('trusts the OIDC provider for the configured audiences, one-hour sessions', () => {
    const provider = only(dev, 'AWS::IAM::OIDCProvider');
    const role = dev.toJSON().Resources[roleIdByPath(dev, 'WebIdentityRole')];
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
    const statements = policyOfRole(dev, roleIdByPath(dev, 'WebIdentityRole'));
    expect(statements[0].Resource['Fn::Join'][1][1]).toBe('/users/${test.okta.example/oauth2/default:sub}/*');
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
  test('exists only when configured', () => {
    expect(roleIdByPath(dev, 'WorkflowsConnector')).toBeUndefined();
    expect(roleIdByPath(prod, 'WorkflowsConnector')).toBeDefined();
  });

  test('trusts the Okta Workflows account with the external id', () => {
    const role = prod.toJSON().Resources[roleIdByPath(prod, 'WorkflowsConnector')];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'test-external-id-1234' } },
      },
    ]);
  });

  test('may use this bucket and its objects only, never * and never destructive bucket actions', () => {
    const statements = policyOfRole(prod, roleIdByPath(prod, 'WorkflowsConnector'));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: [...WORKFLOWS_BUCKET_ACTIONS].sort(),
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: [...WORKFLOWS_OBJECT_ACTIONS].sort(),
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^StorageData/), 'Arn'] }, '/*']],
        },
      },
      // Key use only through S3 for this bucket: decided by the simulator in test/iam/kms-key-use.test.ts.
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StorageKey/), 'Arn'] },
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
