/**
 * Which IAM action, resource and condition keys an S3 REST request is authorized as, from the
 * "Actions, resources, and condition keys for Amazon S3" table
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html) and
 * "Required permissions for Amazon S3 API operations"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html):
 * e.g. HeadObject needs s3:GetObject, UploadPart and CompleteMultipartUpload need s3:PutObject,
 * HeadBucket and ListObjectsV2 (with or without a delimiter) need s3:ListBucket, CopyObject needs
 * s3:PutObject on its key and s3:GetObject on its source. Flexible-checksum headers
 * (`x-amz-checksum-*`, sent by Storage Browser on every upload) are no condition key and need no
 * permission of their own. Requests not listed here (DeleteObjects among them) are not modelled.
 */
import type { RequestContext } from '../iam/simulate';

export interface S3Authorization {
  readonly action: string;
  /** `arn:aws:s3:::<bucket>` or `arn:aws:s3:::<bucket>/<key>`. */
  readonly resource: string;
  readonly bucket: string;
  readonly key?: string;
  /** Keys from the request itself (not the caller): `s3:prefix`, SSE headers, `s3:authType`. */
  readonly context: RequestContext;
  /**
   * What else the same request must be allowed: CopyObject reads its source, so it needs
   * s3:GetObject (s3:GetObjectVersion for a version) there besides s3:PutObject on its key
   * ("Required permissions for Amazon S3 API operations", CopyObject).
   */
  readonly alsoRequires?: readonly Pick<S3Authorization, 'action' | 'resource'>[];
}

export interface S3Credential {
  readonly accessKeyId: string;
  readonly sessionToken?: string;
  /** `s3:authType` (condition key table): how the request was signed. */
  readonly authType: 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST';
}

/** Headers of PutObject (and form POST fields) that S3 exposes as condition keys. */
const PUT_HEADER_KEYS = [
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-server-side-encryption-customer-algorithm',
  'x-amz-acl',
];
/**
 * The conditional-write headers, condition keys of PutObject and CompleteMultipartUpload that a
 * bucket policy can require ("Enforce conditional writes on Amazon S3 buckets",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html).
 */
const CONDITIONAL_WRITE_KEYS = ['if-none-match', 'if-match'];
/** Query parameters of a listing that S3 exposes as condition keys. */
const LIST_QUERY_KEYS = ['prefix', 'delimiter', 'max-keys'];

/** Query parameters of the object requests modelled below (`x-id` is the SDK's operation name). */
const OBJECT_QUERY = ['x-id', 'versionId', 'uploadId', 'partNumber', 'uploads', 'acl', 'tagging'];

export class NotModelled extends Error {}

/** The credential a request was signed with: header, presigned query, or POST form fields. */
export function credentialOf(
  headers: Readonly<Record<string, string | undefined>>,
  query: URLSearchParams,
  form?: Readonly<Record<string, string>>,
): S3Credential | undefined {
  const header = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];
  if (header)
    return { accessKeyId: header, sessionToken: headers['x-amz-security-token'], authType: 'REST-HEADER' };
  const presigned = query.get('X-Amz-Credential')?.split('/')[0];
  if (presigned)
    return {
      accessKeyId: presigned,
      sessionToken: query.get('X-Amz-Security-Token') ?? undefined,
      authType: 'REST-QUERY-STRING',
    };
  const posted = form?.['x-amz-credential']?.split('/')[0];
  if (posted) return { accessKeyId: posted, sessionToken: form?.['x-amz-security-token'], authType: 'POST' };
  return undefined;
}

/**
 * The authorization a request needs: path-style (`/<bucket>/<key>`), or virtual-hosted when
 * `hostBucket` is the bucket its Host header names (`<bucket>.s3...`, the path then being the key
 * alone, as amplify's Storage Browser addresses S3). Throws NotModelled for anything else.
 */
export function s3Authorization(
  method: string,
  url: URL,
  headers: Readonly<Record<string, string | undefined>>,
  form?: Readonly<Record<string, string>>,
  hostBucket?: string,
): S3Authorization {
  const path = hostBucket === undefined ? url.pathname : `/${encodeURIComponent(hostBucket)}${url.pathname}`;
  const [bucket, ...keyParts] = path.slice(1).split('/');
  const key =
    keyParts.length > 0 && keyParts.join('/') !== '' ? decodeURIComponent(keyParts.join('/')) : undefined;
  const query = url.searchParams;
  const has = (name: string) => query.has(name);
  if (!bucket) throw new NotModelled('ListBuckets');
  const bucketArn = `arn:aws:s3:::${decodeURIComponent(bucket)}`;
  const on = (action: string, objectKey = key, context: RequestContext = {}): S3Authorization => {
    // The simulator reads `*` in a resource as a wildcard, so such a key cannot be decided faithfully.
    if (objectKey?.includes('*')) throw new NotModelled('an object key containing *');
    const resource = objectKey === undefined ? bucketArn : `${bucketArn}/${objectKey}`;
    return { action, resource, bucket: decodeURIComponent(bucket), key: objectKey, context };
  };
  const fromHeaders = (names: string[], source: Readonly<Record<string, string | undefined>>) =>
    Object.fromEntries(names.filter((n) => source[n] !== undefined).map((n) => [`s3:${n}`, source[n]!]));

  if (key === undefined) {
    const subresources = [...query.keys()].filter(
      (k) =>
        ![
          'list-type',
          'continuation-token',
          'start-after',
          'encoding-type',
          'fetch-owner',
          ...LIST_QUERY_KEYS,
        ].includes(k) &&
        !k.startsWith('X-Amz-') &&
        !k.startsWith('x-id'),
    );
    if (method === 'POST' && form) {
      const formKey = form.key;
      if (!formKey || formKey.includes('${filename}'))
        throw new NotModelled('a POST form without a literal key');
      return on('s3:PutObject', formKey, fromHeaders(PUT_HEADER_KEYS, form));
    }
    if ((method === 'GET' || method === 'HEAD') && subresources.length === 0) {
      const listing = Object.fromEntries(
        LIST_QUERY_KEYS.filter((n) => query.has(n)).map((n) => [`s3:${n}`, query.get(n)!]),
      );
      return on('s3:ListBucket', undefined, method === 'GET' ? listing : {});
    }
    if (method === 'GET' && has('versions')) return on('s3:ListBucketVersions', undefined);
    if (method === 'GET' && has('uploads')) return on('s3:ListBucketMultipartUploads', undefined);
    throw new NotModelled(`${method} on a bucket with ${subresources.join(',') || 'no'} subresource`);
  }

  // Any other subresource (attributes, retention, legal-hold, restore, ...) needs other actions.
  const unknown = [...query.keys()].filter(
    (k) => !OBJECT_QUERY.includes(k) && !/^(response-|x-amz-)/i.test(k),
  );
  if (unknown.length > 0) throw new NotModelled(`${method} on an object with ${unknown.join(',')}`);
  const versioned = has('versionId');
  // `s3:versionid`, the condition key S3 documents for GetObjectVersion (Service Authorization
  // Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
  const versionKey = () => ({ 's3:VersionId': query.get('versionId') ?? '' });
  switch (method) {
    case 'GET':
      if (has('uploadId')) return on('s3:ListMultipartUploadParts');
      if (has('acl')) return on(versioned ? 's3:GetObjectVersionAcl' : 's3:GetObjectAcl');
      if (has('tagging')) return on(versioned ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging');
      return versioned ? on('s3:GetObjectVersion', key, versionKey()) : on('s3:GetObject');
    case 'HEAD':
      return versioned ? on('s3:GetObjectVersion', key, versionKey()) : on('s3:GetObject');
    case 'PUT':
      if (headers['x-amz-copy-source'] !== undefined) {
        if (has('acl') || has('tagging')) throw new NotModelled('a copy onto a subresource');
        if (has('partNumber') && copySourceVersionId(headers['x-amz-copy-source']) !== undefined)
          throw new NotModelled('UploadPartCopy from a version');
        return { ...on('s3:PutObject'), alsoRequires: [copySource(headers['x-amz-copy-source'])] };
      }
      if (has('acl')) return on(versioned ? 's3:PutObjectVersionAcl' : 's3:PutObjectAcl');
      if (has('tagging')) return on(versioned ? 's3:PutObjectVersionTagging' : 's3:PutObjectTagging');
      return on(
        's3:PutObject',
        key,
        has('uploadId') ? {} : fromHeaders([...PUT_HEADER_KEYS, ...CONDITIONAL_WRITE_KEYS], headers),
      );
    case 'POST':
      if (has('uploads')) return on('s3:PutObject', key, fromHeaders(PUT_HEADER_KEYS, headers));
      if (has('uploadId')) return on('s3:PutObject', key, fromHeaders(CONDITIONAL_WRITE_KEYS, headers));
      throw new NotModelled(`POST on an object (${[...query.keys()].join(',')})`);
    case 'DELETE':
      if (has('uploadId')) return on('s3:AbortMultipartUpload');
      if (has('tagging')) return on(versioned ? 's3:DeleteObjectVersionTagging' : 's3:DeleteObjectTagging');
      return on(versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject');
    default:
      throw new NotModelled(`${method} on an object`);
  }
}

/**
 * What a CopyObject needs for the tags its copy takes, besides s3:PutObject and the source read:
 * "If you're copying objects that have object tags, then your IAM identity must have
 * s3:GetObjectTagging and s3:PutObjectTagging permissions. You must have s3:GetObjectTagging
 * permission for the source object and s3:PutObjectTagging permission for objects in the
 * destination bucket" (AWS Knowledge Center, "Why can't I copy an object between two Amazon S3
 * buckets?", https://repost.aws/knowledge-center/s3-troubleshoot-copy-between-buckets). The tags
 * are copied under the default `x-amz-tagging-directive: COPY`; under `REPLACE` the copy takes the
 * request's `x-amz-tagging` instead, which is written with s3:PutObjectTagging, and nothing of the
 * source's tags is read (CopyObject API reference). A version's tags are read as
 * s3:GetObjectVersionTagging, as its bytes are as s3:GetObjectVersion. `sourceTags`: the source's.
 */
export function copyTaggingRequires(
  authorization: S3Authorization,
  headers: Readonly<Record<string, string | undefined>>,
  sourceTags: Readonly<Record<string, string>>,
): Pick<S3Authorization, 'action' | 'resource'>[] {
  const source = authorization.alsoRequires?.[0];
  if (!source || headers['x-amz-copy-source'] === undefined) return [];
  const writeTags = { action: 's3:PutObjectTagging', resource: authorization.resource };
  if (headers['x-amz-tagging-directive'] === 'REPLACE')
    return new URLSearchParams(headers['x-amz-tagging'] ?? '').size > 0 ? [writeTags] : [];
  if (Object.keys(sourceTags).length === 0) return [];
  const readTags =
    source.action === 's3:GetObjectVersion' ? 's3:GetObjectVersionTagging' : 's3:GetObjectTagging';
  return [{ action: readTags, resource: source.resource }, writeTags];
}

/** The version a copy source names (`...?versionId=<id>`), if any. */
export function copySourceVersionId(header: string | undefined): string | undefined {
  const query = header?.split('?')[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get('versionId') ?? undefined);
}

/**
 * CopyObject's (and UploadPartCopy's) `x-amz-copy-source`: `[/]<bucket>/<key>[?versionId=<id>]`,
 * the key URL-encoded (CopyObject, Request Syntax,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html). Access points and
 * Outposts ARNs as sources are not modelled.
 */
function copySource(header: string): Pick<S3Authorization, 'action' | 'resource'> {
  const [path, query = ''] = header.replace(/^\//, '').split('?');
  const [bucket, ...keyParts] = path.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  if (!bucket || !key || bucket.startsWith('arn:')) throw new NotModelled(`a copy source of ${header}`);
  if (key.includes('*')) throw new NotModelled('an object key containing *');
  const versioned = new URLSearchParams(query).has('versionId');
  return {
    action: versioned ? 's3:GetObjectVersion' : 's3:GetObject',
    resource: `arn:aws:s3:::${decodeURIComponent(bucket)}/${key}`,
  };
}

/**
 * The text fields of a `multipart/form-data` body up to the `file` field, names lower-cased
 * (S3 matches POST form field names case-insensitively, except `key`'s value).
 */
export function formFields(
  contentType: string | undefined,
  body: Buffer,
): Record<string, string> | undefined {
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  if (!boundary) return undefined;
  const fields: Record<string, string> = {};
  for (const part of body.toString('latin1').split(`--${boundary}`).slice(1)) {
    const [head, ...rest] = part.split('\r\n\r\n');
    const name = /name="([^"]*)"/i.exec(head)?.[1]?.toLowerCase();
    if (!name || name === 'file') break;
    fields[name] = Buffer.from(rest.join('\r\n\r\n').replace(/\r\n$/, ''), 'latin1').toString('utf8');
  }
  return fields;
}
