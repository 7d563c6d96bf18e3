/**
 * Moving a prefix: every object under `from` is copied to the same relative key under `to`, the
 * copy is verified, and only then is the source deleted. Idempotent and resumable: a copy already
 * made by an earlier, interrupted run is recognised by the source ETag it records, and is not made
 * again; a source already deleted is simply no longer listed. Nothing is lost on a versioned
 * bucket even if a step fails, because a delete there only adds a delete marker.
 */

/** An object as a listing shows it. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

/** What HeadObject says about a copy. */
export interface CopiedObject {
  readonly size: number;
  /** The source ETag the copy was made from (`x-amz-meta-moved-from-etag`). */
  readonly movedFromEtag?: string;
}

/** The S3 calls a move needs; `s3-move-store.ts` implements them with the SDK. */
export interface MoveStore {
  /** One page of ListObjectsV2 under `prefix`. */
  list(prefix: string, continuationToken?: string): Promise<{ objects: ListedObject[]; next?: string }>;
  /** HeadObject of `key`, or undefined when there is none. */
  head(key: string): Promise<CopiedObject | undefined>;
  /**
   * Copies `source` to `target`, only if the source still has `source.etag`, recording it as the
   * copy's `moved-from-etag` metadata: CopyObject up to 5 GiB, UploadPartCopy above.
   */
  copy(source: ListedObject, target: string): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface MoveResult {
  readonly moved: number;
  /** Copies an earlier run had already made (its source was still there). */
  readonly resumed: number;
  readonly bytes: number;
}

export class MoveVerificationError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`copy of ${key} does not match its source: ${detail}`);
    this.name = 'MoveVerificationError';
  }
}

/**
 * Moves everything under `from` (e.g. `users/<sub>/`) to `to` (e.g. `offboarded/<sub>/`), page
 * by page. A continuation token resumes after the last key listed ("ListObjectsV2",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html), so deleting keys
 * already listed never shifts a later page.
 */
export async function movePrefix(from: string, to: string, store: MoveStore): Promise<MoveResult> {
  if (!from.endsWith('/') || !to.endsWith('/') || from === to || to.startsWith(from) || from.startsWith(to)) {
    throw new Error(`cannot move ${from} to ${to}: both must be distinct folders, neither inside the other`);
  }
  let moved = 0;
  let resumed = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await store.list(from, token);
    for (const source of page.objects) {
      if (!source.key.startsWith(from)) throw new Error(`listing of ${from} returned ${source.key}`);
      const target = to + source.key.slice(from.length);
      const existing = await store.head(target);
      const copiedBefore = existing !== undefined && isCopyOf(existing, source);
      if (!copiedBefore) {
        await store.copy(source, target);
        const copy = await store.head(target);
        if (!copy) throw new MoveVerificationError(source.key, 'no copy after CopyObject');
        if (!isCopyOf(copy, source))
          throw new MoveVerificationError(
            source.key,
            `size ${copy.size} for ${source.size}, moved-from ${copy.movedFromEtag} for ${source.etag}`,
          );
      }
      await store.remove(source.key);
      if (copiedBefore) resumed++;
      moved++;
      bytes += source.size;
    }
    token = page.next;
  } while (token);
  return { moved, resumed, bytes };
}

function isCopyOf(copy: CopiedObject, source: ListedObject): boolean {
  return copy.size === source.size && copy.movedFromEtag === source.etag;
}
