import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { ListedObject, MoveStore } from './move-core';

/** The metadata key a copy records its source's ETag under (`x-amz-meta-moved-from-etag`). */
export const MOVED_FROM_ETAG = 'moved-from-etag';

/**
 * CopyObject copies at most 5 GiB in one call; a larger object is copied with UploadPartCopy
 * ("CopyObject", https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html: "You can
 * store individual objects of up to 5 TB in Amazon S3. You create a copy of your object up to 5 GB
 * in size in a single atomic action using this API. However, to copy an object greater than 5 GB,
 * you must use the multipart upload Upload Part - Copy (UploadPartCopy) API").
 */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
/** Parts of a multipart copy: 512 MiB, or larger when an object needs more than 10,000 parts. */
export const COPY_PART_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;

export interface S3MoveStoreOptions {
  readonly pageSize?: number;
  /** For tests: the size above which UploadPartCopy is used. */
  readonly maxSingleCopyBytes?: number;
  readonly partBytes?: number;
}

/** The mover's S3 calls on one bucket. */
export function s3MoveStore(s3: S3Client, bucket: string, options: S3MoveStoreOptions = {}): MoveStore {
  const maxSingle = options.maxSingleCopyBytes ?? MAX_SINGLE_COPY_BYTES;
  return {
    async list(prefix, continuationToken) {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
          MaxKeys: options.pageSize,
        }),
      );
      return {
        objects: (page.Contents ?? []).map((o) => ({
          key: o.Key!,
          size: o.Size ?? 0,
          etag: unquoted(o.ETag ?? ''),
        })),
        next: page.IsTruncated ? page.NextContinuationToken : undefined,
      };
    },
    async head(key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: head.ContentLength ?? 0, movedFromEtag: head.Metadata?.[MOVED_FROM_ETAG] };
      } catch (error) {
        if (error instanceof S3ServiceException && error.$metadata?.httpStatusCode === 404) return undefined;
        throw error;
      }
    },
    async copy(source, target) {
      // The source's own headers, kept on the copy: a metadata REPLACE would otherwise drop them.
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: bucket, Key: source.key, IfMatch: quoted(source.etag) }),
      );
      const headers = {
        Bucket: bucket,
        Key: target,
        ContentType: head.ContentType,
        ContentDisposition: head.ContentDisposition,
        ContentEncoding: head.ContentEncoding,
        ContentLanguage: head.ContentLanguage,
        CacheControl: head.CacheControl,
        Metadata: { ...head.Metadata, [MOVED_FROM_ETAG]: source.etag },
      };
      const copySource = `${bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}`;
      if (source.size <= maxSingle) {
        await s3.send(
          new CopyObjectCommand({
            ...headers,
            CopySource: copySource,
            CopySourceIfMatch: quoted(source.etag),
            MetadataDirective: 'REPLACE',
          }),
        );
        return;
      }
      await multipartCopy(s3, source, copySource, headers, options.partBytes);
    },
    async remove(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

async function multipartCopy(
  s3: S3Client,
  source: ListedObject,
  copySource: string,
  headers: { Bucket: string; Key: string } & Record<string, unknown>,
  partBytes = COPY_PART_BYTES,
): Promise<void> {
  const size = Math.max(partBytes, Math.ceil(source.size / MAX_PARTS));
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand(headers));
  const { Bucket, Key } = headers;
  try {
    const parts = [];
    for (let start = 0, n = 1; start < source.size; start += size, n++) {
      const end = Math.min(start + size, source.size) - 1;
      const part = await s3.send(
        new UploadPartCopyCommand({
          Bucket,
          Key,
          UploadId,
          PartNumber: n,
          CopySource: copySource,
          CopySourceIfMatch: quoted(source.etag),
          CopySourceRange: `bytes=${start}-${end}`,
        }),
      );
      parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
  } catch (error) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
    throw error;
  }
}

function unquoted(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

function quoted(etag: string): string {
  return `"${etag}"`;
}
