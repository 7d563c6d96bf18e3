import { DeleteObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { Ledger } from './ledger';

/**
 * The ledger as empty objects under `<prefix>` of the data bucket, claimed with a conditional
 * write: `If-None-Match: *` makes PutObject fail with 412 Precondition Failed when the key exists,
 * atomically ("Preventing object overwrites with conditional writes",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). A concurrent
 * conditional write of the same key may instead get 409 ConditionalRequestConflict: the other
 * writer wins, so that is a lost claim too.
 */
export function s3Ledger(s3: S3Client, bucket: string, prefix: string): Ledger {
  return {
    async claim(key) {
      try {
        // ContentLength: the SDK cannot tell an empty string's length and warns on every claim otherwise.
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: prefix + key,
            Body: '',
            ContentLength: 0,
            IfNoneMatch: '*',
          }),
        );
        return true;
      } catch (error) {
        if (isStatus(error, 412) || isStatus(error, 409)) return false;
        throw error;
      }
    },
    async release(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
    },
  };
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata?.httpStatusCode === status;
}
