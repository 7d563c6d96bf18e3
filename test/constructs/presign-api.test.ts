import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { PresignApi } from '../../lib/constructs/presign-api';
import { DOWNLOAD_REQUEST_SCHEMA, UPLOAD_REQUEST_SCHEMA } from '../../lib/constructs/presign-routes';
import { PRESIGN_ENV } from '../../lambda/presign/config';
import { TEST_ORIGINS } from '../support/config';
import { allOf, named, only, statementsOfRole } from '../support/resources';
import { synthesizedTemplate } from '../support/template-cache';
import { decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { resolveTemplate } from '../../emulator/iam/resolve-template';

/**
 * The construct in a bare stack with explicit props, next to the pool, client and bucket it is
 * given. Synthesized once for the file, and the only test synth that bundles the Lambda (the test
 * run turns bundling off for every other App: test/support/global-setup.ts), so the bundle itself
 * is checked here.
 */
let stack: Stack;
let template: Template;
beforeAll(() => {
  stack = new Stack(new App({ postCliContext: { [cxapi.BUNDLING_STACKS]: ['**'] } }));
  const userPool = new cognito.UserPool(stack, 'UserPool');
  new PresignApi(stack, 'PresignApi', {
    userPool,
    userPoolClients: [userPool.addClient('WebClient')],
    providerName: 'OktaWorkforce',
    bucket: new s3.Bucket(stack, 'Bucket'),
    allowedOrigins: TEST_ORIGINS,
    urlExpiry: Duration.seconds(300),
    maxUploadBytes: 10 * 1024 * 1024,
    throttlingRateLimit: 10,
    throttlingBurstLimit: 20,
  });
  template = Template.fromStack(stack);
});

const ofType = (type: string) => allOf(template, type);
const idOf = (type: string, prefix: string) => named(template, type, prefix).id;
/** Actions compared as sets: only the app's feature flags make CDK sort them. */
const actionsOf = (statement: { Action: string | string[] }) => [statement.Action].flat().sort();

describe('PresignApi: authorization and validation', () => {
  test('every non-OPTIONS method requires the Cognito authorizer', () => {
    const methods = ofType('AWS::ApiGateway::Method').map((m) => m.Properties);
    const authorizerId = idOf('AWS::ApiGateway::Authorizer', 'PresignApiAuthorizer');
    const guarded = methods.filter((m) => m.HttpMethod !== 'OPTIONS');
    // GET /files and /folders; POST /uploads, /downloads, /multipart-uploads and its four steps.
    expect(guarded.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'GET', ...Array(7).fill('POST')]);
    for (const m of guarded) {
      expect(m.AuthorizationType).toBe('COGNITO_USER_POOLS');
      expect(m.AuthorizerId).toEqual({ Ref: authorizerId });
    }
    expect(methods.filter((m) => m.HttpMethod === 'OPTIONS' && m.Integration.Type !== 'MOCK')).toEqual([]);
  });

  test('the authorizer trusts the given user pool, reading the Authorization header', () => {
    template.hasResourceProperties(
      'AWS::ApiGateway::Authorizer',
      Match.objectLike({
        Type: 'COGNITO_USER_POOLS',
        IdentitySource: 'method.request.header.Authorization',
        ProviderARNs: [{ 'Fn::GetAtt': [idOf('AWS::Cognito::UserPool', 'UserPool'), 'Arn'] }],
      }),
    );
  });

  test('request bodies are validated against JSON-schema models', () => {
    const validator = only(template, 'AWS::ApiGateway::RequestValidator');
    expect(validator.Properties).toMatchObject({
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    const models = Object.fromEntries(
      ofType('AWS::ApiGateway::Model').map((m) => [m.Properties.Name, { id: m.id, ...m.Properties }]),
    );
    expect(models.UploadRequest.Schema).toMatchObject({
      type: 'object',
      required: ['fileName', 'contentType', 'size'],
      additionalProperties: false,
      properties: {
        size: { type: 'integer', minimum: 1 },
        method: { type: 'string', enum: ['PUT', 'POST'] },
        // A folder is named, never a prefix: no slash can pass.
        folder: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$' },
      },
    });
    expect(models.DownloadRequest.Schema).toMatchObject({ required: ['key'], additionalProperties: false });
    const posts = ofType('AWS::ApiGateway::Method').filter((m) => m.Properties.HttpMethod === 'POST');
    expect(posts.map((m) => m.Properties.RequestModels['application/json'].Ref).sort()).toEqual(
      [
        models.UploadRequest.id,
        models.DownloadRequest.id,
        models.CreateMultipartUploadRequest.id,
        models.SignPartsRequest.id,
        models.CompleteMultipartUploadRequest.id,
        // status and abort name an upload and nothing else.
        models.MultipartUploadRequest.id,
        models.MultipartUploadRequest.id,
      ].sort(),
    );
    expect(models.SignPartsRequest.Schema).toMatchObject({
      required: ['key', 'uploadId', 'size', 'partNumbers'],
      additionalProperties: false,
      properties: {
        // S3's part numbers (1 to 10,000); the plan of the declared size bounds them further.
        partNumbers: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          uniqueItems: true,
          items: { minimum: 1, maximum: 10000 },
        },
      },
    });
    expect(models.CreateMultipartUploadRequest.Schema.required).toEqual(['fileName', 'contentType', 'size']);
    for (const m of posts) expect(m.Properties.RequestValidatorId).toEqual({ Ref: validator.id });
    expect(UPLOAD_REQUEST_SCHEMA.properties!.checksumSha256.pattern).toBe('^[A-Za-z0-9+/]{43}=$');
    expect(DOWNLOAD_REQUEST_SCHEMA.properties!.key.maxLength).toBe(1024);
  });

  test("API Gateway's own errors are JSON {error, message}", () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map((r) => r.Properties);
    expect(responses.map((r) => r.ResponseType).sort()).toEqual(
      [
        'ACCESS_DENIED',
        'BAD_REQUEST_BODY',
        'BAD_REQUEST_PARAMETERS',
        'DEFAULT_4XX',
        'DEFAULT_5XX',
        'THROTTLED',
        'UNAUTHORIZED',
      ].sort(),
    );
    const unauthorized = responses.find((r) => r.ResponseType === 'UNAUTHORIZED');
    expect(unauthorized.ResponseTemplates['application/json']).toBe(
      '{"error":"Unauthorized","message":$context.error.messageString}',
    );
  });
});

describe('PresignApi: CORS, throttling and logs', () => {
  test('preflights allow exactly the given origins and never *', () => {
    const options = ofType('AWS::ApiGateway::Method').filter((m) => m.Properties.HttpMethod === 'OPTIONS');
    expect(options).toHaveLength(10);
    for (const m of options) {
      const [response] = m.Properties.Integration.IntegrationResponses;
      const staticOrigin = response.ResponseParameters['method.response.header.Access-Control-Allow-Origin'];
      const echoed = [
        ...response.ResponseTemplates['application/json'].matchAll(/\$origin == "([^"]+)"/g),
      ].map((x) => x[1]);
      expect([staticOrigin.replace(/'/g, ''), ...echoed].sort()).toEqual([...TEST_ORIGINS].sort());
      expect(JSON.stringify(response)).not.toContain("'*'");
      expect(response.ResponseParameters['method.response.header.Access-Control-Allow-Methods']).toBe(
        "'GET,POST,OPTIONS'",
      );
    }
  });

  test('the stage is throttled from the props', () => {
    expect(only(template, 'AWS::ApiGateway::Stage').Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 10,
        ThrottlingBurstLimit: 20,
      }),
    ]);
  });

  test('access logs are JSON, to a log group with set retention that is retained', () => {
    const stage = only(template, 'AWS::ApiGateway::Stage');
    const logGroup = named(template, 'AWS::Logs::LogGroup', 'PresignApiAccessLogs');
    expect(stage.Properties.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroup.id, 'Arn'] });
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      resourcePath: '$context.resourcePath',
      // Who made the request: the user pool's sub.
      userSub: '$context.authorizer.claims.sub',
    });
    // API Gateway accepts only the $context variables it documents for access logging
    // (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html);
    // a claim is `$context.authorizer.claims.property`, a plain property name, with no bracket form.
    const documented = new Set(
      ['requestId', 'status', 'resourcePath', 'httpMethod', 'protocol', 'requestTime', 'responseLength']
        .map((v) => `$context.${v}`)
        .concat(['$context.identity.sourceIp', '$context.identity.caller', '$context.identity.user']),
    );
    for (const value of Object.values(format) as string[]) {
      expect(documented.has(value) || /^\$context\.authorizer\.claims\.[A-Za-z0-9_]+$/.test(value)).toBe(
        true,
      );
    }
    expect(logGroup).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
  });
});

describe('PresignApi: the Lambda and its roles', () => {
  test('the function is Node 24 on ARM64 with JSON logs to an explicit log group', () => {
    const fn = only(template, 'AWS::Lambda::Function').Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: idOf('AWS::Logs::LogGroup', 'PresignApiHandlerLogs') },
      },
    });
    expect(fn.Environment.Variables).toEqual({
      BUCKET_NAME: { Ref: idOf('AWS::S3::Bucket', 'Bucket') },
      PRESIGN_ROLE_ARN: { 'Fn::GetAtt': [idOf('AWS::IAM::Role', 'PresignApiPresignRole'), 'Arn'] },
      URL_EXPIRY_SECONDS: '300',
      MAX_UPLOAD_BYTES: String(10 * 1024 * 1024),
      MAX_MULTIPART_UPLOAD_BYTES: String(5 * 1024 ** 3),
      LIST_PAGE_SIZE: '100',
      ALLOWED_ORIGINS: TEST_ORIGINS.join(','),
      // The Lambda takes the caller from the identities entry of this provider, in ID tokens of
      // these clients only.
      IDENTITY_PROVIDER_NAME: 'OktaWorkforce',
      ALLOWED_CLIENT_IDS: { Ref: idOf('AWS::Cognito::UserPoolClient', 'UserPoolWebClient') },
      USERS_PREFIX: 'users/',
      // No team folders by default: the Lambda honours no membership.
      TEAMS_PREFIX: 'teams/',
      TEAM_FOLDERS: '',
      TEAM_MEMBERSHIP_MAX_AGE_SECONDS: '3600',
      MALWARE_SCANNING: 'off',
    });
    expect(ofType('Custom::LogRetention')).toEqual([]);
  });

  test('the function gets exactly the environment the Lambda reads (Lambda itself sets AWS_REGION)', () => {
    const fn = only(template, 'AWS::Lambda::Function').Properties;
    const readByLambda = Object.values(PRESIGN_ENV).filter((name) => name !== 'AWS_REGION');
    expect(Object.keys(fn.Environment.Variables).sort()).toEqual([...readByLambda].sort());
  });

  test('the code is an esbuild bundle, minified, with the SDK inside', () => {
    const fn = only(template, 'AWS::Lambda::Function').Properties;
    // Already synthesized by Template.fromStack: this returns the same assembly.
    const assembly = (stack.node.root as App).synth();
    const assetDir = path.join(assembly.directory, `asset.${fn.Code.S3Key.replace('.zip', '')}`);
    const bundle = fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8');
    // Minified: lines break only inside template literals, so they are long on average.
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2000);
    expect(bundle).toContain('AssumeRole');
    expect(bundle).not.toMatch(/require\(["']@aws-sdk\/client-(s3|sts)["']\)/);
    expect(bundle).toContain('AssumeRoleCommand');
  });

  test('the execution role has no managed policies: every permission is in the template', () => {
    expect(
      named(template, 'AWS::IAM::Role', 'PresignApiHandlerRole').Properties.ManagedPolicyArns,
    ).toBeUndefined();
  });

  describe('the execution role writes logs only to its own log group (simulated)', () => {
    /*
     * Lambda adds AWSLambdaBasicExecutionRole only to a role it creates; a function with its own
     * role writes nothing unless that role may logs:CreateLogStream and logs:PutLogEvents in its
     * log group. The Service Authorization Reference for CloudWatch Logs
     * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)
     * gives both actions one required resource type, `log-stream`
     * (arn:...:log-group:<name>:log-stream:<stream>); the simulator's action data says the same.
     */
    const stream = '2026/11/22/[$LATEST]0123456789abcdef';
    let logGroupArn: (name: string) => string;
    let ownLogGroup: string;
    let ask: (action: string, resource: string) => Promise<string>;
    beforeAll(() => {
      const resolved = resolveTemplate(template.toJSON());
      const { partition, region, account } = resolved.env;
      const executionRole = idOf('AWS::IAM::Role', 'PresignApiHandlerRole');
      logGroupArn = (name) => `arn:${partition}:logs:${region}:${account}:log-group:${name}`;
      ownLogGroup = resolved.ref(idOf('AWS::Logs::LogGroup', 'PresignApiHandlerLogs'));
      ask = (action, resource) =>
        decide({
          identityPolicies: identityPoliciesOf(resolved, executionRole),
          action,
          resource,
          principal: sessionArnOf(resolved, executionRole, 'presign-fn'),
        });
    });

    test('CreateLogStream and PutLogEvents on a stream of its own log group are allowed', async () => {
      expect(await ask('logs:CreateLogStream', `${logGroupArn(ownLogGroup)}:log-stream:${stream}`)).toBe(
        'Allowed',
      );
      expect(await ask('logs:PutLogEvents', `${logGroupArn(ownLogGroup)}:log-stream:${stream}`)).toBe(
        'Allowed',
      );
    });

    test('the same on another log group, or a log group whose name extends its own, is denied', async () => {
      for (const other of ['/aws/lambda/someone-else', `${ownLogGroup}x`]) {
        expect(await ask('logs:CreateLogStream', `${logGroupArn(other)}:log-stream:${stream}`)).toBe(
          'ImplicitlyDenied',
        );
        expect(await ask('logs:PutLogEvents', `${logGroupArn(other)}:log-stream:${stream}`)).toBe(
          'ImplicitlyDenied',
        );
      }
    });

    test('it may not create log groups or read logs', async () => {
      expect(await ask('logs:CreateLogGroup', logGroupArn(ownLogGroup))).toBe('ImplicitlyDenied');
      expect(await ask('logs:GetLogEvents', `${logGroupArn(ownLogGroup)}:log-stream:${stream}`)).toBe(
        'ImplicitlyDenied',
      );
    });
  });

  // Who may assume the presign role, with which tag, from where: simulated in test/iam/trust.test.ts.

  test('the presign role reaches only users/${aws:PrincipalTag/okta_sub}/ of the given bucket', () => {
    const statements = statementsOfRole(template, idOf('AWS::IAM::Role', 'PresignApiPresignRole'));
    expect(statements.map(actionsOf)).toEqual([
      [
        's3:AbortMultipartUpload',
        's3:DeleteObject',
        's3:GetObject',
        's3:GetObjectTagging',
        's3:ListMultipartUploadParts',
        's3:PutObject',
      ],
      ['s3:ListBucket'],
    ]);
    expect(statements[0].Resource).toEqual({
      'Fn::Join': [
        '',
        [
          { 'Fn::GetAtt': [idOf('AWS::S3::Bucket', 'Bucket'), 'Arn'] },
          '/users/${aws:PrincipalTag/okta_sub}/*',
        ],
      ],
    });
  });
});

/** The app's composition: the user pool's Okta provider and web client reach the function. */
describe('PresignApi in the app', () => {
  test("the authorizer and the function use the app's user pool, its Okta provider and web client", () => {
    const app = synthesizedTemplate();
    expect(
      named(app, 'AWS::Lambda::Function', 'PresignApiHandler').Properties.Environment.Variables,
    ).toMatchObject({
      BUCKET_NAME: { Ref: named(app, 'AWS::S3::Bucket', 'StorageData').id },
      IDENTITY_PROVIDER_NAME: {
        Ref: named(app, 'AWS::Cognito::UserPoolIdentityProvider', 'UserPoolOkta').id,
      },
      ALLOWED_CLIENT_IDS: { Ref: named(app, 'AWS::Cognito::UserPoolClient', 'UserPoolWebClient').id },
      URL_EXPIRY_SECONDS: '300',
      MAX_UPLOAD_BYTES: String(10 * 1024 * 1024),
    });
    expect(only(app, 'AWS::ApiGateway::Authorizer').Properties.ProviderARNs).toEqual([
      { 'Fn::GetAtt': [named(app, 'AWS::Cognito::UserPool', 'UserPool').id, 'Arn'] },
    ]);
    expect(only(app, 'AWS::ApiGateway::Stage').Properties.MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 }),
    ]);
  });
});

describe('PresignApi with imported resources', () => {
  /** These tests read the template, not the code: skip bundling the Lambda (about a second each). */
  const withoutBundling = () => new App({ context: { [cxapi.BUNDLING_STACKS]: [] } });
  const stack = new Stack(withoutBundling(), 'S');
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-west-1_abc');
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'existing-bucket');

  test('rejects bad props, naming each', () => {
    expect(
      () =>
        new PresignApi(stack, 'Bad', {
          userPool,
          bucket,
          allowedOrigins: [],
          urlExpiry: Duration.hours(2),
          maxUploadBytes: 0,
          maxMultipartUploadBytes: 10_000 * 5 * 1024 ** 3 + 1,
          listPageSize: 5000,
          providerName: 'Okta_Workforce',
        }),
    ).toThrow(
      /^PresignApi at \S+\/Bad: urlExpiry: must be 1 to 30 minutes; allowedOrigins: must name at least one origin; providerName: must be 3-32 characters, no whitespace, no _ after the first \(Cognito ProviderName\); maxUploadBytes: must be an integer from 1 to 5 GiB; maxMultipartUploadBytes: must be an integer from 1 to 53687091200000 \(48\.8 TiB, S3’s largest object\); listPageSize: must be an integer from 1 to 1000$/,
    );
  });

  test('takes an unresolved provider name as it is (checked by Cognito at deploy)', () => {
    const named = new Stack(withoutBundling(), 'Named');
    const pool = cognito.UserPool.fromUserPoolId(named, 'Pool', 'eu-west-1_abc');
    const existing = s3.Bucket.fromBucketName(named, 'B', 'existing-bucket');
    const providerName = new CfnParameter(named, 'Provider').valueAsString;
    new PresignApi(named, 'Api', {
      userPool: pool,
      bucket: existing,
      allowedOrigins: ['https://app.example'],
      providerName,
    });
    Template.fromStack(named).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ IDENTITY_PROVIDER_NAME: { Ref: 'Provider' } }) },
    });
  });

  test('rejects origins with paths, wildcards or plain http', () => {
    expect(
      () =>
        new PresignApi(stack, 'BadOrigins', {
          userPool,
          bucket,
          allowedOrigins: ['https://app.example/', 'http://app.example'],
        }),
    ).toThrow(
      /allowedOrigins: "https:\/\/app.example\/" is not an https origin.*allowedOrigins: "http:\/\/app.example" is not/,
    );
  });

  test('creates the account-wide logging role only when asked', () => {
    const withRole = new Stack(withoutBundling(), 'WithRole');
    new PresignApi(withRole, 'Api', {
      userPool: cognito.UserPool.fromUserPoolId(withRole, 'Pool', 'eu-west-1_abc'),
      bucket: s3.Bucket.fromBucketName(withRole, 'B', 'some-bucket'),
      allowedOrigins: ['https://a.example'],
      createApiGatewayLogRole: true,
    });
    Template.fromStack(withRole).resourceCountIs('AWS::ApiGateway::Account', 1);
    // The file's stack leaves createApiGatewayLogRole at its default.
    expect(ofType('AWS::ApiGateway::Account')).toEqual([]);
  });

  test('works with an existing bucket and user pool', () => {
    new PresignApi(stack, 'Api', { userPool, bucket, allowedOrigins: ['https://a.example'] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          BUCKET_NAME: 'existing-bucket',
          URL_EXPIRY_SECONDS: '300',
          IDENTITY_PROVIDER_NAME: 'Okta',
          ALLOWED_CLIENT_IDS: '',
        },
      },
    });
    t.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'S-Api' });
  });
});
