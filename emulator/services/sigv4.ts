/**
 * Checks an S3 request's Signature Version 4 the way S3 does, on the request exactly as it arrived
 * (Host header included), for the virtual-hosted front: s3rver computes a virtual-hosted request's
 * canonical URI as `/<bucket>/<key>` (its authentication middleware), where SigV4 signs the path
 * as sent, `/<key>`, so it cannot check these itself.
 *
 * From "Signature Version 4 for API requests" and S3's "Authenticating Requests (AWS Signature
 * Version 4)": https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html and
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html: the canonical
 * request (method, URI-encoded path, sorted query, signed headers, payload hash), the string to
 * sign over its SHA-256, and the key derived from the secret, date, region and service.
 */
import { createHash, createHmac, timingSafeEqual } from 'crypto';

export interface SignedRequest {
  readonly method: string;
  /** Path and query as sent, still encoded. */
  readonly rawUrl: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

/** Why a request's signature is refused, in S3's error codes; undefined when it is good. */
export interface SignatureProblem {
  readonly code:
    'SignatureDoesNotMatch' | 'AccessDenied' | 'XAmzContentSHA256Mismatch' | 'RequestTimeTooSkewed';
  readonly message: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** S3 refuses a header-signed request more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** RFC 3986 unreserved characters stay; everything else is %XX (SigV4's UriEncode). */
export const uriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** `secretFor` gives the secret key of an access key id, or undefined for an unknown one. */
export function checkSignature(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now = new Date(),
): SignatureProblem | undefined {
  const [path, rawQuery = ''] = splitOnce(request.rawUrl, '?');
  const query = rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => splitOnce(pair, '=').map((part) => part && decodeURIComponent(part)) as [string, string?]);
  const fromQuery = new Map(query.map(([k, v]) => [k, v ?? '']));
  const presigned = fromQuery.get('X-Amz-Algorithm') === ALGORITHM;
  const auth = presigned ? undefined : parseAuthorization(request.headers.authorization);
  const credential = presigned ? fromQuery.get('X-Amz-Credential') : auth?.credential;
  const signedHeaders = (presigned ? fromQuery.get('X-Amz-SignedHeaders') : auth?.signedHeaders)?.split(';');
  const signature = presigned ? fromQuery.get('X-Amz-Signature') : auth?.signature;
  const amzDate = presigned ? fromQuery.get('X-Amz-Date') : request.headers['x-amz-date'];
  if (!credential || !signedHeaders || !signature || !amzDate)
    return mismatch('the request carries no complete SigV4 signature');
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  const secret = secretFor(accessKeyId);
  if (!secret || service !== 's3' || terminator !== 'aws4_request' || !amzDate.startsWith(date ?? '-'))
    return mismatch('the credential scope does not match');
  if (!signedHeaders.includes('host')) return mismatch('the host header is not signed');

  const signedAt = parseAmzDate(amzDate);
  if (presigned) {
    const expires = Number(fromQuery.get('X-Amz-Expires'));
    if (!(signedAt.getTime() + expires * 1000 > now.getTime()))
      return { code: 'AccessDenied', message: 'Request has expired' };
  } else if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
    return {
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
    };
  }

  const payloadHash = presigned
    ? (fromQuery.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD')
    : request.headers['x-amz-content-sha256'];
  if (!payloadHash) return mismatch('x-amz-content-sha256 is missing');
  if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256(request.body))
    return {
      code: 'XAmzContentSHA256Mismatch',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    };

  const expected = Buffer.from(
    signatureOf(secret, {
      method: request.method,
      path,
      query: query.filter(([k]) => !(presigned && k === 'X-Amz-Signature')),
      headers: request.headers,
      signedHeaders,
      payloadHash,
      amzDate,
      scope: { date, region, service, terminator },
    }),
  );
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return mismatch(
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  return undefined;
}

export interface CanonicalParts {
  readonly method: string;
  /** The path as sent (encoded); each segment is decoded and encoded again as SigV4 does. */
  readonly path: string;
  /** Decoded query parameters. */
  readonly query: readonly (readonly [string, string?])[];
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Lower-case names, sorted. */
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
  readonly amzDate: string;
  readonly scope: { date: string; region: string; service: string; terminator: string };
}

/** The hex signature of a request's canonical form with `secret`. */
export function signatureOf(secret: string, parts: CanonicalParts): string {
  const canonicalRequest = [
    parts.method,
    parts.path
      .split('/')
      .map((segment) => uriEncode(decodeURIComponent(segment)))
      .join('/'),
    parts.query
      .map(([k, v]) => [uriEncode(k), uriEncode(v ?? '')])
      .sort(([a, x], [b, y]) => (a === b ? compare(x, y) : compare(a, b)))
      .map(([k, v]) => `${k}=${v}`)
      .join('&'),
    ...parts.signedHeaders.map((h) => `${h}:${(parts.headers[h] ?? '').trim().replace(/\s+/g, ' ')}`),
    '',
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  const { date, region, service, terminator } = parts.scope;
  const stringToSign = [
    ALGORITHM,
    parts.amzDate,
    [date, region, service, terminator].join('/'),
    sha256(canonicalRequest),
  ].join('\n');
  const key = [date, region, service, terminator].reduce<Buffer>(
    (k, part) => hmac(k, part),
    Buffer.from(`AWS4${secret}`),
  );
  return hmac(key, stringToSign).toString('hex');
}

/**
 * Signs a request anew in the header (`Authorization`) form, unsigned payload: the headers to send
 * instead of the request's own `authorization`, `x-amz-date` and `x-amz-content-sha256`.
 */
export function signHeaders(
  credentials: { accessKeyId: string; secretAccessKey: string },
  request: { method: string; path: string; query: readonly (readonly [string, string?])[]; host: string },
  region: string,
  now = new Date(),
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const scope = { date: amzDate.slice(0, 8), region, service: 's3', terminator: 'aws4_request' };
  const headers = { host: request.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).sort();
  const signature = signatureOf(credentials.secretAccessKey, {
    ...request,
    headers,
    signedHeaders,
    payloadHash: 'UNSIGNED-PAYLOAD',
    amzDate,
    scope,
  });
  const credential = [credentials.accessKeyId, ...Object.values(scope)].join('/');
  return {
    ...headers,
    authorization: `${ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
}

function parseAuthorization(header: string | undefined) {
  if (!header?.startsWith(`${ALGORITHM} `)) return undefined;
  const fields = Object.fromEntries(
    header
      .slice(ALGORITHM.length + 1)
      .split(',')
      .map((field) => splitOnce(field.trim(), '=')),
  );
  return { credential: fields.Credential, signedHeaders: fields.SignedHeaders, signature: fields.Signature };
}

/** `20260101T000000Z` */
function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : new Date(NaN);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const mismatch = (message: string): SignatureProblem => ({ code: 'SignatureDoesNotMatch', message });

function splitOnce(value: string, separator: string): [string, string?] {
  const at = value.indexOf(separator);
  return at < 0 ? [value] : [value.slice(0, at), value.slice(at + 1)];
}
