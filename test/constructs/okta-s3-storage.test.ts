import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CorsRules,
  IdentityPoolAudiences,
  OktaFederation,
  OktaS3Storage,
  OktaS3StorageProps,
  PresignApi,
  UserFilesBucket,
  WorkflowsConnectorRole,
} from '../../lib';
import { Construct } from 'constructs';
import { OPTIONAL_OUTPUTS, REQUIRED_OUTPUTS } from '../../cli/verify/outputs';
import { TEST_CLIENT_IDS, TEST_ISSUER, STORE_ENV, STORE_USER_POOL } from '../support/config';
import { allOf, only } from '../support/resources';

const ENV = STORE_ENV;
const ORIGINS = ['https://files.example.com'];
const USER_POOL = STORE_USER_POOL;

function storeIn(stack: Stack, extra: Partial<OktaS3StorageProps> = {}): OktaS3Storage {
  const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
  return new OktaS3Storage(stack, 'Store', {
    federation,
    allowedOrigins: ORIGINS,
    userPool: USER_POOL,
    ...extra,
  });
}

describe('OktaS3Storage in a bare stack', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'Bare', { env: ENV });
    storeIn(stack, {
      bucket: { encryption: s3.BucketEncryption.KMS, noncurrentVersionExpiration: Duration.days(30) },
      userPool: { ...USER_POOL, idTokenValidity: Duration.minutes(15) },
      presignApi: { urlExpiry: Duration.minutes(2), maxUploadBytes: 1024 },
      workflowsConnector: { accountId: '444455556666', externalId: 'team-external-id' },
    });
    template = Template.fromStack(stack);
  });

  test('composes all three routes on one bucket from typed props', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.resourceCountIs('AWS::Cognito::IdentityPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    // The data bucket and its access-log bucket.
    template.resourceCountIs('AWS::S3::Bucket', 2);
    only(template, 'AWS::Cognito::UserPoolClient', { IdTokenValidity: 15 });
    only(template, 'AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'Okta',
      ProviderDetails: Match.objectLike({ client_id: USER_POOL.webClientId, oidc_issuer: TEST_ISSUER }),
    });
  });

  test('passes the nested options to the constructs they belong to', () => {
    only(template, 'AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]),
      },
    });
    only(template, 'AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ URL_EXPIRY_SECONDS: '120', MAX_UPLOAD_BYTES: '1024' }),
      },
    });
    only(template, 'AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Condition: { StringEquals: { 'sts:ExternalId': 'team-external-id' } } }),
        ],
      },
    });
  });

  test('creates no Workflows role unless asked', () => {
    const stack = new Stack(new App(), 'NoWorkflows', { env: ENV });
    const store = storeIn(stack);
    expect(store.workflowsConnector).toBeUndefined();
    expect(allOf(Template.fromStack(stack), 'AWS::IAM::Role').map((r) => r.id)).not.toContainEqual(
      expect.stringMatching(/Workflows/),
    );
  });
});

describe('OktaFederation.fromIssuer and fromProviderArn', () => {
  test('fromIssuer names the account provider of the issuer', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const imported = OktaFederation.fromIssuer(stack, 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    });
    expect(stack.resolve(imported.provider.oidcProviderArn)).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::111122223333:oidc-provider/test.okta.example/oauth2/default',
        ],
      ],
    });
    expect(imported.issuerHostAndPath).toBe('test.okta.example/oauth2/default');
    // Deprecated and ignored: the identity pool's role checks the audience itself.
    expect(imported.identityPoolAudiences).toBe(IdentityPoolAudiences.CLIENT_IDS_ONLY);
  });

  test('fromProviderArn takes the ARN as given and validates the issuer, naming the prop', () => {
    const stack = new Stack(new App(), 'S');
    const arn = 'arn:aws:iam::111122223333:oidc-provider/test.okta.example/oauth2/default';
    const imported = OktaFederation.fromProviderArn(stack, 'Okta', arn, {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    });
    expect(imported.provider.oidcProviderArn).toBe(arn);
    expect(() =>
      OktaFederation.fromProviderArn(stack, 'Bad', arn, {
        issuer: 'http://test.okta.example/',
        clientIds: [],
        identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
      }),
    ).toThrow(
      /^OktaFederation\.fromProviderArn \(or fromIssuer\) at S\/Bad: issuer: must be an https URL.*; clientIds: must name at least one/,
    );
  });
});

describe('two federations for one issuer', () => {
  test('in one stack are a synth error naming the first', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: ENV });
    new OktaFederation(stack, 'First', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    OktaFederation.fromIssuer(stack, 'Second', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    });
    expect(() => app.synth()).toThrow(/a second federation for issuer .* S\/First already declares it/);
  });

  test('that both create a provider in one account are a synth error; importing in the second is not', () => {
    const clash = new App();
    new OktaFederation(new Stack(clash, 'Dev', { env: ENV }), 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
    });
    new OktaFederation(new Stack(clash, 'Prod', { env: ENV }), 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
    });
    expect(() => clash.synth()).toThrow(/second federation for issuer/);

    const shared = new App();
    new OktaFederation(new Stack(shared, 'Dev', { env: ENV }), 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
    });
    const prod = new Stack(shared, 'Prod', { env: ENV });
    new s3.Bucket(prod, 'SomethingToDeploy');
    OktaFederation.fromIssuer(prod, 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    });
    expect(() => shared.synth()).not.toThrow();
  });

  test('in different accounts are fine', () => {
    const app = new App();
    for (const [id, account] of [
      ['Dev', '111122223333'],
      ['Prod', '444455556666'],
    ]) {
      new OktaFederation(new Stack(app, id, { env: { account, region: 'eu-west-1' } }), 'Okta', {
        issuer: TEST_ISSUER,
        clientIds: TEST_CLIENT_IDS,
      });
    }
    expect(() => app.synth()).not.toThrow();
  });
});

describe('"*" origins, the same in every construct', () => {
  const bucketWith = (stack: Stack, allowAnyOrigin?: boolean) =>
    new UserFilesBucket(stack, 'Files', { allowedOrigins: ['*'], allowAnyOrigin });
  const apiWith = (stack: Stack, allowAnyOrigin?: boolean) =>
    new PresignApi(stack, 'Api', {
      userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc'),
      bucket: s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket'),
      allowedOrigins: ['*'],
      allowAnyOrigin,
    });

  test.each([
    ['UserFilesBucket', bucketWith],
    ['PresignApi', apiWith],
  ])('%s refuses "*" unless allowAnyOrigin is set, with one message', (name, make) => {
    expect(() => make(new Stack())).toThrow(
      new RegExp(
        `^${name} at .*: allowedOrigins: "\\*" allows every web origin; set allowAnyOrigin: true to mean it$`,
      ),
    );
    expect(() => make(new Stack(), true)).not.toThrow();
  });

  test('"*" with allowAnyOrigin must be alone', () => {
    expect(
      () =>
        new UserFilesBucket(new Stack(), 'Files', {
          allowedOrigins: ['*', ...ORIGINS],
          allowAnyOrigin: true,
        }),
    ).toThrow('allowedOrigins: "*" must be the only origin');
  });
});

describe('props that are unresolved tokens are left to deploy time', () => {
  test('origins, metadata keys and account ids from parameters are accepted as they are', () => {
    const stack = new Stack();
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    const files = new UserFilesBucket(stack, 'Files', {
      allowedOrigins: [param('Origin')],
      exposedMetadataKeys: [param('Key')],
    });
    new WorkflowsConnectorRole(stack, 'Workflows', {
      accountId: param('Account'),
      externalId: param('ExternalId'),
      bucket: files.bucket,
    });
    const t = Template.fromStack(stack);
    only(t, 'AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: [{ Ref: 'Origin' }] })] },
    });
  });
});

describe('UserFilesBucket encryption', () => {
  const sseOf = (t: Template) =>
    only(t, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } }).Properties.BucketEncryption
      .ServerSideEncryptionConfiguration[0];

  test('S3_MANAGED by default, with no key', () => {
    const stack = new Stack();
    new UserFilesBucket(stack, 'Files');
    const t = Template.fromStack(stack);
    expect(sseOf(t).ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
    t.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('KMS creates a rotating key; KMS with encryptionKey uses that key', () => {
    const created = new Stack();
    new UserFilesBucket(created, 'Files', { encryption: s3.BucketEncryption.KMS });
    only(Template.fromStack(created), 'AWS::KMS::Key', { EnableKeyRotation: true });

    const given = new Stack();
    const key = new kms.Key(given, 'TeamKey');
    new UserFilesBucket(given, 'Files', { encryptionKey: key });
    const t = Template.fromStack(given);
    t.resourceCountIs('AWS::KMS::Key', 1);
    expect(sseOf(t)).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: { 'Fn::GetAtt': [given.getLogicalId(key.node.defaultChild as any), 'Arn'] },
      },
    });
  });

  test('refuses a key without KMS, and encryptions S3 cannot apply to this design', () => {
    const stack = new Stack();
    expect(
      () =>
        new UserFilesBucket(stack, 'A', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          encryptionKey: new kms.Key(stack, 'K'),
        }),
    ).toThrow('encryptionKey: given, but encryption is not BucketEncryption.KMS');
    expect(() => new UserFilesBucket(stack, 'B', { encryption: s3.BucketEncryption.KMS_MANAGED })).toThrow(
      'encryption: must be BucketEncryption.S3_MANAGED or BucketEncryption.KMS',
    );
  });
});

describe('CorsRules.forBrowsers', () => {
  test('never doubles x-amz-meta-: a key given with the prefix is taken without it', () => {
    const [rule] = CorsRules.forBrowsers({
      allowedOrigins: ORIGINS,
      exposedMetadataKeys: ['x-amz-meta-title', 'title', 'X-Amz-Meta-owner'],
    });
    const metadata = (headers: string[] = []) => headers.filter((h) => /^x-amz-meta-/i.test(h));
    expect(metadata(rule.allowedHeaders)).toEqual(['x-amz-meta-title', 'x-amz-meta-owner']);
    expect(metadata(rule.exposedHeaders)).toEqual(['x-amz-meta-title', 'x-amz-meta-owner']);
  });
});

describe('usersPrefix', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'Tenant', { env: ENV });
    storeIn(stack, { usersPrefix: 'tenants/acme/' });
    template = Template.fromStack(stack);
  });

  const objectResources = () =>
    allOf(template, 'AWS::IAM::Policy').flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Resource].flat())
        .map((r: any) => JSON.stringify(r))
        .filter((r: string) => r.includes('PrincipalTag') || r.includes(':sub}')),
    );

  test('is honoured by every route: identity pool, web-identity and presign roles', () => {
    const resources = objectResources();
    // Route 1 and 3 key on the principal tag, route 2 on the token's sub.
    expect(resources.filter((r) => r.includes('/tenants/acme/${aws:PrincipalTag/okta_sub}/*'))).toHaveLength(
      2,
    );
    expect(
      resources.filter((r) => r.includes('/tenants/acme/${test.okta.example/oauth2/default:sub}/*')),
    ).toHaveLength(1);
    expect(resources.filter((r) => r.includes('/users/'))).toEqual([]);
  });

  test('reaches the Lambda, which builds and checks keys under it', () => {
    only(template, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ USERS_PREFIX: 'tenants/acme/' }) },
    });
  });

  test('is validated, naming the prop, in every construct that takes it', () => {
    const stack = new Stack();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket');
    const message =
      /usersPrefix: must be folder segments each ending in "\/", such as "users\/", got "users\/\*"/;
    expect(() => new UserFilesBucket(stack, 'Files', { usersPrefix: 'users/*' })).toThrow(message);
    expect(
      () =>
        new PresignApi(stack, 'Api', {
          userPool: cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc'),
          bucket,
          allowedOrigins: ORIGINS,
          usersPrefix: 'users/*',
        }),
    ).toThrow(message);
  });
});

describe('addOutputs', () => {
  const NAMES = [...REQUIRED_OUTPUTS, ...OPTIONAL_OUTPUTS].filter((n) => n !== 'WorkflowsConnectorRoleArn');

  test('emits every output verify and client-config read, under the app’s names, wherever the store sits', () => {
    const stack = new Stack(new App(), 'TeamFiles', { env: ENV });
    const nested = new Construct(stack, 'Deep');
    const federation = new OktaFederation(stack, 'Okta', { issuer: TEST_ISSUER, clientIds: TEST_CLIENT_IDS });
    const store = new OktaS3Storage(nested, 'Files', {
      federation,
      allowedOrigins: ORIGINS,
      userPool: USER_POOL,
    });
    const outputs = store.addOutputs();
    const json = Template.fromStack(stack).toJSON();
    expect(Object.keys(json.Outputs).sort()).toEqual([...NAMES].sort());
    expect(outputs.map((o) => stack.resolve(o.logicalId))).toEqual(Object.keys(json.Outputs));
    expect(json.Outputs.OktaIssuer.Value).toBe(TEST_ISSUER);
    expect(json.Outputs.OktaClientIds.Value).toBe(TEST_CLIENT_IDS.join(','));
    expect(json.Outputs.CallbackUrls.Value).toBe(USER_POOL.callbackUrls.join(','));
    expect(json.Outputs.AllowedOrigins.Value).toBe(ORIGINS.join(','));
    expect(json.Outputs.IdTokenValidityMinutes.Value).toBe('60');
    expect(json.Outputs.BucketEncryption.Value).toBe('SSE-S3');
    expect(json.Outputs.Region.Value).toBe(ENV.region);
  });

  test('names the Workflows connector role when there is one', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const store = storeIn(stack, {
      workflowsConnector: { accountId: '444455556666', externalId: 'team-external-id' },
    });
    store.addOutputs();
    expect(Object.keys(Template.fromStack(stack).toJSON().Outputs)).toContain('WorkflowsConnectorRoleArn');
  });

  test('a second call in one stack is an error naming OktaS3Storage and the first store', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const store = storeIn(stack);
    store.addOutputs();
    expect(() => store.addOutputs()).toThrow(
      /^OktaS3Storage at S\/Store: addOutputs\(\): S\/Store already added/,
    );
  });
});
