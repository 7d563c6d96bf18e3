/**
 * S3 Versioning where s3rver has none: the S3 front keeps the bytes of every object a write stores
 * as a version of its key (s3-version-replies.ts), answers `x-amz-version-id`, and serves a GET or
 * HEAD that names a `versionId` from the version kept. "Each object has a version ID ... When you
 * PUT an object in a versioning-enabled bucket, the noncurrent version is not overwritten" (S3 user
 * guide, "How S3 Versioning works",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html); "If the version
 * ID specified ... does not exist, Amazon S3 returns ... 404 Not Found" with the code
 * `NoSuchVersion` (GetObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 *
 * Not modelled: delete markers (a deleted key's versions are kept, but s3rver no longer has the key,
 * so a versioned GET of it is refused as s3rver answers), ListObjectVersions, and a version's own
 * content type and metadata (a version made current again has none). Tags live on s3rver's current
 * object (the scan stand-in tags it); a version keeps the tags it had when a newer one replaced it,
 * so that it has them again if it becomes current (s3-versioned-requests.ts). */
import { createHash, randomBytes } from 'crypto';

export interface ObjectVersion {
  readonly versionId: string;
  readonly body: Buffer;
  readonly etag: string;
  /** Its tags once a newer version replaced it; while current, s3rver's object holds them. */
  tags?: Readonly<Record<string, string>>;
}

export class ObjectVersions {
  private readonly byKey = new Map<string, ObjectVersion[]>();

  /** A new current version of `key`; its id is opaque, like S3's. */
  record(key: string, body: Buffer): ObjectVersion {
    const version = {
      versionId: randomBytes(24).toString('base64url'),
      body: Buffer.from(body),
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
    };
    const versions = this.byKey.get(key) ?? [];
    versions.push(version);
    this.byKey.set(key, versions);
    return version;
  }

  /** Keeps the current version's tags with it, before a newer version replaces it. */
  keepTags(key: string, tags: Readonly<Record<string, string>>): void {
    const current = this.current(key);
    if (current) current.tags = { ...tags };
  }

  current(key: string): ObjectVersion | undefined {
    return this.byKey.get(key)?.at(-1);
  }

  find(key: string, versionId: string): ObjectVersion | undefined {
    return this.byKey.get(key)?.find((v) => v.versionId === versionId);
  }

  /** Removes one version, as an administrator's DeleteObjectVersion or the lifecycle rule would. */
  remove(key: string, versionId: string): boolean {
    const versions = this.byKey.get(key) ?? [];
    const kept = versions.filter((v) => v.versionId !== versionId);
    this.byKey.set(key, kept);
    return kept.length < versions.length;
  }
}
