import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { configure } from '../app/config/load';
import { ConfigValidationError } from '../app/config/validate';
import { frontEndConfig } from '../cli/client-config/main';
import type { Outputs } from '../cli/verify/outputs';
import { ResolvedTemplate, resolveTemplate } from '../emulator/iam/resolve-template';
import {
  connectSourceList,
  hostedClient,
  parseContentSecurityPolicy,
} from '../emulator/model/content-security-policy';
import { lambdaEnvironment, presignFunctionOf } from '../emulator/model/lambda-rules';
import { resourcesOfType } from '../emulator/model/template-query';
import {
  testConfig,
  TEST_ENVIRONMENT_PLACES,
  TEST_ORIGINS,
  TEST_WEB_DOMAIN,
  webClientTestConfig,
} from './support/config';
import { synthesize, SynthesizedStack } from './support/synth';
import { templateJson } from './support/template-cache';

/** The environments' test values for the pseudo parameters (their own accounts and regions). */
const ENV = TEST_ENVIRONMENT_PLACES;

const resolved = (env: keyof typeof ENV, json = templateJson(webClientTestConfig(), { env })) =>
  resolveTemplate(json, ENV[env]);

/** Every origin a CORS preflight of the presign API answers for (the static one and those it echoes). */
function preflightOrigins(template: ResolvedTemplate): string[][] {
  return resourcesOfType(template, 'AWS::ApiGateway::Method')
    .filter((m) => m.props.HttpMethod === 'OPTIONS')
    .map((m) => {
      const [response] = (m.props.Integration as any).IntegrationResponses;
      const fixed = response.ResponseParameters['method.response.header.Access-Control-Allow-Origin'];
      const echoed = [...response.ResponseTemplates['application/json'].matchAll(/\$origin == "([^"]+)"/g)];
      return [fixed.replace(/'/g, ''), ...echoed.map((m) => m[1])].sort();
    });
}

const dataBucketCors = (template: ResolvedTemplate) =>
  resourcesOfType(template, 'AWS::S3::Bucket').flatMap(
    (b) => (b.props.CorsConfiguration as any)?.CorsRules?.[0]?.AllowedOrigins ?? [],
  );

describe('the web client is off unless an environment turns it on', () => {
  test.each(['dev', 'prod'])('the test configuration’s %s has no CloudFront and no deployment', (env) => {
    const types = Object.values(templateJson(testConfig(), { env }).Resources).map((r: any) => r.Type);
    expect(types).not.toContain('AWS::CloudFront::Distribution');
    expect(types).not.toContain('Custom::CDKBucketDeployment');
  });
});

describe.each([
  ['dev', "CloudFront's own domain"],
  ['prod', 'a domain name of its own'],
] as const)('the app hosting the web client in %s (%s)', (env, _domain) => {
  let template: ResolvedTemplate;
  let origin: string;
  beforeAll(() => {
    template = resolved(env);
    origin = hostedClient(template).origin;
  });

  test('its origin joins the data bucket’s CORS, the API’s preflights and the Lambda’s allowed origins', () => {
    const configured = env === 'dev' ? TEST_ORIGINS : ['https://files.prod.example'];
    expect(dataBucketCors(template)).toEqual([...configured, origin]);
    for (const origins of preflightOrigins(template)) expect(origins).toEqual([...configured, origin].sort());
    const fn = presignFunctionOf(template);
    expect(lambdaEnvironment(template, fn).ALLOWED_ORIGINS).toBe([...configured, origin].join(','));
    expect(template.outputs.AllowedOrigins).toBe([...configured, origin].join(','));
  });

  test('<origin>/callback joins the user pool client’s callback URLs, <origin>/ its sign-out URLs', () => {
    const [client] = resourcesOfType(template, 'AWS::Cognito::UserPoolClient');
    const host = env === 'dev' ? 'https://files.test.example' : 'https://files.prod.example';
    expect(client.props.CallbackURLs).toEqual([`${host}/callback`, `${origin}/callback`]);
    expect(client.props.LogoutURLs).toEqual([`${host}/`, `${origin}/`]);
    expect(template.outputs.CallbackUrls).toBe(`${host}/callback,${origin}/callback`);
    expect(template.outputs.WebClientUrl).toBe(`${origin}/`);
  });

  test('its CSP names exactly the endpoints the reference client calls', () => {
    const { region } = ENV[env];
    const csp = parseContentSecurityPolicy(hostedClient(template).contentSecurityPolicy!);
    const [domain] = resourcesOfType(template, 'AWS::Cognito::UserPoolDomain');
    const [api] = resourcesOfType(template, 'AWS::ApiGateway::RestApi');
    const bucket = template.outputs.BucketName;
    expect(connectSourceList(csp)).toEqual([
      "'self'",
      'https://test.okta.example',
      `https://${domain.props.Domain}.auth.${region}.amazoncognito.com`,
      `https://cognito-identity.${region}.amazonaws.com`,
      `https://sts.${region}.amazonaws.com`,
      `https://${template.ref(api.id)}.execute-api.${region}.amazonaws.com`,
      // On CloudFront's own domain the bucket's name would close a dependency cycle (see
      // OktaS3Storage): any bucket of the region, virtual-hosted. With a domain name, only this one.
      env === 'dev' ? `https://*.s3.${region}.amazonaws.com` : `https://${bucket}.s3.${region}.amazonaws.com`,
    ]);
  });

  test('the origin is the distribution’s own domain, or the configured domain name', () => {
    const [distribution] = resourcesOfType(template, 'AWS::CloudFront::Distribution');
    expect(origin).toBe(
      env === 'dev'
        ? `https://${template.getAtt(distribution.id, 'DomainName')}`
        : `https://${TEST_WEB_DOMAIN}`,
    );
  });
});

describe('the configuration deployed beside the client', () => {
  let synthesized: SynthesizedStack;
  let assemblyDir: string;
  beforeAll(() => {
    synthesized = synthesize(webClientTestConfig(), { env: 'dev' });
    assemblyDir = synthesized.app.synth().directory;
  });

  test('is, once CloudFormation fills in its values, the okta-s3-client.json client-config writes', () => {
    const json = synthesized.template.toJSON();
    const [deployment] = Object.values(json.Resources).filter(
      (r: any) => r.Type === 'Custom::CDKBucketDeployment',
    ) as any[];
    // Resolve the markers' values as CloudFormation would, beside the stack's outputs.
    const withMarkers = {
      ...json,
      Outputs: { ...json.Outputs, Markers: { Value: deployment.Properties.SourceMarkers[1] } },
    };
    const template = resolveTemplate(withMarkers, ENV.dev);
    const markers = template.outputs.Markers as Record<string, string>;
    expect(Object.keys(markers).length).toBeGreaterThan(5);
    const [file] = fs
      .readdirSync(assemblyDir)
      .map((entry) => path.join(assemblyDir, entry, 'okta-s3-client.json'))
      .filter((f) => fs.existsSync(f));
    let text = fs.readFileSync(file, 'utf8');
    for (const [marker, value] of Object.entries(markers)) text = text.split(marker).join(value);
    expect(JSON.parse(text)).toEqual(frontEndConfig(template.outputs as unknown as Outputs));
  });
});

describe('an environment whose client is not built', () => {
  test('is one configuration problem naming the folder and the command that builds it', () => {
    const missing = fs.mkdtempSync(path.join(os.tmpdir(), 'no-build-'));
    const raw = webClientTestConfig();
    const dev = raw.environments.dev;
    const config = {
      ...raw,
      environments: { ...raw.environments, dev: { ...dev, webClient: { enabled: true, path: 'dist' } } },
    };
    let error: unknown;
    try {
      configure(config, (key) => (key === 'env' ? 'dev' : undefined), [], missing);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      'environments.dev.webClient.path: no built web client in dist (no index.html there); run `npm run build:web` first, or set webClient.enabled: false',
    ]);
    fs.writeFileSync(path.join(missing, 'index.html'), '<!doctype html>');
    fs.mkdirSync(path.join(missing, 'dist'));
    fs.renameSync(path.join(missing, 'index.html'), path.join(missing, 'dist', 'index.html'));
    const [environment] = configure(
      config,
      (key) => (key === 'env' ? 'dev' : undefined),
      [],
      missing,
    ).environments;
    expect(environment.webClient.path).toBe(path.join(missing, 'dist'));
    fs.rmSync(missing, { recursive: true, force: true });
  });

  test('does not stop an environment that leaves hosting off, or one not chosen', () => {
    const raw = webClientTestConfig();
    const config = {
      ...raw,
      environments: {
        ...raw.environments,
        prod: { ...raw.environments.prod, webClient: { enabled: true, path: '/nowhere/at/all' } },
      },
    };
    expect(() => configure(config, (key) => (key === 'env' ? 'dev' : undefined))).not.toThrow();
    expect(() => configure(config, (key) => (key === 'env' ? 'prod' : undefined))).toThrow(
      'environments.prod.webClient.path: no built web client in /nowhere/at/all',
    );
  });
});
