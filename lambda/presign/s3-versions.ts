import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { SessionCredentials } from './credentials';
import { attachmentDisposition, createS3Client, S3Options } from './s3';
import type { Signing } from './signing';

/**
 * What a pinned share link does with S3, as a pinned-link session (sharing/pinned-sessions.ts):
 * both name the version, so S3 authorizes them as `s3:GetObjectVersion` ("If you include a
 * versionId in your request header, you must have the s3:GetObjectVersion permission", GetObject,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html; a HEAD "has the same options
 * as a GET", HeadObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 */
export interface VersionStorage {
  /** False when S3 answers 404 (no such version any more) or 403 (refused, e.g. not scanned clean). */
  hasVersion(key: string, versionId: string): Promise<boolean>;
  presignGetVersion(key: string, versionId: string, signing: Signing): Promise<string>;
}

export function s3VersionStorage(options: S3Options): (credentials: SessionCredentials) => VersionStorage {
  return (credentials) => {
    const client = createS3Client(options, credentials);
    const bucket = options.bucket;
    return {
      hasVersion: async (key, versionId) => {
        try {
          await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
          return true;
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          // A version id S3 cannot parse is answered 400: the link names no version that exists.
          if (status === 404 || status === 403 || status === 400) return false;
          throw error;
        }
      },
      presignGetVersion: (key, versionId, signing) =>
        getSignedUrl(
          client,
          new GetObjectCommand({
            Bucket: bucket,
            Key: key,
            VersionId: versionId,
            ResponseContentDisposition: attachmentDisposition(key),
          }),
          signing,
        ),
    };
  };
}
