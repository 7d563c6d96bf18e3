/**
 * The two versioned writes s3rver cannot serve, answered by the S3 front itself once IAM allowed
 * them and their signature checked (s3rver keeps no versions; object-versions.ts keeps them):
 *
 * - **CopyObject from one version** (`x-amz-copy-source: /<bucket>/<key>?versionId=<id>`): "To copy
 *   a specific version of an object, append `?versionId=<version-id>` to the value" (CopyObject,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html). Metadata is the source's
 *   with `x-amz-metadata-directive: COPY` (the default) or the request's with `REPLACE`; tags are
 *   the source's with `x-amz-tagging-directive: COPY` (the default) or `x-amz-tagging` with
 *   `REPLACE` (same page). The answer carries `x-amz-copy-source-version-id`.
 * - **DeleteObject of one version** (`DELETE ...?versionId=<id>`): "To remove a specific version,
 *   you must use the versionId query parameter. Using this query parameter permanently deletes the
 *   version"; when the current version goes, the one before it becomes current (DeleteObject,
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html; "Deleting object
 *   versions from a versioning-enabled bucket",
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeletingObjectVersions.html).
 *
 * The version id `null` names an object that has no version kept here (a multipart upload, a POST
 * form or a copy: object-versions.ts), as S3 names an object written while a bucket was unversioned.
 * Per-version metadata is not kept: a copy of an older version takes the current object's.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Reply } from './loopback-server';
import { s3Error } from './s3-error';
import type { ObjectVersions } from './object-versions';

/** The versioned request the front answers itself, or undefined for one s3rver serves. */
export type VersionedWrite = 'copy-from-version' | 'delete-version';

export function versionedWriteOf(
  method: string,
  query: URLSearchParams,
  headers: Readonly<Record<string, string | undefined>>,
): VersionedWrite | undefined {
  const copySource = headers['x-amz-copy-source'];
  if (method === 'PUT' && copySource !== undefined && !query.has('partNumber'))
    return /[?&]versionId=/.test(copySource) ? 'copy-from-version' : undefined;
  if (method === 'DELETE' && query.has('versionId') && !query.has('tagging')) return 'delete-version';
  return undefined;
}

export interface VersionedWriteDeps {
  /** s3rver, reached with its own administrator key. */
  readonly client: S3Client;
  readonly bucket: string;
  readonly versions: ObjectVersions;
  /** The current object's tags (the scan stand-in's reader). */
  tagsOf(key: string): Promise<Record<string, string>>;
}

const noSuchVersion = (): Reply => s3Error(404, 'NoSuchVersion', 'The specified version does not exist.');

/** The bytes, content type, metadata and tags of one version of `key`, or undefined if it is gone. */
async function readVersion(deps: VersionedWriteDeps, key: string, versionId: string) {
  const kept = versionId === 'null' ? undefined : deps.versions.find(key, versionId);
  if (versionId !== 'null' && !kept) return undefined;
  if (versionId === 'null' && deps.versions.current(key)) return undefined;
  const current = await deps.client
    .send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }))
    .catch((error) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
  if (!current && !kept) return undefined;
  const isCurrent = !kept || deps.versions.current(key)?.versionId === versionId;
  return {
    body: kept?.body ?? Buffer.from((await current!.Body!.transformToByteArray()) ?? []),
    contentType: current?.ContentType,
    metadata: current?.Metadata ?? {},
    tags: isCurrent ? await deps.tagsOf(key) : { ...kept?.tags },
  };
}

export async function answerVersionedWrite(
  write: VersionedWrite,
  key: string,
  headers: Readonly<Record<string, string | undefined>>,
  query: URLSearchParams,
  deps: VersionedWriteDeps,
): Promise<Reply> {
  return write === 'copy-from-version'
    ? copyFromVersion(key, headers, deps)
    : deleteVersion(key, query.get('versionId') ?? '', deps);
}

async function copyFromVersion(
  destinationKey: string,
  headers: Readonly<Record<string, string | undefined>>,
  deps: VersionedWriteDeps,
): Promise<Reply> {
  const [path, query] = (headers['x-amz-copy-source'] ?? '').replace(/^\//, '').split('?');
  const sourceKey = decodeURIComponent(path.split('/').slice(1).join('/'));
  const versionId = new URLSearchParams(query).get('versionId') ?? '';
  const source = await readVersion(deps, sourceKey, versionId);
  if (!source) return noSuchVersion();
  const replaceMetadata = headers['x-amz-metadata-directive'] === 'REPLACE';
  const metadata = replaceMetadata
    ? Object.fromEntries(
        Object.entries(headers)
          .filter(([name, value]) => name.startsWith('x-amz-meta-') && value !== undefined)
          .map(([name, value]) => [name.slice('x-amz-meta-'.length), value!]),
      )
    : source.metadata;
  const tags = newObjectTags(headers, source.tags);
  // The copy replaces the destination's current version, which keeps its tags (object-versions.ts).
  if (deps.versions.current(destinationKey))
    deps.versions.keepTags(destinationKey, await deps.tagsOf(destinationKey));
  const put = await deps.client.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: destinationKey,
      Body: source.body,
      ContentType: replaceMetadata ? headers['content-type'] : source.contentType,
      Metadata: metadata,
    }),
  );
  await putTags(deps, destinationKey, tags);
  const copied = deps.versions.record(destinationKey, source.body);
  return {
    status: 200,
    headers: {
      'content-type': 'application/xml',
      'x-amz-copy-source-version-id': versionId,
      'x-amz-version-id': copied.versionId,
    },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult>' +
      `<LastModified>${new Date().toISOString()}</LastModified><ETag>${put.ETag ?? ''}</ETag></CopyObjectResult>`,
  };
}

async function deleteVersion(key: string, versionId: string, deps: VersionedWriteDeps): Promise<Reply> {
  const answered: Reply = { status: 204, headers: { 'x-amz-version-id': versionId } };
  const current = deps.versions.current(key);
  if (versionId === 'null') {
    if (!current) await deps.client.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key: key }));
    return answered;
  }
  if (!deps.versions.find(key, versionId)) return answered;
  deps.versions.remove(key, versionId);
  if (current?.versionId !== versionId) return answered;
  const previous = deps.versions.current(key);
  if (!previous) {
    await deps.client.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key: key }));
    return answered;
  }
  // The version before becomes current, with the tags it had (its scan result among them).
  await deps.client.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: previous.body }));
  await putTags(deps, key, { ...previous.tags });
  return answered;
}

/**
 * Sets the object's whole tag set, none included: s3rver keeps an overwritten object's tags, where
 * S3 gives each new version only the tags its request names ("Categorizing your objects using
 * tags", https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html: tags are
 * added "when you upload" or later, to one version).
 */
export async function replaceTags(
  client: S3Client,
  bucket: string,
  key: string,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const TagSet = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet } }));
}

/**
 * The tags S3 gives a new object: a PutObject's `x-amz-tagging`; a copy's source tags with the
 * default `x-amz-tagging-directive: COPY`, or its `x-amz-tagging` with `REPLACE` (PutObject and
 * CopyObject API references). A POST form's `tagging` field and CreateMultipartUpload's tags are
 * not modelled: the object gets none (users may set no tags at all: the bucket policy denies it).
 */
export function newObjectTags(
  headers: Readonly<Record<string, string | undefined>>,
  sourceTags?: Readonly<Record<string, string>>,
): Record<string, string> {
  const requested = () => Object.fromEntries(new URLSearchParams(headers['x-amz-tagging'] ?? ''));
  if (headers['x-amz-copy-source'] === undefined) return requested();
  return headers['x-amz-tagging-directive'] === 'REPLACE' ? requested() : { ...sourceTags };
}

const putTags = (deps: VersionedWriteDeps, key: string, tags: Readonly<Record<string, string>>) =>
  replaceTags(deps.client, deps.bucket, key, tags);

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
