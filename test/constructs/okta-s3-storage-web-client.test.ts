import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { OktaFederation, OktaS3Storage, OktaS3StorageProps, WebClientOptions } from '../../lib';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  connectSourceList,
  hostedClient,
  parseContentSecurityPolicy,
} from '../../emulator/model/content-security-policy';
import { resourcesOfType } from '../../emulator/model/template-query';
import { TEST_CLIENT_IDS, TEST_ISSUER, STORE_ENV, STORE_USER_POOL } from '../support/config';
import { only } from '../support/resources';

const ENV = STORE_ENV;
const USER_POOL = STORE_USER_POOL;
const CERTIFICATE = 'arn:aws:acm:us-east-1:111122223333:certificate/11111111-2222-3333-4444-555555555555';

let build: string;
beforeAll(() => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'web-client-build-'));
  fs.writeFileSync(path.join(build, 'index.html'), '<!doctype html>\n');
});
afterAll(() => fs.rmSync(build, { recursive: true, force: true }));

/** The store with a hosted client in a bare stack; `webClient` adds to the options. */
function storeWithClient(
  extra: Partial<OktaS3StorageProps> = {},
  webClient: (stack: Stack) => Partial<WebClientOptions> = () => ({}),
  issuer: (stack: Stack) => string = () => TEST_ISSUER,
) {
  const stack = new Stack(new App(), 'Store', { env: ENV });
  const federation = OktaFederation.fromIssuer(stack, 'Okta', {
    issuer: issuer(stack),
    clientIds: TEST_CLIENT_IDS,
  });
  const store = new OktaS3Storage(stack, 'Files', {
    federation,
    allowedOrigins: ['https://files.example.com'],
    userPool: USER_POOL,
    webClient: { source: s3deploy.Source.asset(build), ...webClient(stack) },
    ...extra,
  });
  store.addOutputs();
  return { stack, store, template: Template.fromStack(stack) };
}

const withDomain = (domainName: string) => (stack: Stack) => ({
  domainName,
  certificate: acm.Certificate.fromCertificateArn(stack, 'Certificate', CERTIFICATE),
});

describe('OktaS3Storage with a hosted web client', () => {
  test('adds the client’s origin to the CORS rules and <origin>/ to the redirects, once', () => {
    // Already listed by hand: nothing is added twice.
    const { template } = storeWithClient(
      { userPool: { ...USER_POOL, logoutUrls: ['https://files.example.com/', 'https://app.example.com/'] } },
      withDomain('app.example.com'),
    );
    const data = only(template, 'AWS::S3::Bucket', { CorsConfiguration: Match.anyValue() });
    expect(data.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([
      'https://files.example.com',
      'https://app.example.com',
    ]);
    const client = only(template, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client.CallbackURLs).toEqual([
      'https://files.example.com/callback',
      'https://app.example.com/callback',
    ]);
    expect(client.LogoutURLs).toEqual(['https://files.example.com/', 'https://app.example.com/']);
    const outputs = template.toJSON().Outputs;
    expect(outputs.WebClientUrl.Value).toBe('https://app.example.com/');
    const distribution = only(template, 'AWS::CloudFront::Distribution');
    expect(outputs.WebClientDistributionDomain.Value).toEqual({
      'Fn::GetAtt': [distribution.id, 'DomainName'],
    });
    expect(outputs.AllowedOrigins.Value).toBe('https://files.example.com,https://app.example.com');
  });

  test('with "*" allowed, the CORS rules keep "*" alone; the redirects still get the client', () => {
    const { template } = storeWithClient(
      { allowedOrigins: ['*'], allowAnyOrigin: true },
      withDomain('app.example.com'),
    );
    const rules = resourcesOfType(resolveTemplate(template.toJSON(), ENV), 'AWS::S3::Bucket').flatMap(
      (b) => (b.props.CorsConfiguration as any)?.CorsRules ?? [],
    );
    expect(rules.map((r: any) => r.AllowedOrigins)).toEqual([['*']]);
    expect(only(template, 'AWS::Cognito::UserPoolClient').Properties.CallbackURLs).toEqual([
      'https://files.example.com/callback',
      'https://app.example.com/callback',
    ]);
  });

  test('the CSP allows the Okta issuer’s origin, not only its path', () => {
    const { template } = storeWithClient(
      {},
      () => ({}),
      () => 'https://acme.okta.com/oauth2/aus1a2b3c',
    );
    const csp = parseContentSecurityPolicy(
      hostedClient(resolveTemplate(template.toJSON(), ENV)).contentSecurityPolicy!,
    );
    expect(connectSourceList(csp)).toContain('https://acme.okta.com');
  });

  test('names its bucket and URL in the outputs, and only when it exists', () => {
    const { template } = storeWithClient();
    const outputs = template.toJSON().Outputs;
    const files = resourcesOfType(resolveTemplate(template.toJSON(), ENV), 'AWS::S3::Bucket').filter((b) =>
      b.id.startsWith('FilesWebClientFiles'),
    );
    expect(outputs.WebClientBucketName.Value).toEqual({ Ref: files[0].id });
    const stack = new Stack(new App(), 'Plain', { env: ENV });
    const federation = OktaFederation.fromIssuer(stack, 'Okta', {
      issuer: TEST_ISSUER,
      clientIds: TEST_CLIENT_IDS,
    });
    new OktaS3Storage(stack, 'Files', {
      federation,
      allowedOrigins: ['https://files.example.com'],
      userPool: USER_POOL,
    }).addOutputs();
    const plain = Object.keys(Template.fromStack(stack).toJSON().Outputs);
    expect(plain).not.toContain('WebClientUrl');
    expect(plain).not.toContain('WebClientBucketName');
    expect(plain).not.toContain('WebClientDistributionDomain');
  });
});
