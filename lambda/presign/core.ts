import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PresignConfig } from './config';
import { isOwnKey, isValidSub } from './keys';

/** A failure the client caused (or, for 500, one it should not learn the details of). */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 500,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'BadRequest', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'NotFound', message);
const forbidden = (message: string) => new HttpError(403, 'Forbidden', message);

export type UploadMethod = 'PUT' | 'POST';

export interface UploadRequest {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly checksumSha256?: string;
  readonly method: UploadMethod;
}

/** JSON bodies here are a few hundred bytes; anything far larger is not a real client. */
const MAX_BODY_BYTES = 16 * 1024;
const MAX_FILE_NAME_CHARS = 1024;
const MAX_CONTENT_TYPE_CHARS = 255;
const UPLOAD_FIELDS = new Set(['fileName', 'contentType', 'size', 'checksumSha256', 'method']);
const DOWNLOAD_FIELDS = new Set(['key']);

/**
 * `type/subtype` with RFC 6838 names and optional `; name=value` parameters. Only a single space
 * after `;` is allowed: the value is signed as-is, and S3 and some clients fold whitespace.
 */
const MIME_TYPE =
  /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}(; ?[\w!#$%&'*+.^`|~-]+=([\w!#$%&'*+.^`|~-]+|"[\x20\x21\x23-\x5b\x5d-\x7e]*"))*$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(;.*)?$/i;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
/** The API's page token: base64url of S3's continuation token. */
const PAGE_TOKEN = /^[A-Za-z0-9_-]{1,2048}$/;
const S3_TOKEN = /^[\x21-\x7e]{1,1024}$/;

/** What a caller's verified claims must show; the deployment sets both (see PresignConfig). */
export type IdentityRules = Pick<PresignConfig, 'identityProviderName' | 'allowedClientIds'>;

/**
 * The caller's Okta `sub`, from the claims the Cognito authorizer verified; nothing else.
 *
 * `custom:okta_sub` alone is not enough: Cognito requires app clients to have write access to
 * attributes an identity provider maps, so anyone holding a token with the
 * `aws.cognito.signin.user.admin` scope (a pool-local user, or a user of another app client)
 * could set it to a victim's sub with UpdateUserAttributes. It is trusted only when it agrees
 * with `cognito:username`, which Cognito sets to `<provider>_<idp user id>` and nobody can
 * change. The comparison ignores ASCII case because Cognito may lower-case federated usernames
 * (see aws-amplify/amplify-js#13844); Okta ids that differ only in case are not a practical risk.
 * The sub is returned as the attribute states it: that is Okta's `sub`, which routes 1 and 2 use.
 */
export function callerSub(event: APIGatewayProxyEvent, rules: IdentityRules): string {
  const authorizer: unknown = event.requestContext?.authorizer;
  const claims = isRecord(authorizer) ? authorizer.claims : undefined;
  if (!isRecord(claims)) throw new HttpError(401, 'Unauthorized', 'No verified identity');
  const claim = (name: string): unknown => (Object.hasOwn(claims, name) ? claims[name] : undefined);
  // Access tokens carry no custom attributes; real ID tokens always say `token_use: id`.
  if (claim('token_use') !== 'id') throw forbidden('An ID token is required');
  // No allow-list means any app client of the pool: the username check below still applies.
  const aud = claim('aud');
  if (rules.allowedClientIds.length > 0 && !rules.allowedClientIds.some((id) => id === aud)) {
    throw forbidden('The token was issued to an app client this API does not accept');
  }
  const sub = claim('custom:okta_sub');
  const username = claim('cognito:username');
  if (
    !isValidSub(sub) ||
    typeof username !== 'string' ||
    asciiLowerCase(username) !== asciiLowerCase(`${rules.identityProviderName}_${sub}`)
  ) {
    throw forbidden('The token does not identify an Okta user');
  }
  return sub;
}

export function parseUploadRequest(event: APIGatewayProxyEvent, maxUploadBytes: number): UploadRequest {
  const body = parseJsonObject(event, UPLOAD_FIELDS);
  const { fileName, contentType, size, checksumSha256, method = 'PUT' } = body;
  if (typeof fileName !== 'string' || fileName.length === 0 || [...fileName].length > MAX_FILE_NAME_CHARS) {
    throw badRequest(`fileName must be a string of 1 to ${MAX_FILE_NAME_CHARS} characters`);
  }
  if (
    typeof contentType !== 'string' ||
    contentType.length > MAX_CONTENT_TYPE_CHARS ||
    !MIME_TYPE.test(contentType)
  ) {
    throw badRequest('contentType must be a MIME type such as "image/png"');
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw badRequest('size must be a positive integer number of bytes');
  }
  if (size > maxUploadBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `size must be at most ${maxUploadBytes} bytes`);
  }
  if (checksumSha256 !== undefined && !isBase64Sha256(checksumSha256)) {
    throw badRequest('checksumSha256 must be the base64 of a 32-byte SHA-256 digest');
  }
  if (method !== 'PUT' && method !== 'POST') throw badRequest('method must be "PUT" or "POST"');
  return { fileName, contentType, size, method, ...(checksumSha256 ? { checksumSha256 } : {}) };
}

export function parseDownloadRequest(event: APIGatewayProxyEvent): { key: string } {
  const { key } = parseJsonObject(event, DOWNLOAD_FIELDS);
  if (typeof key !== 'string') throw badRequest('key must be a string');
  return { key };
}

/** S3's continuation token from `?nextToken=`, or undefined on the first page. */
export function parsePageToken(event: APIGatewayProxyEvent): string | undefined {
  const token: unknown = event.queryStringParameters?.nextToken;
  if (token === undefined || token === null) return undefined;
  const decoded =
    typeof token === 'string' && PAGE_TOKEN.test(token)
      ? Buffer.from(token, 'base64url').toString('utf8')
      : '';
  if (!S3_TOKEN.test(decoded) || encodePageToken(decoded) !== token) throw badRequest('nextToken is invalid');
  return decoded;
}

/** base64url, so the token survives a query string without the client encoding it. */
export function encodePageToken(s3Token: string): string {
  return Buffer.from(s3Token, 'utf8').toString('base64url');
}

export interface PutUploadResponse {
  readonly key: string;
  readonly method: 'PUT';
  readonly url: string;
  /** Send exactly these: each is signed, so any other value is refused by S3. */
  readonly headers: Record<string, string>;
  readonly expiresAt: string;
}

export interface PostUploadResponse {
  readonly key: string;
  readonly method: 'POST';
  readonly url: string;
  /** Form fields to send, in this order, before the `file` field. */
  readonly fields: Record<string, string>;
  readonly expiresAt: string;
}

export interface FileEntry {
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly lastModified: string;
  readonly etag: string;
}

/** The fields of an S3 listing entry this API uses (structurally S3's `_Object`). */
export interface ListedObject {
  readonly Key?: string;
  readonly Size?: number;
  readonly LastModified?: Date;
  readonly ETag?: string;
}

export function signedPutHeaders(upload: UploadRequest): Record<string, string> {
  return {
    'content-type': upload.contentType,
    'content-length': String(upload.size),
    ...(upload.checksumSha256 ? { 'x-amz-checksum-sha256': upload.checksumSha256 } : {}),
  };
}

export function putResponse(
  key: string,
  url: string,
  upload: UploadRequest,
  expiresAt: Date,
): PutUploadResponse {
  return { key, method: 'PUT', url, headers: signedPutHeaders(upload), expiresAt: expiresAt.toISOString() };
}

export function postResponse(
  key: string,
  post: { url: string; fields: Record<string, string> },
  expiresAt: Date,
): PostUploadResponse {
  return { key, method: 'POST', url: post.url, fields: post.fields, expiresAt: expiresAt.toISOString() };
}

/** The caller's page of files. Entries outside their prefix are dropped, should S3 ever return one. */
export function fileList(
  sub: string,
  objects: readonly ListedObject[],
  s3NextToken: string | undefined,
): { files: FileEntry[]; nextToken: string | null } {
  const files = objects
    .filter((o): o is ListedObject & { Key: string } => isOwnKey(sub, o.Key))
    .map((o) => ({
      key: o.Key,
      name: o.Key.slice(o.Key.lastIndexOf('/') + 1),
      size: o.Size ?? 0,
      lastModified: o.LastModified?.toISOString() ?? '',
      etag: (o.ETag ?? '').replace(/"/g, ''),
    }));
  return { files, nextToken: s3NextToken ? encodePageToken(s3NextToken) : null };
}

/** A header value, whatever case the client or API Gateway used for its name. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers: unknown = event.headers;
  if (!isRecord(headers)) return undefined;
  const wanted = name.toLowerCase();
  const found = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = found === undefined ? undefined : headers[found];
  return typeof value === 'string' ? value : undefined;
}

/** CORS for the API's own responses: the request's origin is echoed only if it is allowed. */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const allowed = origin !== undefined && (allowedOrigins.includes(origin) || allowedOrigins.includes('*'));
  return { Vary: 'Origin', ...(allowed ? { 'Access-Control-Allow-Origin': origin } : {}) };
}

/** Bodies hold presigned URLs, which are bearer secrets: nothing may cache them. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** Every failure as `{error, message}`. Anything unexpected is a generic 500. */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  const known = error instanceof HttpError && error.status !== 500;
  const { status, code, message } = known
    ? error
    : { status: 500, code: 'InternalError', message: 'The request could not be completed' };
  return jsonResponse(status, { error: code, message }, headers);
}

function parseJsonObject(event: APIGatewayProxyEvent, allowedFields: Set<string>): Record<string, unknown> {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpError(415, 'UnsupportedMediaType', 'The body must be application/json');
  }
  const raw = typeof event.body === 'string' ? event.body : '';
  const tooLarge = () => new HttpError(413, 'PayloadTooLarge', 'The body is too large');
  if (raw.length > MAX_BODY_BYTES * 2) throw tooLarge(); // before decoding anything
  const text = event.isBase64Encoded === true ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('The body must be valid JSON');
  }
  if (!isRecord(body)) throw badRequest('The body must be a JSON object');
  if (Object.keys(body).some((k) => !allowedFields.has(k))) {
    throw badRequest(`The body may hold only these fields: ${[...allowedFields].join(', ')}`);
  }
  return body;
}

function isBase64Sha256(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    BASE64_SHA256.test(value) &&
    Buffer.from(value, 'base64').toString('base64') === value
  );
}

/**
 * Lower-cases A-Z only. Full Unicode case mapping would let look-alikes match (the Kelvin sign
 * lower-cases to `k`); with this, any non-ASCII character in a username simply never matches.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
