import type { SeenMembership, SharedItem, SharingStore } from '../../../lambda/presign/sharing/store';

/**
 * The SharingStore contract in memory, for the quick tier. The DynamoDB implementation passes the
 * same contract against a DynamoDB-compatible server (test/lambda/sharing-store.e2e.test.ts).
 * `rows` is what a table would hold, to check that no token is ever stored.
 */
export function memorySharingStore(): SharingStore & { rows: Map<string, unknown> } {
  const items = new Map<string, SharedItem>();
  const members = new Map<string, SeenMembership>();
  const rows = new Map<string, unknown>();
  const save = (item: SharedItem) => {
    items.set(item.id, item);
    rows.set(`share#${item.id}`, JSON.parse(JSON.stringify(item)));
  };
  return {
    rows,
    put: async (item) => {
      if (items.has(item.id))
        throw Object.assign(new Error('The conditional request failed'), {
          name: 'ConditionalCheckFailedException',
        });
      save(item);
    },
    get: async (id) => items.get(id),
    listByCreator: async (creator, kind, limit) =>
      [...items.values()]
        .filter((i) => i.creator === creator && i.kind === kind)
        .sort((a, b) => b.createdAt - a.createdAt)
        .slice(0, limit),
    revoke: async (id, kind, creator, at) => {
      const item = items.get(id);
      if (item === undefined || item.kind !== kind || item.creator !== creator) return false;
      if (item.revokedAt === undefined) save({ ...item, revokedAt: at });
      return true;
    },
    revokeAllBy: async (creator, at) => {
      const live = [...items.values()].filter((i) => i.creator === creator && i.revokedAt === undefined);
      for (const item of live) save({ ...item, revokedAt: at });
      return live.length;
    },
    claimUpload: async (id, now) => {
      const item = items.get(id);
      if (item?.kind !== 'request' || item.revokedAt !== undefined || !(item.expiresAt > now)) return false;
      if (!(item.uploads < item.maxFiles)) return false;
      save({ ...item, uploads: item.uploads + 1 });
      return true;
    },
    putMembership: async (seen) => {
      members.set(seen.sub, seen);
      rows.set(`member#${seen.sub}`, seen);
    },
    getMembership: async (sub) => members.get(sub),
  };
}
