import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequest, header, HttpError, isRecord } from './http';
import { isKeyUnder, userPrefix } from './keys';

export type UploadMethod = 'PUT' | 'POST';

export interface UploadRequest {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly checksumSha256?: string;
  readonly method: UploadMethod;
  /** The team folder to upload into, by name; the caller's own prefix when absent. */
  readonly folder?: string;
}

/** JSON bodies here are a few hundred bytes; anything far larger is not a real client. */
const MAX_BODY_BYTES = 16 * 1024;
const MAX_FILE_NAME_CHARS = 1024;
const MAX_CONTENT_TYPE_CHARS = 255;
const UPLOAD_FIELDS = new Set(['fileName', 'contentType', 'size', 'checksumSha256', 'method', 'folder']);
/**
 * A team folder's name as configuration allows it (lib/validation/team-folders.ts). A folder is
 * always named, never given as a prefix: the server builds `<teamsPrefix><folder>/` itself.
 */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
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

export function parseUploadRequest(event: APIGatewayProxyEvent, maxUploadBytes: number): UploadRequest {
  const body = parseJsonObject(event, UPLOAD_FIELDS);
  const { size, checksumSha256, method = 'PUT' } = body;
  const target = parseUploadTarget(body);
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
  return { ...target, size, method, ...(checksumSha256 ? { checksumSha256 } : {}) };
}

/** What every upload names, single or multipart: the file's name and type, and where it goes. */
export interface UploadTarget {
  readonly fileName: string;
  readonly contentType: string;
  /** The team folder to upload into, by name; the caller's own prefix when absent. */
  readonly folder?: string;
}

export function parseUploadTarget(body: Record<string, unknown>): UploadTarget {
  const { fileName, contentType, folder } = body;
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
  return { fileName, contentType, ...(folder === undefined ? {} : { folder: folderName(folder) }) };
}

/** The team folder of `GET /files?folder=`, or undefined for the caller's own files. */
export function parseFolderQuery(event: APIGatewayProxyEvent): string | undefined {
  const folder: unknown = event.queryStringParameters?.folder;
  return folder === undefined || folder === null ? undefined : folderName(folder);
}

/** Syntax only: whether the caller may use the folder is the handler's question. */
function folderName(value: unknown): string {
  if (typeof value !== 'string' || !FOLDER_NAME.test(value) || value.includes('..')) {
    throw badRequest('folder must be a team folder name: letters, digits, ".", "_" or "-"');
  }
  return value;
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
  usersPrefix?: string,
): { files: FileEntry[]; nextToken: string | null } {
  return fileListUnder(userPrefix(sub, usersPrefix), objects, s3NextToken);
}

/** A page of files under any prefix the caller may list (own or a team folder's), nothing else. */
export function fileListUnder(
  prefix: string,
  objects: readonly ListedObject[],
  s3NextToken: string | undefined,
): { files: FileEntry[]; nextToken: string | null } {
  const files = objects
    .filter((o): o is ListedObject & { Key: string } => isKeyUnder(prefix, o.Key))
    .map((o) => ({
      key: o.Key,
      name: o.Key.slice(o.Key.lastIndexOf('/') + 1),
      size: o.Size ?? 0,
      lastModified: o.LastModified?.toISOString() ?? '',
      etag: (o.ETag ?? '').replace(/"/g, ''),
    }));
  return { files, nextToken: s3NextToken ? encodePageToken(s3NextToken) : null };
}

export function parseJsonObject(
  event: APIGatewayProxyEvent,
  allowedFields: ReadonlySet<string>,
): Record<string, unknown> {
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
