/**
 * CORS for the local endpoints a browser page calls. Where the deployment decides CORS (the bucket's
 * CORS rules, the API's OPTIONS methods) the answer comes from the template; AWS's own service
 * endpoints (Cognito Identity, STS, the hosted UI's token endpoint) and the Okta stand-in answer the
 * local web client's origin only.
 */
import type { IncomingMessage } from 'http';
import type { Reply, RequestHandler } from './loopback-server';

/** Answers preflights and adds `Access-Control-Allow-Origin` for the given origins; others get no CORS headers. */
export function withCors(handle: RequestHandler, origins: readonly string[]): RequestHandler {
  return async (request, body) => {
    const origin = request.headers.origin;
    const allowed = origin !== undefined && origins.includes(origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      if (!allowed) return { status: 403 };
      return {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST',
          'access-control-allow-headers': String(request.headers['access-control-request-headers'] ?? ''),
          'access-control-max-age': '600',
          vary: 'Origin',
        },
      };
    }
    const reply = await handle(request, body);
    return allowed ? withHeaders(reply, { 'access-control-allow-origin': origin, vary: 'Origin' }) : reply;
  };
}

export function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

/** A bucket CORS rule as `AWS::S3::Bucket.CorsConfiguration.CorsRules` holds it. */
interface CorsRule {
  readonly AllowedOrigins: string[];
  readonly AllowedMethods: string[];
  readonly ExposedHeaders?: string[];
}

/**
 * The CORS headers S3 adds to a response for the first rule matching the request's origin and
 * method ("How does Amazon S3 evaluate the CORS configuration on a bucket?", S3 user guide,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html: S3 uses the first CORSRule that
 * matches). The local S3 server does this for what it answers; the IAM-enforcing front adds them
 * to its own refusals, so a page can read the 403. S3 evaluates the configuration for each
 * cross-origin request it receives ("Troubleshooting CORS",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html); that its
 * AccessDenied answer carries the headers too is not stated there, and is assumed here.
 */
export function bucketCorsHeaders(
  rules: readonly CorsRule[],
  request: IncomingMessage,
): Record<string, string> {
  const origin = request.headers.origin;
  if (!origin) return {};
  const rule = rules.find(
    (r) =>
      (r.AllowedOrigins.includes(origin) || r.AllowedOrigins.includes('*')) &&
      r.AllowedMethods.includes(request.method ?? 'GET'),
  );
  if (!rule) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    ...(rule.ExposedHeaders ? { 'access-control-expose-headers': rule.ExposedHeaders.join(', ') } : {}),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

/**
 * The preflight answer of an API Gateway OPTIONS method with a MOCK integration, as CDK's
 * `defaultCorsPreflightOptions` writes it: the integration response's static header values, and
 * its response template, which names each further allowed origin in one `#if($origin == "..." || ...)`
 * and then overrides `Access-Control-Allow-Origin` with the request's origin
 * ("Enabling CORS for a REST API resource", API Gateway developer guide,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).
 */
export function mockPreflightReply(method: Record<string, any>, origin: string | undefined): Reply {
  const response = method.Integration?.IntegrationResponses?.[0] ?? {};
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries<string>(response.ResponseParameters ?? {})) {
    const header = /^method\.response\.header\.(.+)$/.exec(name)?.[1];
    if (header) headers[header.toLowerCase()] = value.replace(/^'|'$/g, '');
  }
  const template = String(response.ResponseTemplates?.['application/json'] ?? '');
  // `#if($origin == "a" || $origin == "b")`: every origin compared there (the empty one is the header fallback).
  const condition = template
    .split('\n')
    .find((line) => line.startsWith('#if($origin == "') && !line.includes('""'));
  const overridden = [...(condition ?? '').matchAll(/\$origin == "([^"]+)"/g)].map((m) => m[1]);
  if (origin !== undefined && overridden.includes(origin)) headers['access-control-allow-origin'] = origin;
  return { status: Number(response.StatusCode ?? 200), headers };
}
