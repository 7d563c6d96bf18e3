import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost, PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ListedObject, UploadRequest } from './core';
import type { SessionCredentials } from './credentials';
import type { SdkClientOptions } from './sdk-clients';
import { multipartStorage, MultipartStorage } from './s3-multipart';
import type { Signing } from './signing';
import { SCAN_STATUS_TAG } from '../../lib/policy/scan-status-names';

export type { Signing } from './signing';

export interface S3Options {
  readonly bucket: string;
  readonly region: string;
  /** For tests against a local S3; unset in production. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** Retries and timeouts (see sdk-clients.ts); the SDK's defaults when unset. */
  readonly clientOptions?: SdkClientOptions;
  /** For tests: adjust each new client, e.g. add middleware. */
  readonly customizeClient?: (client: S3Client) => void;
}

export type PolicyCondition = NonNullable<PresignedPostOptions['Conditions']>[number];

export type UploadSpec = Pick<UploadRequest, 'contentType' | 'size' | 'checksumSha256'>;

/** Everything the handler does with S3, always as one caller's session. */
export interface CallerStorage extends MultipartStorage {
  presignPut(key: string, upload: UploadSpec, signing: Signing): Promise<string>;
  presignPost(key: string, upload: UploadSpec, signing: Signing): Promise<PresignedPostForm>;
  presignGet(key: string, signing: Signing): Promise<string>;
  /** False also when S3 denies the HEAD: the caller learns nothing about keys they cannot read. */
  exists(key: string): Promise<boolean>;
  /**
   * The current version of `key` as the caller's HEAD sees it: `versionId` is S3's
   * `x-amz-version-id` (absent in an unversioned bucket); undefined when there is no such object
   * or S3 denies the HEAD.
   */
  versionOf(key: string): Promise<{ versionId?: string } | undefined>;
  list(prefix: string, pageSize: number, continuationToken?: string): Promise<ListPage>;
  /**
   * The object's `GuardDutyMalwareScanStatus` tag (GetObjectTagging, which users may call on what
   * they can read): `found: false` when S3 answers 404 or 403, `status` undefined when not scanned yet.
   */
  scanStatus(key: string): Promise<ScanTag>;
}

export type ScanTag = { readonly found: false } | { readonly found: true; readonly status?: string };

export interface PresignedPostForm {
  readonly url: string;
  readonly fields: Record<string, string>;
}

export interface ListPage {
  readonly objects: readonly ListedObject[];
  readonly nextToken?: string;
}

/** Returns one `CallerStorage` per session; a session's client is reused while the session is. */
export function s3Storage(options: S3Options): (credentials: SessionCredentials) => CallerStorage {
  const clients = new WeakMap<SessionCredentials, CallerStorage>();
  return (credentials) => {
    let storage = clients.get(credentials);
    if (!storage) {
      storage = storageFor(createS3Client(options, credentials), options.bucket);
      clients.set(credentials, storage);
    }
    return storage;
  };
}

export function createS3Client(options: S3Options, credentials: SessionCredentials): S3Client {
  const client = new S3Client({
    ...options.clientOptions,
    region: options.region,
    credentials,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    // Otherwise presigned PUT URLs carry the CRC32 of an empty body, and every real upload fails.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  options.customizeClient?.(client);
  return client;
}

/**
 * The POST policy pins the exact key, content type and size (and checksum, if given). The size
 * range is [size, size], not [1, cap]: the declared size was checked against the cap, and the
 * PUT route signs the exact content-length, so both routes promise the same thing.
 */
export function postPolicyConditions(key: string, upload: UploadSpec): PolicyCondition[] {
  return [
    ['eq', '$key', key],
    ['eq', '$Content-Type', upload.contentType],
    ['content-length-range', upload.size, upload.size],
    ...(upload.checksumSha256
      ? [['eq', '$x-amz-checksum-sha256', upload.checksumSha256] as PolicyCondition]
      : []),
  ];
}

/**
 * `Content-Disposition` for downloads: always an attachment, so an uploaded HTML or SVG file never
 * renders (and runs script) on the bucket's host. The name is the key's last segment, encoded per
 * RFC 6266 / RFC 5987; encodeURIComponent leaves `'()*` alone, which RFC 5987 does not allow.
 * The value travels in the signed query, so a client cannot drop or change it.
 */
export function attachmentDisposition(key: string): string {
  // Keys served here contain no lone surrogates (see isOwnKey); replacing any keeps this total.
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/\p{Cs}/gu, '\uFFFD');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename*=UTF-8''${encoded}`;
}

/** S3 answers a continuation token it cannot read with 400 InvalidArgument. */
export function isBadContinuationToken(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | undefined;
  return e?.name === 'InvalidArgument' || e?.$metadata?.httpStatusCode === 400;
}

function storageFor(client: S3Client, bucket: string): CallerStorage {
  return {
    ...multipartStorage(client, bucket),
    presignPut: (key, upload, signing) =>
      getSignedUrl(
        client,
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          ContentType: upload.contentType,
          ContentLength: upload.size,
          ChecksumSHA256: upload.checksumSha256,
        }),
        {
          ...signing,
          signableHeaders: new Set(['content-type', 'content-length']),
          // Hoisted to the query, the checksum would bind nothing the client has to send.
          unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        },
      ),

    presignPost: (key, upload, { signingDate, expiresIn }) =>
      createPresignedPost(clockedAt(client, signingDate), {
        Bucket: bucket,
        Key: key,
        Expires: expiresIn,
        Conditions: postPolicyConditions(key, upload),
        Fields: {
          'Content-Type': upload.contentType,
          ...(upload.checksumSha256 ? { 'x-amz-checksum-sha256': upload.checksumSha256 } : {}),
        },
      }),

    presignGet: (key, signing) =>
      getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: attachmentDisposition(key),
        }),
        signing,
      ),

    exists: async (key) => {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return false;
        throw error;
      }
    },

    versionOf: async (key) => {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.VersionId === undefined ? {} : { versionId: head.VersionId };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return undefined;
        throw error;
      }
    },
    scanStatus: async (key) => {
      try {
        const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
        return { found: true, status: TagSet.find((t) => t.Key === SCAN_STATUS_TAG)?.Value };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403) return { found: false };
        throw error;
      }
    },

    list: async (prefix, pageSize, continuationToken) => {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          MaxKeys: pageSize,
          ContinuationToken: continuationToken,
        }),
      );
      return { objects: page.Contents ?? [], nextToken: page.NextContinuationToken };
    },
  };
}

/**
 * createPresignedPost reads its clock from `client.config.systemClockOffset` alone. A view of the
 * config with an offset lets the injected clock set the policy's signing time and expiration.
 */
function clockedAt(client: S3Client, signingDate: Date): S3Client {
  const systemClockOffset = signingDate.getTime() - Date.now();
  return { config: { ...client.config, systemClockOffset } } as S3Client;
}
