import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  allowsConnection,
  allowsLoad,
  hostedClient,
  parseContentSecurityPolicy,
  previewLoads,
  sourceListFor,
  workerLoads,
  referenceClientCalls,
  refusedCalls,
  sourceMatches,
} from '../../emulator/model/content-security-policy';
import { TEST_ENVIRONMENT_PLACES, webClientTestConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

/**
 * The hosted web client's Content-Security-Policy against every call the reference client makes
 * (emulator/model/content-security-policy.ts). The environments are the test configuration's,
 * hosting the web client: dev on CloudFront's own domain, prod on a domain name of its own.
 */
const ENVIRONMENTS = TEST_ENVIRONMENT_PLACES;
type Env = keyof typeof ENVIRONMENTS;

const webTemplate = (env: Env) =>
  resolveTemplate(templateJson(webClientTestConfig(), { env }), ENVIRONMENTS[env]);

/** A fixture: the environment as deployed, with its CSP header changed (e.g. one source dropped). */
function withCsp(env: Env, change: (csp: string) => string) {
  // A copy: the shared template is frozen.
  const template = resolveTemplate(
    structuredClone(templateJson(webClientTestConfig(), { env })),
    ENVIRONMENTS[env],
  );
  const [policy] = Object.values(template.resources).filter(
    (r) => r.Type === 'AWS::CloudFront::ResponseHeadersPolicy',
  ) as any[];
  const header = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy;
  const changed = change(header.ContentSecurityPolicy);
  if (changed === header.ContentSecurityPolicy) throw new Error('the fixture changed nothing');
  header.ContentSecurityPolicy = changed;
  return template;
}
const dropping = (source: RegExp) => (csp: string) => csp.replace(source, '');

/** The previews a directive of the hosted client's CSP refuses. */
async function refusedPreviews(template: ReturnType<typeof webTemplate>): Promise<string[]> {
  const client = hostedClient(template);
  const policy = parseContentSecurityPolicy(client.contentSecurityPolicy!);
  return (await previewLoads(template))
    .filter((load) => !allowsLoad(policy, load.directive, load.url, client.origin))
    .map((load) => load.what);
}

/** The workers the hosted client's CSP refuses. */
function refusedWorkers(template: ReturnType<typeof webTemplate>): string[] {
  const client = hostedClient(template);
  const policy = parseContentSecurityPolicy(client.contentSecurityPolicy!);
  return workerLoads(client.origin)
    .filter((load) => !allowsLoad(policy, load.directive, load.url, client.origin))
    .map((load) => load.what);
}

/** A fixture's change to one directive of the CSP only. */
const inDirective = (directive: string, change: (sources: string) => string) => (csp: string) =>
  csp.replace(
    new RegExp(`(${directive} )([^;]*)`),
    (_, name: string, sources: string) => name + change(sources),
  );

describe('CSP source matching, as browsers apply it', () => {
  const self = 'https://d111111abcdef8.cloudfront.net';
  const allows = (source: string, url: string) => sourceMatches(source, new URL(url), self);

  test("'self' is the page's origin only", () => {
    expect(allows("'self'", `${self}/okta-s3-client.json`)).toBe(true);
    expect(allows("'self'", 'https://d222222abcdef8.cloudfront.net/x')).toBe(false);
  });

  test('a wildcard host matches every subdomain of the host, but not the host itself', () => {
    expect(allows('https://*.s3.eu-west-1.amazonaws.com', 'https://b.s3.eu-west-1.amazonaws.com/k')).toBe(
      true,
    );
    expect(allows('https://*.s3.eu-west-1.amazonaws.com', 'https://s3.eu-west-1.amazonaws.com/b/k')).toBe(
      false,
    );
    expect(allows('https://*.s3.eu-west-1.amazonaws.com', 'https://b.s3.us-east-1.amazonaws.com/k')).toBe(
      false,
    );
  });

  test('a host source matches its scheme (http also https), host and default port; a path narrows it', () => {
    expect(allows('https://sts.eu-west-1.amazonaws.com', 'https://sts.eu-west-1.amazonaws.com/')).toBe(true);
    expect(allows('http://example.com', 'https://example.com/')).toBe(true);
    expect(allows('https://example.com', 'http://example.com/')).toBe(false);
    expect(allows('https://example.com', 'https://example.com:8443/')).toBe(false);
    expect(allows('https://example.com:*', 'https://example.com:8443/')).toBe(true);
    expect(allows('https://example.com/v1/', 'https://example.com/v1/files')).toBe(true);
    expect(allows('https://example.com/v1/', 'https://example.com/v2/files')).toBe(false);
    expect(allows('https://example.com/v1', 'https://example.com/v1/files')).toBe(false);
  });

  test("'none' and keywords match no URL; connect-src falls back to default-src; no policy allows all", () => {
    expect(allows("'none'", `${self}/x`)).toBe(false);
    expect(allows("'unsafe-inline'", `${self}/x`)).toBe(false);
    expect(allowsConnection(parseContentSecurityPolicy("default-src 'self'"), `${self}/x`, self)).toBe(true);
    expect(allowsConnection(parseContentSecurityPolicy("default-src 'none'"), `${self}/x`, self)).toBe(false);
    expect(
      allowsConnection(parseContentSecurityPolicy("script-src 'self'"), 'https://any.example/', self),
    ).toBe(true);
    // The first directive of a name counts.
    const twice = parseContentSecurityPolicy("connect-src 'none'; connect-src *");
    expect(allowsConnection(twice, 'https://any.example/', self)).toBe(false);
  });
});

describe.each(Object.keys(ENVIRONMENTS) as Env[])('the hosted client of the test %s environment', (env) => {
  const template = webTemplate(env);

  test('gets its CSP from CloudFront on every response, replacing any the bucket sends', () => {
    const client = hostedClient(template);
    expect(client.contentSecurityPolicy).toMatch(/connect-src 'self' /);
    expect(client.overridesOrigin).toBe(true);
  });

  test('calls its configuration, Okta, the hosted UI, the identity pool, STS, S3 and the presign API', async () => {
    const { region } = ENVIRONMENTS[env];
    const hosts = [...new Set((await referenceClientCalls(template)).map((c) => new URL(c.url).host))];
    expect(hosts).toEqual([
      new URL(hostedClient(template).origin).host,
      'test.okta.example',
      `test-files-${env}.auth.${region}.amazoncognito.com`,
      `cognito-identity.${region}.amazonaws.com`,
      `sts.${region}.amazonaws.com`,
      `${template.outputs.BucketName}.s3.${region}.amazonaws.com`,
      new URL(template.outputs.ApiUrl as string).host,
    ]);
  });

  test('every one of those calls is allowed by its connect-src', async () => {
    expect(await refusedCalls(template)).toEqual([]);
  });

  test('the zip of a multi-file download runs in a blob: worker the CSP allows', () => {
    expect(refusedWorkers(template)).toEqual([]);
  });

  test('Storage Browser’s image and video previews of a file are allowed by img-src and media-src', async () => {
    const loads = await previewLoads(template);
    expect(loads.map((l) => new URL(l.url).host)).toEqual([
      `${template.outputs.BucketName}.s3.${ENVIRONMENTS[env].region}.amazonaws.com`,
      `${template.outputs.BucketName}.s3.${ENVIRONMENTS[env].region}.amazonaws.com`,
    ]);
    expect(await refusedPreviews(template)).toEqual([]);
  });
});

describe('the worker rule fails on a CSP that leaves workers to script-src', () => {
  test("without worker-src, script-src 'self' applies, and a blob: worker is refused", () => {
    const broken = withCsp('dev', dropping(/worker-src [^;]*; /));
    expect(hostedClient(broken).contentSecurityPolicy).not.toContain('worker-src');
    expect(refusedWorkers(broken)).toEqual(['zip download of several files']);
  });

  test("worker-src 'self' is not enough: a blob: URL matches only the blob: scheme source", () => {
    const broken = withCsp(
      'dev',
      inDirective('worker-src', () => "'self'"),
    );
    expect(refusedWorkers(broken)).toEqual(['zip download of several files']);
  });

  test('child-src comes before script-src when worker-src is absent', () => {
    const policy = parseContentSecurityPolicy("script-src 'self'; child-src blob:");
    expect(sourceListFor(policy, 'worker-src')).toEqual(['blob:']);
    expect(sourceListFor(parseContentSecurityPolicy("default-src 'none'"), 'worker-src')).toEqual(["'none'"]);
  });
});

describe('the preview rule fails on a CSP without the bucket in img-src or media-src', () => {
  test('img-src without the bucket: the image preview is refused, the video still plays', async () => {
    const broken = withCsp(
      'dev',
      inDirective('img-src', (sources) => sources.replace(/ https:\/\/\S+/, '')),
    );
    expect(await refusedPreviews(broken)).toEqual(['image preview']);
  });

  test('no media-src: default-src applies, and the video preview is refused', async () => {
    const broken = withCsp('prod', (csp) => csp.replace(/media-src [^;]*; /, ''));
    expect(await refusedPreviews(broken)).toEqual(['video preview']);
  });
});

describe('the rule fails on a CSP missing an origin the client calls', () => {
  test('without STS, route 2 is refused and nothing else', async () => {
    const broken = withCsp('dev', dropping(/ https:\/\/sts\.eu-west-1\.amazonaws\.com/));
    expect((await refusedCalls(broken)).map((c) => c.what)).toEqual(['STS web identity (route 2)']);
  });

  test('without the data bucket, every S3 request and presigned URL is refused', async () => {
    const broken = withCsp(
      'prod',
      inDirective('connect-src', (sources) =>
        dropping(/ https:\/\/storagedata[a-z0-9]+\.s3\.us-east-1\.amazonaws\.com/)(sources),
      ),
    );
    expect((await refusedCalls(broken)).map((c) => c.what)).toEqual([
      'S3 list (routes 1 and 2)',
      'S3 upload (routes 1 and 2)',
      'S3 multipart upload (routes 1 and 2)',
      'S3 download (routes 1 and 2)',
      'presigned PUT (route 3)',
      'presigned POST (route 3)',
      'presigned GET (route 3)',
    ]);
  });

  test('on a path-style or other-region host, the client’s virtual-hosted bucket is refused', async () => {
    const broken = withCsp(
      'dev',
      inDirective('connect-src', (sources) =>
        sources.replace(
          'https://*.s3.eu-west-1.amazonaws.com',
          'https://s3.eu-west-1.amazonaws.com https://*.s3.us-east-1.amazonaws.com',
        ),
      ),
    );
    expect((await refusedCalls(broken)).length).toBe(7);
  });

  test('without the hosted UI, its token endpoint is refused', async () => {
    const broken = withCsp('dev', dropping(/ https:\/\/test-files-dev\.auth\.[^ ]+/));
    expect((await refusedCalls(broken)).map((c) => c.what)).toEqual(['hosted UI token endpoint']);
  });
});
