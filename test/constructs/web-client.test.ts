import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { WebClient, WebClientProps } from '../../lib/constructs/web-client';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  allowsConnection,
  allowsLoad,
  connectSourceList,
  parseContentSecurityPolicy,
  sourceListFor,
} from '../../emulator/model/content-security-policy';
import { allOf, named, only } from '../support/resources';

const US_EAST_1_CERTIFICATE =
  'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const BPA_ALL = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

/** A stand-in for `npm run build:web`'s output: the construct needs only a folder. */
let build: string;
beforeAll(() => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'web-client-build-'));
  fs.writeFileSync(path.join(build, 'index.html'), '<!doctype html><title>client</title>\n');
});
afterAll(() => fs.rmSync(build, { recursive: true, force: true }));

/** The construct alone in a bare stack (an app without feature flags). */
function bare(props: Partial<WebClientProps> = {}, configure?: (web: WebClient, stack: Stack) => void) {
  const stack = new Stack();
  const web = new WebClient(stack, 'Web', { source: s3deploy.Source.asset(build), ...props });
  configure?.(web, stack);
  return { stack, web, template: Template.fromStack(stack) };
}

const withDomain = (stack: Stack): Partial<WebClientProps> => ({
  domainName: 'files.example.com',
  certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', US_EAST_1_CERTIFICATE),
});

const distributionConfig = (template: Template) =>
  only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;

/** What the CloudFront Function's code does to a request's URI, run as CloudFront runs its handler. */
function rewriteOf(code: string): (uri: string) => string {
  const handler = vm.runInNewContext(`${code}\n;handler`) as (event: unknown) => { uri: string };
  return (uri) => handler({ request: { uri, method: 'GET', querystring: {}, headers: {}, cookies: {} } }).uri;
}

/** The deployed CSP with every token resolved as CloudFormation would (test account and region). */
function resolvedCsp(template: Template): string {
  const resolved = resolveTemplate(template.toJSON(), { account: '111122223333', region: 'eu-west-1' });
  const [policy] = Object.values(resolved.resources).filter(
    (r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
  ) as any[];
  return policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
    .ContentSecurityPolicy;
}

describe('WebClient on CloudFront’s own domain', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = bare());
  });

  test('serves HTTPS only: plain HTTP is redirected, and only GET and HEAD reach the bucket', () => {
    const behavior = distributionConfig(template).DefaultCacheBehavior;
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    // CloudFront's default certificate: no custom certificate, no alias.
    expect(distributionConfig(template).ViewerCertificate).toBeUndefined();
    expect(distributionConfig(template).Aliases).toBeUndefined();
  });

  test('reads the bucket only through origin access control, signing every request', () => {
    const [origin] = distributionConfig(template).Origins;
    const oac = only(template, 'AWS::CloudFront::OriginAccessControl');
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac.id, 'Id'] });
    expect(origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const files = named(template, 'AWS::S3::Bucket', 'WebFiles');
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [files.id, 'RegionalDomainName'] });
  });

  test('the client bucket is private: only the distribution may read it, over TLS 1.2 or later', () => {
    const files = named(template, 'AWS::S3::Bucket', 'WebFiles');
    expect(files.Properties.PublicAccessBlockConfiguration).toEqual(BPA_ALL);
    expect(files.Properties.WebsiteConfiguration).toBeUndefined();
    expect(files.Properties.AccessControl).toBeUndefined();
    expect(files.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(files.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(files.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const statements = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: files.id } }).Properties
      .PolicyDocument.Statement;
    const allows = statements.filter((s: any) => s.Effect === 'Allow');
    const distribution = only(template, 'AWS::CloudFront::Distribution');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [files.id, 'Arn'] }, '/*']] },
        Condition: {
          StringEquals: {
            'AWS:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudfront::',
                  { Ref: 'AWS::AccountId' },
                  ':distribution/',
                  { Ref: distribution.id },
                ],
              ],
            },
          },
        },
      },
    ]);
    const denies = statements.filter((s: any) => s.Effect === 'Deny').map((s: any) => s.Condition);
    expect(denies).toEqual(
      expect.arrayContaining([
        { Bool: { 'aws:SecureTransport': 'false' } },
        { NumericLessThan: { 's3:TlsVersion': 1.2 } },
      ]),
    );
  });

  test('index.html is the default root object, and no error response hides a missing file', () => {
    expect(distributionConfig(template).DefaultRootObject).toBe('index.html');
    expect(distributionConfig(template).CustomErrorResponses).toBeUndefined();
  });

  test('answers the sign-in callback, and only it, with index.html (a CloudFront Function)', () => {
    const fn = only(template, 'AWS::CloudFront::Function');
    expect(distributionConfig(template).DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } },
    ]);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const rewrite = rewriteOf(fn.Properties.FunctionCode);
    expect(rewrite('/callback')).toBe('/index.html');
    for (const uri of ['/', '/app.js', '/callback/', '/callback/x', '/CALLBACK', '/okta-s3-client.json'])
      expect(rewrite(uri)).toBe(uri);
  });

  test('logs every request: CloudFront to an ACL-enabled log bucket, the client bucket by bucket policy', () => {
    const logs = named(template, 'AWS::S3::Bucket', 'WebAccessLogs');
    const files = named(template, 'AWS::S3::Bucket', 'WebFiles');
    expect(distributionConfig(template).Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logs.id, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    expect(files.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs.id },
      LogFilePrefix: 'web-client-bucket/',
    });
    // CloudFront's standard logs need ACLs; no public ACL is possible, none is set.
    expect(logs.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'ObjectWriter' }] });
    expect(logs.Properties.PublicAccessBlockConfiguration).toEqual(BPA_ALL);
    expect(logs.Properties.AccessControl).toBeUndefined();
    expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'expire-access-logs', ExpirationInDays: 365, Status: 'Enabled' },
    ]);
    const delivery = only(template, 'AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs.id },
    }).Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(delivery).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logs.id, 'Arn'] }, '/web-client-bucket/*']] },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [files.id, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
  });

  test('adds security headers to every response, replacing any the origin sends', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(distributionConfig(template).DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: policy.id,
    });
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(headers.ContentSecurityPolicy.Override).toBe(true);
  });

  test('its CSP loads nothing from elsewhere, allows no framing, and lets it call only itself', () => {
    const csp = parseContentSecurityPolicy(resolvedCsp(template));
    expect(Object.fromEntries(csp)).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'worker-src': ['blob:'],
      'font-src': ["'self'"],
      'manifest-src': ["'self'"],
      'connect-src': ["'self'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
      'frame-ancestors': ["'none'"],
    });
  });

  test('deploys the build with a custom resource that needs no CloudFront permission', () => {
    const deployment = only(template, 'Custom::CDKBucketDeployment');
    const files = named(template, 'AWS::S3::Bucket', 'WebFiles');
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: files.id },
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(1);
    expect(deployment.Properties.DistributionId).toBeUndefined();
    const actions = allOf(template, 'AWS::IAM::Policy').flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
    );
    expect(actions.filter((a: string) => a.startsWith('cloudfront:'))).toEqual([]);
    // Its logs go to a log group of the stack, kept a year, not to one Lambda would make forever.
    const logGroup = named(template, 'AWS::Logs::LogGroup', 'WebDeploymentLogs');
    expect(logGroup.Properties.RetentionInDays).toBe(365);
    const [fn] = allOf(template, 'AWS::Lambda::Function');
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroup.id } });
  });

  test('keeps its buckets and logs when it leaves the stack', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      for (const r of allOf(template, type)) expect(r.DeletionPolicy).toBe('Retain');
    }
    expect(allOf(template, 'Custom::S3AutoDeleteObjects')).toEqual([]);
  });

  test('its origin is the distribution’s domain, a token resolved by CloudFormation', () => {
    const { stack, web } = bare();
    const distribution = only(Template.fromStack(stack), 'AWS::CloudFront::Distribution');
    expect(web.hasOwnDomain).toBe(false);
    expect(stack.resolve(web.origin)).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution.id, 'DomainName'] }]],
    });
  });
});

describe('WebClient on a domain name of its own', () => {
  test('serves it with the certificate, TLSv1.2_2021 or later and SNI', () => {
    const stack = new Stack();
    const web = new WebClient(stack, 'Web', { source: s3deploy.Source.asset(build), ...withDomain(stack) });
    const config = distributionConfig(Template.fromStack(stack));
    expect(config.Aliases).toEqual(['files.example.com']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: US_EAST_1_CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(web.origin).toBe('https://files.example.com');
    expect(web.callbackUrl).toBe('https://files.example.com/callback');
    expect(web.hasOwnDomain).toBe(true);
  });
});

describe('WebClient’s Content-Security-Policy', () => {
  test('names exactly the sources given and added, tokens resolved in CloudFormation', () => {
    let data: s3.Bucket | undefined;
    const { template } = bare({ connectSources: ['https://example.okta.com'] }, (web, stack) => {
      data = new s3.Bucket(stack, 'Data');
      web.addConnectSources(
        `https://${data.bucketName}.s3.${stack.region}.${stack.urlSuffix}`,
        `https://sts.${stack.region}.${stack.urlSuffix}`,
        'https://example.okta.com',
      );
    });
    const bucket = named(template, 'AWS::S3::Bucket', 'Data');
    const csp = parseContentSecurityPolicy(resolvedCsp(template));
    expect(connectSourceList(csp)).toEqual([
      "'self'",
      'https://example.okta.com',
      `https://${bucket.id.toLowerCase()}.s3.eu-west-1.amazonaws.com`,
      'https://sts.eu-west-1.amazonaws.com',
    ]);
    // In the template the bucket's name is a Ref, so the header follows the bucket CloudFormation made.
    const raw = only(template, 'AWS::CloudFront::ResponseHeadersPolicy').Properties;
    expect(JSON.stringify(raw)).toContain(JSON.stringify({ Ref: bucket.id }));
    const self = 'https://d111111abcdef8.cloudfront.net';
    expect(allowsConnection(csp, 'https://sts.eu-west-1.amazonaws.com/', self)).toBe(true);
    expect(allowsConnection(csp, 'https://sts.us-east-1.amazonaws.com/', self)).toBe(false);
    expect(allowsConnection(csp, 'https://attacker.s3.eu-west-1.amazonaws.com/x', self)).toBe(false);
  });

  test('images only from its origin and data: and video from nowhere, until media sources are given', () => {
    const plain = parseContentSecurityPolicy(resolvedCsp(bare({}).template));
    const self = 'https://d111111abcdef8.cloudfront.net';
    const photo = 'https://data.s3.eu-west-1.amazonaws.com/users/u/photo.jpg?X-Amz-Signature=x';
    expect(sourceListFor(plain, 'img-src')).toEqual(["'self'", 'data:']);
    expect(sourceListFor(plain, 'media-src')).toEqual(["'none'"]);
    expect(allowsLoad(plain, 'img-src', photo, self)).toBe(false);

    const { template } = bare({ mediaSources: ['https://data.s3.eu-west-1.amazonaws.com'] }, (web) =>
      web.addMediaSources('https://media.example.com', 'https://data.s3.eu-west-1.amazonaws.com'),
    );
    const csp = parseContentSecurityPolicy(resolvedCsp(template));
    expect(sourceListFor(csp, 'img-src')).toEqual([
      "'self'",
      'data:',
      'https://data.s3.eu-west-1.amazonaws.com',
      'https://media.example.com',
    ]);
    expect(sourceListFor(csp, 'media-src')).toEqual([
      'https://data.s3.eu-west-1.amazonaws.com',
      'https://media.example.com',
    ]);
    expect(allowsLoad(csp, 'img-src', photo, self)).toBe(true);
    expect(allowsLoad(csp, 'media-src', photo, self)).toBe(true);
    expect(allowsLoad(csp, 'media-src', 'https://other.s3.eu-west-1.amazonaws.com/v.mp4', self)).toBe(false);
    // Media sources widen neither fetch() nor XHR.
    expect(allowsConnection(csp, photo, self)).toBe(false);
  });
});

describe('WebClient’s configuration file', () => {
  test('is deployed beside the client, its tokens written at deploy time', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const table = new s3.Bucket(stack, 'Other');
    const web = new WebClient(stack, 'Web', {
      source: s3deploy.Source.asset(build),
      clientConfig: { bucket: table.bucketName, region: 'eu-west-1' },
    });
    const template = Template.fromStack(stack);
    const deployment = only(template, 'Custom::CDKBucketDeployment');
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    const other = named(template, 'AWS::S3::Bucket', 'Other');
    expect(deployment.Properties.SourceMarkers).toEqual([{}, { '<<marker:0xbaba:0>>': { Ref: other.id } }]);
    // The staged file holds the marker where the bucket's name goes.
    const assembly = app.synth();
    const staged = fs
      .readdirSync(assembly.directory)
      .map((entry) => path.join(assembly.directory, entry, 'okta-s3-client.json'))
      .filter((file) => fs.existsSync(file));
    expect(staged.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')))).toEqual([
      { bucket: '<<marker:0xbaba:0>>', region: 'eu-west-1' },
    ]);
    expect(() => web.deployClientConfig({})).toThrow(
      'WebClient at S/Web: clientConfig: okta-s3-client.json is already deployed; give it once',
    );
  });

  test('can be given after the construct, once', () => {
    const { template } = bare({}, (web) => web.deployClientConfig({ region: 'eu-west-1' }));
    expect(only(template, 'Custom::CDKBucketDeployment').Properties.SourceObjectKeys).toHaveLength(2);
  });
});

describe('WebClient options', () => {
  test('another callback path is the one rewritten, and the one in callbackUrl', () => {
    const { template, web } = bare({ callbackPath: '/auth/done' });
    const rewrite = rewriteOf(only(template, 'AWS::CloudFront::Function').Properties.FunctionCode);
    expect(rewrite('/auth/done')).toBe('/index.html');
    expect(rewrite('/callback')).toBe('/callback');
    expect(web.callbackUrl.endsWith('/auth/done')).toBe(true);
  });

  test('a destroy removal policy empties and deletes the buckets, and log retention is configurable', () => {
    const { template } = bare({
      removalPolicy: RemovalPolicy.DESTROY,
      accessLogRetention: Duration.days(30),
    });
    for (const bucket of allOf(template, 'AWS::S3::Bucket')) expect(bucket.DeletionPolicy).toBe('Delete');
    expect(allOf(template, 'Custom::S3AutoDeleteObjects')).toHaveLength(2);
    expect(
      named(template, 'AWS::S3::Bucket', 'WebAccessLogs').Properties.LifecycleConfiguration.Rules,
    ).toEqual([{ Id: 'expire-access-logs', ExpirationInDays: 30, Status: 'Enabled' }]);
  });
});

describe('WebClient refuses bad props, naming each', () => {
  const make = (props: (stack: Stack) => Partial<WebClientProps>) => () => {
    const stack = new Stack();
    new WebClient(stack, 'Web', { source: s3deploy.Source.asset(build), ...props(stack) });
  };
  const certificateIn = (stack: Stack, arn: string) => acm.Certificate.fromCertificateArn(stack, 'C', arn);

  test.each<[string, (stack: Stack) => Partial<WebClientProps>, string]>([
    [
      'a domain name without a certificate',
      () => ({ domainName: 'files.example.com' }),
      'WebClient at Default/Web: certificate: required with domainName (CloudFront serves a custom domain only with a certificate that covers it)',
    ],
    [
      'a certificate without a domain name',
      (stack) => ({ certificate: certificateIn(stack, US_EAST_1_CERTIFICATE) }),
      'domainName: required with certificate',
    ],
    [
      'a certificate outside us-east-1',
      (stack) => ({
        domainName: 'files.example.com',
        certificate: certificateIn(stack, US_EAST_1_CERTIFICATE.replace('us-east-1', 'eu-west-1')),
      }),
      'certificate: expected a certificate in us-east-1, the only region whose ACM certificates CloudFront can use (this one is in eu-west-1',
    ],
    [
      'a URL for a domain name',
      (stack) => ({ ...withDomain(stack), domainName: 'https://files.example.com' }),
      'domainName: "https://files.example.com" is not a host name',
    ],
    [
      'a plain-http source',
      () => ({ connectSources: ['http://api.example.com'] }),
      'connectSources: "http://api.example.com" is not an origin',
    ],
    ['a source with a path', () => ({ connectSources: ['https://api.example.com/v1'] }), 'connectSources:'],
    ['a bare wildcard', () => ({ connectSources: ['https://*'] }), 'connectSources: "https://*"'],
    [
      'a plain-http media source',
      () => ({ mediaSources: ['http://cdn.example.com'] }),
      'mediaSources: "http://cdn.example.com"',
    ],
    ...['callback', '/', '/a/../b', '/call back', "/x';alert(1)//"].map(
      (callbackPath): [string, (stack: Stack) => Partial<WebClientProps>, string] => [
        `the callback path ${callbackPath}`,
        () => ({ callbackPath }),
        `callbackPath: "${callbackPath}" is not a path such as /callback`,
      ],
    ),
    [
      'a fraction of a day',
      () => ({ accessLogRetention: Duration.hours(36) }),
      'accessLogRetention: expected a whole number of days, at least 1',
    ],
  ])('%s', (_name, props, message) => {
    expect(make(props)).toThrow(message);
  });

  test('every problem at once', () => {
    expect(make(() => ({ domainName: 'Files', connectSources: ['ftp://x.example'] }))).toThrow(
      /domainName: .*; certificate: .*; connectSources: /,
    );
  });

  test('addConnectSources checks what it adds', () => {
    expect(() => bare({}, (web) => web.addConnectSources('https://ok.example', '*'))).toThrow(
      'WebClient at Default/Web: connectSources: "*" is not',
    );
  });

  test('addMediaSources checks what it adds', () => {
    expect(() => bare({}, (web) => web.addMediaSources('https://ok.example', 'data:'))).toThrow(
      'WebClient at Default/Web: mediaSources: "data:" is not',
    );
  });

  test('values CloudFormation resolves are left to it', () => {
    const { template } = bare({}, (web, stack) =>
      web.addConnectSources(`https://files.${stack.region}.example`),
    );
    expect(JSON.stringify(only(template, 'AWS::CloudFront::ResponseHeadersPolicy'))).toContain(
      '{"Ref":"AWS::Region"}',
    );
  });
});
