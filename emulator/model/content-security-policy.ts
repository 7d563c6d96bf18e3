/**
 * The hosted web client's Content-Security-Policy, as a browser applies it to what the client
 * calls.
 *
 * - CloudFront adds the response headers policy's `Content-Security-Policy` to every response of
 *   the cache behaviours it is attached to, replacing the origin's when `Override` is true
 *   (CloudFront Developer Guide, "Understand response headers policies", security headers,
 *   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html).
 * - `connect-src` governs `fetch()` and `XMLHttpRequest`, which is how the client, oidc-client-ts
 *   and the AWS SDK reach every endpoint; without it `default-src` applies (MDN, CSP connect-src,
 *   https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/connect-src,
 *   and default-src,
 *   https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/default-src).
 * - `img-src` governs `<img>` and `media-src` governs `<audio>` and `<video>`, each falling back to
 *   `default-src` when absent (MDN, CSP img-src,
 *   https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/img-src, and
 *   media-src, https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/media-src).
 *   Storage Browser previews a file in an `<img>` or a `<video>` whose `src` is a presigned GET URL
 *   from `getUrl` (@aws-amplify/ui-react-storage 3.18, `useFilePreview`, `ImagePreview`,
 *   `VideoPreview`).
 * - A URL is allowed when one source expression of the list matches it: `'self'` the page's own
 *   origin; a scheme source its scheme; a host source its scheme (http also matching https), its
 *   host (`*.example.com` any subdomain of example.com, not example.com itself), its port (the
 *   scheme's default when none is given) and, when given, its path (MDN, CSP source values,
 *   https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/Sources;
 *   W3C CSP Level 3, "Does url match expression in origin with redirect count?",
 *   https://www.w3.org/TR/CSP3/#match-url-to-source-expression). Redirects are not modelled: the
 *   client's calls are answered where they are sent.
 *
 * What the client calls is read from `examples/web` and addressed the way it addresses it: the
 * configuration file beside `index.html`, Okta's discovery document and token endpoint
 * (oidc-client-ts with the issuer as authority), the hosted UI's token endpoint
 * (`examples/web/src/sign-in.ts`), the identity pool, STS and S3 as the AWS SDK v3 clients address
 * them for the stack's region (asked of the real clients, which send nothing), the presign API's
 * routes (`new URL(route, apiUrl)`, `examples/web/src/routes.ts`) and the presigned URLs the real
 * presign Lambda code signs.
 */
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { frontEndConfig } from '../../cli/client-config/main';
import type { Outputs } from '../../cli/verify/outputs';
import { readConfig } from '../../lambda/presign/config';
import { s3Storage } from '../../lambda/presign/s3';
import { CLIENT_CONFIG_FILE } from '../../lib/client-config';
import type { ResolvedTemplate } from '../iam/resolve-template';
import { lambdaEnvironment, presignFunctionOf } from './lambda-rules';
import { resourceNamed, resourcesOfType } from './template-query';

/** A policy: each directive's name (lower case) and its source list. The first of a name counts. */
export type ContentSecurityPolicy = ReadonlyMap<string, readonly string[]>;

/** Parses a serialized policy (CSP3 §2.2.1): `;`-separated directives, a repeated name ignored. */
export function parseContentSecurityPolicy(text: string): ContentSecurityPolicy {
  const policy = new Map<string, string[]>();
  for (const token of text.split(';')) {
    const [name, ...sources] = token.trim().split(/\s+/);
    if (!name || policy.has(name.toLowerCase())) continue;
    policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

/** The fetch directives the client's loads are checked against. */
export type FetchDirective = 'connect-src' | 'img-src' | 'media-src' | 'worker-src';

/**
 * Where each directive falls back when absent: `default-src` for most, but `worker-src` first to
 * `child-src`, then `script-src`, then `default-src` (MDN, CSP worker-src,
 * https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/worker-src).
 */
const FALLBACKS: Record<FetchDirective, readonly string[]> = {
  'connect-src': ['default-src'],
  'img-src': ['default-src'],
  'media-src': ['default-src'],
  'worker-src': ['child-src', 'script-src', 'default-src'],
};

/** The source list a directive's loads are checked against; undefined when nothing restricts them. */
export function sourceListFor(
  policy: ContentSecurityPolicy,
  directive: FetchDirective,
): readonly string[] | undefined {
  for (const name of [directive, ...FALLBACKS[directive]]) {
    const sources = policy.get(name);
    if (sources) return sources;
  }
  return undefined;
}

/** The source list `fetch()` and XHR are checked against; undefined when nothing restricts them. */
export function connectSourceList(policy: ContentSecurityPolicy): readonly string[] | undefined {
  return sourceListFor(policy, 'connect-src');
}

const HOST_SOURCE =
  /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.?)(?::(\d+|\*))?(\/[^?#]*)?$/i;
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** CSP3 "scheme-part match": equal, or the expression's insecure scheme and the URL's secure one. */
function schemeMatches(expression: string, scheme: string): boolean {
  const a = expression.toLowerCase();
  return (
    a === scheme ||
    (a === 'http:' && scheme === 'https:') ||
    (a === 'ws:' && ['wss:', 'http:', 'https:'].includes(scheme)) ||
    (a === 'wss:' && scheme === 'https:')
  );
}

/** CSP3 "host-part match": `*` anything, `*.x` any host ending in `.x`, else the same host. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  return p === h;
}

/** Whether one source expression allows `url` for a page at `selfOrigin`. */
export function sourceMatches(expression: string, url: URL, selfOrigin: string): boolean {
  const self = new URL(selfOrigin);
  // A blob: URL (a worker made from script text) matches its scheme source alone: not 'self', not
  // '*', though its origin is the page's (the web-platform-tests list `blob:` beside the host,
  // content-security-policy/worker-src/shared-fallback.sub.html; Chromium refuses such a worker
  // under `script-src 'self'`).
  if (url.protocol === 'blob:' && !/^blob:$/i.test(expression)) return false;
  if (expression === "'self'") {
    // The page's origin, or the same host and port reached over the secure scheme.
    return (
      url.origin === self.origin ||
      (url.host === self.host && schemeMatches(self.protocol, url.protocol) && url.protocol !== self.protocol)
    );
  }
  if (expression.startsWith("'")) return false; // 'none', 'unsafe-inline', nonces, hashes: no URL
  if (expression === '*') return ['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol);
  if (/^[a-z][a-z0-9+.-]*:$/i.test(expression)) return schemeMatches(expression, url.protocol);
  const match = HOST_SOURCE.exec(expression);
  if (!match) return false;
  const [, scheme, host, port, path] = match;
  if (scheme ? !schemeMatches(`${scheme}:`, url.protocol) : !schemeMatches(self.protocol, url.protocol))
    return false;
  if (!hostMatches(host, url.hostname)) return false;
  const urlPort = url.port || DEFAULT_PORTS[url.protocol];
  if (port === undefined ? url.port !== '' : port !== '*' && port !== urlPort) return false;
  if (path && path !== '/') {
    const decoded = decodeURIComponent(url.pathname);
    return path.endsWith('/') ? decoded.startsWith(path) : decoded === path;
  }
  return true;
}

/** Whether the policy lets the page at `selfOrigin` call `url` with fetch or XHR. */
export function allowsConnection(policy: ContentSecurityPolicy, url: string, selfOrigin: string): boolean {
  return allowsLoad(policy, 'connect-src', url, selfOrigin);
}

/** Whether the policy lets the page at `selfOrigin` load `url` under `directive`. */
export function allowsLoad(
  policy: ContentSecurityPolicy,
  directive: FetchDirective,
  url: string,
  selfOrigin: string,
): boolean {
  const sources = sourceListFor(policy, directive);
  if (!sources) return true;
  return sources.some((source) => sourceMatches(source, new URL(url), selfOrigin));
}

/** The web client's distribution as deployed: its origin, and the policy of its default behaviour. */
export interface HostedClient {
  readonly distributionId: string;
  /** `https://<alias>` with a domain name of its own, else `https://<distribution domain>`. */
  readonly origin: string;
  /** The header as CloudFront sends it; undefined when the behaviour has no policy or no CSP. */
  readonly contentSecurityPolicy?: string;
  /** Whether CloudFront replaces a CSP the origin sends (else the origin's would win). */
  readonly overridesOrigin: boolean;
}

/** The one CloudFront distribution of the template, with the CSP its default behaviour adds. */
export function hostedClient(template: ResolvedTemplate): HostedClient {
  const distributions = resourcesOfType(template, 'AWS::CloudFront::Distribution');
  if (distributions.length !== 1) throw new Error(`Expected one distribution, found ${distributions.length}`);
  const [distribution] = distributions;
  const config = distribution.props.DistributionConfig as {
    Aliases?: string[];
    DefaultCacheBehavior: { ResponseHeadersPolicyId?: string };
  };
  const origin = config.Aliases?.length
    ? `https://${config.Aliases[0]}`
    : `https://${template.getAtt(distribution.id, 'DomainName')}`;
  const policy = resourceNamed(
    template,
    'AWS::CloudFront::ResponseHeadersPolicy',
    config.DefaultCacheBehavior.ResponseHeadersPolicyId,
  );
  const csp = (
    policy?.props.ResponseHeadersPolicyConfig as
      | {
          SecurityHeadersConfig?: {
            ContentSecurityPolicy?: { ContentSecurityPolicy: string; Override: boolean };
          };
        }
      | undefined
  )?.SecurityHeadersConfig?.ContentSecurityPolicy;
  return {
    distributionId: template.ref(distribution.id),
    origin,
    contentSecurityPolicy: csp?.ContentSecurityPolicy,
    overridesOrigin: csp?.Override === true,
  };
}

/** One file preview Storage Browser shows: the element's directive and its presigned GET URL. */
export interface PreviewLoad {
  readonly what: string;
  readonly directive: FetchDirective;
  readonly url: string;
}

/**
 * The previews of a file in the caller's prefix, as Storage Browser shows them on route 1: an
 * image and a video, each from the URL the AWS SDK presigns for GetObject on the stack's bucket.
 */
export async function previewLoads(template: ResolvedTemplate): Promise<PreviewLoad[]> {
  const { region, bucket } = frontEndConfig(template.outputs as unknown as Outputs);
  const options = { region, credentials: OFFLINE_CREDENTIALS, requestHandler: NO_NETWORK };
  const url = await sdkRequestUrl(
    new S3Client(options),
    new GetObjectCommand({ Bucket: bucket, Key: 'users/00u0example/photo.jpg' }),
  );
  return [
    { what: 'image preview', directive: 'img-src', url },
    { what: 'video preview', directive: 'media-src', url },
  ];
}

/**
 * The workers the file browser starts: Storage Browser's multi-file download writes its zip with
 * zip.js (@aws-amplify/ui-react-storage 3.18, actions/handlers/zipdownload), whose codecs run in a
 * Web Worker made from a `blob:` URL of its inline script by default (@zip.js/zip.js
 * lib/core/codec-pool.js: a worker unless an entry is stored without a CRC, and every zip entry has one).
 */
export function workerLoads(origin: string): PreviewLoad[] {
  return [
    {
      what: 'zip download of several files',
      directive: 'worker-src',
      url: `blob:${origin}/00000000-0000-4000-8000-000000000000`,
    },
  ];
}

/** One request the reference client makes, and why. */
export interface ClientCall {
  readonly what: string;
  readonly url: string;
}

/** Every URL the reference client (examples/web) calls when served by this template's distribution. */
export async function referenceClientCalls(template: ResolvedTemplate): Promise<ClientCall[]> {
  const { origin } = hostedClient(template);
  // The configuration the client loads: client-config's, from the stack's outputs.
  const config = frontEndConfig(template.outputs as unknown as Outputs);
  const { region, bucket } = config;
  // Static stand-in credentials, and a handler that refuses to send: nothing leaves the process.
  const options = { region, credentials: OFFLINE_CREDENTIALS, requestHandler: NO_NETWORK };
  const s3 = (command: any) => sdkRequestUrl(new S3Client(options), command);
  const key = 'users/00u0example/f';
  const calls: [string, string | Promise<string>][] = [
    [`the configuration (${CLIENT_CONFIG_FILE})`, new URL(CLIENT_CONFIG_FILE, `${origin}/`).href],
    ['Okta discovery', `${config.okta.issuer}/.well-known/openid-configuration`],
    ['Okta token endpoint', `${config.okta.issuer}/v1/token`],
    ['hosted UI token endpoint', `https://${config.presignApi.userPool.domain}/oauth2/token`],
    [
      'identity pool (route 1)',
      sdkRequestUrl(new CognitoIdentityClient(options), new GetIdCommand({ IdentityPoolId: 'x' })),
    ],
    [
      'STS web identity (route 2)',
      sdkRequestUrl(
        new STSClient(options),
        new AssumeRoleWithWebIdentityCommand({ RoleArn: 'r', RoleSessionName: 's', WebIdentityToken: 't' }),
      ),
    ],
    [
      'S3 list (routes 1 and 2)',
      s3(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'users/00u0example/' })),
    ],
    ['S3 upload (routes 1 and 2)', s3(new PutObjectCommand({ Bucket: bucket, Key: key }))],
    [
      'S3 multipart upload (routes 1 and 2)',
      s3(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })),
    ],
    ['S3 download (routes 1 and 2)', s3(new GetObjectCommand({ Bucket: bucket, Key: key }))],
    ...['files', 'folders', 'uploads', 'downloads'].map((route): [string, string] => [
      `presign API ${route} (route 3)`,
      new URL(route, config.presignApi.url).href,
    ]),
    ...(await presignedUrls(template, key)),
  ];
  return Promise.all(calls.map(async ([what, url]) => ({ what, url: await url })));
}

/** The presigned PUT, POST and GET URLs the real presign Lambda code signs for this stack. */
async function presignedUrls(template: ResolvedTemplate, key: string): Promise<[string, string][]> {
  const config = readConfig(lambdaEnvironment(template, presignFunctionOf(template)));
  const storage = s3Storage({ bucket: config.bucketName, region: config.region })({
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'example',
    sessionToken: 'example',
    expiration: new Date('2100-01-01T00:00:00Z'),
  });
  const signing = { signingDate: new Date('2026-01-01T00:00:00Z'), expiresIn: 300 };
  const upload = { contentType: 'text/plain', size: 1 };
  return [
    ['presigned PUT (route 3)', await storage.presignPut(key, upload, signing)],
    ['presigned POST (route 3)', (await storage.presignPost(key, upload, signing)).url],
    ['presigned GET (route 3)', await storage.presignGet(key, signing)],
  ];
}

const OFFLINE_CREDENTIALS = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'example' };
/** A request handler that sends nothing: reached only if the marker below failed to stop a request. */
const NO_NETWORK = {
  handle: async () => {
    throw new Error('the content-security-policy model never sends a request');
  },
};

/** A marker thrown once the URL is known, so that no request is sent. */
class Addressed extends Error {
  constructor(readonly url: string) {
    super(url);
  }
}

/**
 * The URL an AWS SDK v3 client sends a command to, taken after the SDK resolved its endpoint and
 * before it signs: nothing is sent, and no credentials are needed.
 */
async function sdkRequestUrl(client: any, command: any): Promise<string> {
  client.middlewareStack.add(
    () => async (args: { request: { protocol: string; hostname: string; port?: number; path: string } }) => {
      const { protocol, hostname, port, path } = args.request;
      throw new Addressed(`${protocol}//${hostname}${port ? `:${port}` : ''}${path}`);
    },
    { step: 'build', name: 'addressOnly', priority: 'low' },
  );
  try {
    await client.send(command);
  } catch (error) {
    if (error instanceof Addressed) return error.url;
    throw error;
  } finally {
    client.destroy();
  }
  throw new Error('the SDK sent a request that was meant to stay unsent');
}

/** The calls the hosted client makes that its policy refuses. */
export async function refusedCalls(template: ResolvedTemplate): Promise<ClientCall[]> {
  const client = hostedClient(template);
  if (!client.contentSecurityPolicy) return [];
  const policy = parseContentSecurityPolicy(client.contentSecurityPolicy);
  return (await referenceClientCalls(template)).filter(
    (call) => !allowsConnection(policy, call.url, client.origin),
  );
}
