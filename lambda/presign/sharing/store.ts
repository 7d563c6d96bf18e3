/**
 * What sharing keeps, and the store interface the routes use. DynamoDB in production
 * (dynamodb-store.ts); tests use the same implementation against a DynamoDB-compatible server.
 */

export type LinkKind = 'link' | 'request';

interface Shared {
  /** The SHA-256 of the token, hex: the item's key and the id the creator revokes by. */
  readonly id: string;
  readonly kind: LinkKind;
  /** The Okta sub of the user who created it; visits sign as this user's session. */
  readonly creator: string;
  readonly createdAt: number;
  /** Epoch seconds. Also the table's TTL attribute, but DynamoDB deletes late, so visits check it. */
  readonly expiresAt: number;
  /** Epoch seconds of revocation; absent while the link is live. */
  readonly revokedAt?: number;
}

export interface ShareLink extends Shared {
  readonly kind: 'link';
  readonly key: string;
  /** The object version the link serves; absent for a link to whatever is latest. */
  readonly versionId?: string;
  /** The team folder the key is in, when it is one; absent for the creator's own prefix. */
  readonly folder?: string;
}

export interface FileRequest extends Shared {
  readonly kind: 'request';
  /** The prefix uploads go under: `<creator's prefix><folder>/`. */
  readonly prefix: string;
  readonly folder: string;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  /** Content types a visitor may declare; empty allows any. */
  readonly contentTypes: readonly string[];
  /** Upload URLs handed out so far (each one counts, used or not). */
  readonly uploads: number;
}

export type SharedItem = ShareLink | FileRequest;

/** The creator's memberships as last seen on one of their authenticated requests. */
export interface SeenMembership {
  readonly sub: string;
  /** The `okta_teams` session tag of that request (`:finance=rw:`), or '' for none. */
  readonly teams: string;
  /** Epoch seconds of the request. */
  readonly seenAt: number;
}

export interface SharingStore {
  put(item: SharedItem): Promise<void>;
  get(id: string): Promise<SharedItem | undefined>;
  /** The creator's items, newest first, at most `limit`. */
  listByCreator(creator: string, kind: LinkKind, limit: number): Promise<SharedItem[]>;
  /** Marks the item revoked if `creator` made it; false if there is no such item of theirs. */
  revoke(id: string, kind: LinkKind, creator: string, at: number): Promise<boolean>;
  /**
   * Counts one more upload of a file request if it is live at `now` and under its file count;
   * false (and nothing counted) otherwise. Atomic, so concurrent visitors cannot exceed the count.
   */
  claimUpload(id: string, now: number): Promise<boolean>;
  /**
   * Revokes every live link and file request of `creator` (offboarding: the lifecycle's hook for a
   * person who leaves); returns how many it revoked.
   */
  revokeAllBy(creator: string, at: number): Promise<number>;
  putMembership(seen: SeenMembership, ttl: number): Promise<void>;
  getMembership(sub: string): Promise<SeenMembership | undefined>;
}
