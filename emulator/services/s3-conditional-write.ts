/**
 * S3's conditional writes, which s3rver ignores: the S3 front answers them itself before it passes
 * the write on.
 *
 * - `If-None-Match: *` on PutObject, CopyObject (the destination) and CompleteMultipartUpload
 *   writes the object only if no object of that key exists; otherwise S3 answers 412 Precondition
 *   Failed and writes nothing. The header expects `*` and needs no permission beyond
 *   `s3:PutObject` ("How to prevent object overwrites with conditional writes", S3 user guide,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; PutObject,
 *   `If-None-Match`, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html;
 *   CompleteMultipartUpload, https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html).
 *   CreateMultipartUpload, UploadPart and UploadPartCopy take no conditional header ("Enforce
 *   conditional writes on Amazon S3 buckets", same guide), so only the completion is checked.
 * - `If-Match: <etag>` (compare and swap) and an `If-None-Match` other than `*` are not modelled:
 *   the front answers 501 rather than write unconditionally. Nothing in this project sends them.
 * - A concurrent conditional write of the same key may get 409 ConditionalRequestConflict from S3.
 *   The front is one process, so it makes check-then-write atomic instead: the writes of one key
 *   wait for each other (`KeyLocks`), and a second writer always sees the first one's object and
 *   gets 412. That is one of S3's two documented outcomes for the loser; 409 is never produced.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { NotModelled } from './s3-request';
import { administratorClient } from './s3-server';

/** The precondition a write carries: `absent` is `If-None-Match: *`. */
export type WritePrecondition = 'absent';

/**
 * The precondition of an object request, if it is a write that carries one. Throws NotModelled for
 * the conditional headers the front does not answer. Reads (GET, HEAD) are left to s3rver, and
 * parts and subresources (`acl`, `tagging`) are not object writes.
 */
export function writePreconditionOf(
  method: string,
  query: URLSearchParams,
  headers: Readonly<Record<string, string | undefined>>,
): WritePrecondition | undefined {
  const isObjectWrite =
    (method === 'PUT' && !['partNumber', 'uploadId', 'acl', 'tagging'].some((k) => query.has(k))) ||
    (method === 'POST' && query.has('uploadId'));
  if (!isObjectWrite) return undefined;
  if (headers['if-match'] !== undefined) throw new NotModelled('a conditional write with If-Match');
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch === undefined) return undefined;
  if (ifNoneMatch.trim() !== '*') throw new NotModelled(`If-None-Match: ${ifNoneMatch} (S3 expects *)`);
  return 'absent';
}

/**
 * S3's answer to a write whose precondition failed: 412 with the error code `PreconditionFailed`
 * ("Error responses", List of error codes, https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
export const PRECONDITION_FAILED = {
  status: 412,
  code: 'PreconditionFailed',
  message: 'At least one of the pre-conditions you specified did not hold',
} as const;

/** Runs the tasks of one key one after another, and tasks of different keys side by side. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.catch(() => undefined).then(task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a task queued or running. */
  get busyKeys(): number {
    return this.tails.size;
  }
}

export interface ConditionalWrites {
  /**
   * Runs `write` (the request passed on to s3rver) only if the precondition holds, one write of a
   * key at a time; else answers `failed()` and writes nothing.
   */
  run<R>(key: string, precondition: WritePrecondition, write: () => Promise<R>, failed: () => R): Promise<R>;
  close(): void;
}

/**
 * Conditional writes on the local S3 server, which is read with its own administrator key. s3rver
 * keeps no versions, so a deleted key is absent (as the offboarding ledger's release expects).
 */
export function conditionalWrites(options: { s3Endpoint: string; bucket: string }): ConditionalWrites {
  const client = administratorClient(options.s3Endpoint);
  const locks = new KeyLocks();

  async function exists(key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: options.bucket, Key: key }));
      return true;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }

  return {
    run: (key, precondition, write, failed) =>
      locks.run(key, async () => (precondition === 'absent' && (await exists(key)) ? failed() : write())),
    close: () => client.destroy(),
  };
}
