import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { StoredPart } from './multipart';
import type { Signing } from './signing';

/** The multipart half of a caller's storage; every call is made as the caller's own session. */
export interface MultipartStorage {
  /** Returns S3's upload id. */
  createMultipartUpload(key: string, contentType: string): Promise<string>;
  /** A PUT URL for one part, with its exact length signed. */
  presignUploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    contentLength: number,
    signing: Signing,
  ): Promise<string>;
  /** The parts S3 holds, or undefined when it has no such upload for this key (or denies asking). */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | undefined>;
  completeMultipartUpload(key: string, uploadId: string, parts: readonly StoredPart[]): Promise<void>;
  /** False when S3 has no such upload for this key (or denies it). */
  abortMultipartUpload(key: string, uploadId: string): Promise<boolean>;
}

/** S3 answers an unknown upload id with 404 NoSuchUpload; a key out of the session's reach, 403. */
function isUnknownUpload(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 || status === 403;
}

export function multipartStorage(client: S3Client, bucket: string): MultipartStorage {
  return {
    createMultipartUpload: async (key, contentType) => {
      const created = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
      );
      if (!created.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
      return created.UploadId;
    },

    presignUploadPart: (key, uploadId, partNumber, contentLength, signing) =>
      getSignedUrl(
        client,
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          ContentLength: contentLength,
        }),
        { ...signing, signableHeaders: new Set(['content-length']) },
      ),

    listParts: async (key, uploadId) => {
      const parts: StoredPart[] = [];
      let marker: string | undefined;
      try {
        // S3 returns at most 1,000 parts a page (quick facts); an upload has at most 10,000.
        do {
          const page = await client.send(
            new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
          );
          for (const part of page.Parts ?? []) {
            parts.push({ partNumber: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? '' });
          }
          marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
        } while (marker);
      } catch (error) {
        if (isUnknownUpload(error)) return undefined;
        throw error;
      }
      return parts.sort((a, b) => a.partNumber - b.partNumber);
    },

    completeMultipartUpload: async (key, uploadId, parts) => {
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    },

    abortMultipartUpload: async (key, uploadId) => {
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
        return true;
      } catch (error) {
        if (isUnknownUpload(error)) return false;
        throw error;
      }
    },
  };
}
