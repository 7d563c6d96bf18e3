/**
 * S3 Versioning in the S3 front's answers, where s3rver keeps only the current object and
 * object-versions.ts keeps the versions: "When you PUT an object in a versioning-enabled bucket,
 * the noncurrent version is not overwritten", and every write gets a new version ID, a copy
 * included ("Amazon S3 supplies a new ID ... and it becomes the current version", S3 user guide,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/RestoringPreviousVersions.html). A write
 * that stores a new object records a version (a single PUT from its body, any other from what
 * s3rver stored) and answers `x-amz-version-id`; a GET or HEAD answers the version it names, or
 * 404 `NoSuchVersion` (GetObject API reference). An object s3rver holds with no version kept (one
 * stored before this front started, in a kept data directory) is its key's `null` version, as an
 * object stored before versioning was enabled is on S3.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { withHeaders } from './cors';
import type { Reply } from './loopback-server';
import type { ObjectVersions } from './object-versions';
import type { S3Authorization } from './s3-request';
import { s3Error } from './s3-error';

export interface VersionReplyDeps {
  readonly versions: ObjectVersions;
  /** s3rver, reached with its own administrator key: the bytes of a new object not sent whole. */
  readonly client: S3Client;
  readonly bucket: string;
}

/** Whether the request, if it succeeds, stores a new object: what to do before forwarding it. */
export function mayStoreNewObject(method: string, query: URLSearchParams): boolean {
  if (method === 'PUT') return !['partNumber', 'tagging', 'acl'].some((k) => query.has(k));
  return method === 'POST' && (query.has('uploadId') || (!query.has('uploads') && !query.has('delete')));
}

/**
 * Whether the answered request stored a new object: a PUT (PutObject, CopyObject) other than a
 * part, a browser POST upload, or a CompleteMultipartUpload; what GuardDuty scans on upload.
 */
export function storesNewObject(method: string, url: URL, reply: Reply): boolean {
  return reply.status >= 200 && reply.status < 300 && mayStoreNewObject(method, url.searchParams);
}

/** What S3 Versioning adds to s3rver's answer to a request on an object. */
export async function withVersions(
  deps: VersionReplyDeps,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string | undefined>>,
  body: Buffer,
  authorization: S3Authorization,
  reply: Reply,
): Promise<Reply> {
  const { versions } = deps;
  const key = authorization.key;
  if (key === undefined || reply.status < 200 || reply.status >= 300) return reply;
  if (storesNewObject(method, url, reply)) {
    const bytes = isSinglePut(method, url.searchParams, headers) ? body : await storedBytes(deps, key);
    return withHeaders(reply, { 'x-amz-version-id': versions.record(key, bytes).versionId });
  }
  if (method !== 'GET' && method !== 'HEAD') return reply;
  const versionId = url.searchParams.get('versionId');
  if (versionId === 'null' && !versions.current(key)) return reply;
  if (versionId === null) {
    const current = versions.current(key);
    return current ? withHeaders(reply, { 'x-amz-version-id': current.versionId }) : reply;
  }
  const version = versions.find(key, versionId);
  if (!version)
    return s3Error(404, 'NoSuchVersion', 'The specified version does not exist.', method === 'HEAD');
  return {
    ...reply,
    headers: {
      ...reply.headers,
      'content-length': String(version.body.length),
      etag: version.etag,
      'x-amz-version-id': version.versionId,
    },
    body: method === 'GET' ? version.body : '',
  };
}

/** A PUT of a whole object's bytes as sent (no copy, no part, no aws-chunked framing). */
function isSinglePut(
  method: string,
  query: URLSearchParams,
  headers: Readonly<Record<string, string | undefined>>,
): boolean {
  return (
    method === 'PUT' &&
    !['partNumber', 'uploadId', 'tagging', 'acl'].some((k) => query.has(k)) &&
    headers['x-amz-copy-source'] === undefined &&
    !/aws-chunked/.test(headers['content-encoding'] ?? '')
  );
}

async function storedBytes(deps: VersionReplyDeps, key: string): Promise<Buffer> {
  const stored = await deps.client.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  return Buffer.from((await stored.Body?.transformToByteArray()) ?? []);
}
