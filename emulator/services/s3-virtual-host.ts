/**
 * Virtual-hosted S3 requests (`https://<bucket>.s3.localhost:<port>/<key>`), as amplify's storage
 * code sends them when given a `customEndpoint` host: the bucket comes from the Host header, and
 * the request is checked as it arrived (sigv4.ts). s3rver is then handed the same request
 * path-style and signed anew with its own key, because it cannot check a virtual-hosted signature
 * (it signs the path as `/<bucket>/<key>`); the front's check is the one that counts.
 */
import type { OutgoingHttpHeaders } from 'http';
import { S3RVER_KEY } from './s3-server';
import { signHeaders, uriEncode } from './sigv4';

/** The query parameters of a presigned URL's signature: not passed on. */
const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Content-Sha256',
];
/** Headers of the caller's signature: replaced by s3rver's. */
const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'];

/** The bucket a Host header names below `serviceHost` (`<bucket>.s3.localhost[:port]`), if any. */
export function bucketOfHost(host: string | undefined, serviceHost: string): string | undefined {
  const name = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const suffix = `.${serviceHost.toLowerCase()}`;
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : undefined;
}

/**
 * The path-style request for s3rver at `upstream`: `/<bucket>[/<key>]` with the query minus any
 * presigned signature, and headers minus the caller's signature plus s3rver's.
 */
export function pathStyleFor(
  request: { method: string; rawUrl: string; headers: OutgoingHttpHeaders },
  bucket: string,
  upstream: URL,
  region: string,
  sign: boolean,
): { path: string; headers: OutgoingHttpHeaders } {
  const [rawPath, rawQuery = ''] = request.rawUrl.split(/\?(.*)/s, 2);
  const keyPath = rawPath
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
  // s3rver signs a bucket-level request on `/<bucket>`, without the trailing slash.
  const path = `/${bucket}${keyPath === '/' ? '' : keyPath}`;
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split(/=(.*)/s, 2).map((part) => decodeURIComponent(part)) as [string, string?])
    .filter(([name]) => !PRESIGN_PARAMS.includes(name));
  const queryString = query.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v ?? '')}`).join('&');
  const headers: OutgoingHttpHeaders = { ...request.headers, host: upstream.host };
  if (!sign) return { path: `${path}${queryString ? `?${queryString}` : ''}`, headers };
  for (const name of SIGNATURE_HEADERS) delete headers[name];
  Object.assign(
    headers,
    signHeaders(S3RVER_KEY, { method: request.method, path, query, host: upstream.host }, region),
  );
  return { path: `${path}${queryString ? `?${queryString}` : ''}`, headers };
}
