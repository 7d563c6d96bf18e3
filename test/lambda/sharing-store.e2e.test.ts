import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createSharingTable, LocalDynamoDb, startDynamoDb } from '../../emulator/services/dynamodb';
import { dynamoDbSharingStore } from '../../lambda/presign/sharing/dynamodb-store';
import type { FileRequest, ShareLink, SharingStore } from '../../lambda/presign/sharing/store';
import { newToken, tokenHash } from '../../lambda/presign/sharing/tokens';
import { ALICE, BOB } from './support/fakes';
import { memorySharingStore } from './support/memory-sharing-store';

/*
 * The SharingStore contract, against the DynamoDB store on a DynamoDB-compatible server (dynalite)
 * and against the in-memory store the quick tests use, so the two cannot drift apart.
 */

const NOW = 1_800_000_000;
const link = (creator: string, createdAt = NOW): ShareLink => ({
  id: tokenHash(newToken()),
  kind: 'link',
  creator,
  key: `users/${creator}/a/b.txt`,
  versionId: 'v1',
  createdAt,
  expiresAt: createdAt + 86_400,
});
const request = (creator: string, maxFiles = 3): FileRequest => ({
  id: tokenHash(newToken()),
  kind: 'request',
  creator,
  prefix: `users/${creator}/In/`,
  folder: 'In',
  createdAt: NOW,
  expiresAt: NOW + 86_400,
  maxFiles,
  maxFileBytes: 10,
  contentTypes: ['application/pdf'],
  uploads: 0,
});

let dynamo: LocalDynamoDb;
const TABLE = 'sharing-contract';

beforeAll(async () => {
  dynamo = await startDynamoDb();
  await createSharingTable(dynamo.client, TABLE);
});
afterAll(async () => dynamo.close());

describe.each([
  ['DynamoDB (dynalite)', () => dynamoDbSharingStore(dynamo.client, TABLE)],
  ['memory', () => memorySharingStore()],
])('the %s sharing store', (_name, makeStore: () => SharingStore) => {
  let store: SharingStore;
  beforeEach(() => {
    store = makeStore();
  });

  it('keeps an item under its id and lists a creator’s items newest first, by kind', async () => {
    const older = link(ALICE, NOW - 10);
    const newer = link(ALICE, NOW);
    const theirs = link(BOB);
    const req = request(ALICE);
    for (const item of [older, newer, theirs, req]) await store.put(item);
    expect(await store.get(newer.id)).toEqual(newer);
    expect(await store.get(tokenHash(newToken()))).toBeUndefined();
    const mine = await store.listByCreator(ALICE, 'link', 100);
    expect(mine.map((i) => i.id)).toEqual(expect.arrayContaining([newer.id, older.id]));
    expect(mine.findIndex((i) => i.id === newer.id)).toBeLessThan(mine.findIndex((i) => i.id === older.id));
    expect(mine.every((i) => i.creator === ALICE && i.kind === 'link')).toBe(true);
    expect((await store.listByCreator(ALICE, 'request', 100)).map((i) => i.id)).toContain(req.id);
  });

  it('refuses a second item with the same id', async () => {
    const item = link(ALICE);
    await store.put(item);
    await expect(store.put({ ...item, key: 'users/x/y' })).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
    expect(await store.get(item.id)).toMatchObject({ key: item.key });
  });

  it('revokes only for the creator and the kind, keeping the first revocation time', async () => {
    const item = link(ALICE);
    await store.put(item);
    expect(await store.revoke(item.id, 'link', BOB, NOW)).toBe(false);
    expect(await store.revoke(item.id, 'request', ALICE, NOW)).toBe(false);
    expect(await store.revoke(tokenHash(newToken()), 'link', ALICE, NOW)).toBe(false);
    expect((await store.get(item.id))?.revokedAt).toBeUndefined();
    expect(await store.revoke(item.id, 'link', ALICE, NOW + 1)).toBe(true);
    expect(await store.revoke(item.id, 'link', ALICE, NOW + 2)).toBe(true);
    expect((await store.get(item.id))?.revokedAt).toBe(NOW + 1);
  });

  it('offboarding revokes every live link and request of the creator, and nobody else’s', async () => {
    const leaver = `00uLeaver${Math.random().toString(36).slice(2, 12)}`;
    const mine = [link(leaver), link(leaver, NOW - 5), request(leaver)];
    const already = link(leaver);
    const theirs = link(BOB);
    for (const item of [...mine, already, theirs]) await store.put(item);
    await store.revoke(already.id, 'link', leaver, NOW - 1);
    expect(await store.revokeAllBy(leaver, NOW)).toBe(3);
    for (const item of mine) expect((await store.get(item.id))?.revokedAt).toBe(NOW);
    expect((await store.get(already.id))?.revokedAt).toBe(NOW - 1);
    expect((await store.get(theirs.id))?.revokedAt).toBeUndefined();
    expect(await store.revokeAllBy(leaver, NOW + 1)).toBe(0);
  });

  it('counts uploads atomically: twenty concurrent claims on a request of three get exactly three', async () => {
    const req = request(ALICE, 3);
    await store.put(req);
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimUpload(req.id, NOW)));
    expect(claims.filter(Boolean)).toHaveLength(3);
    expect(await store.get(req.id)).toMatchObject({ uploads: 3 });
  });

  it('claims nothing on an expired, revoked or unknown request, or on a share link', async () => {
    const expired = request(ALICE);
    const revoked = request(ALICE);
    const aLink = link(ALICE);
    for (const item of [expired, revoked, aLink]) await store.put(item);
    await store.revoke(revoked.id, 'request', ALICE, NOW);
    expect(await store.claimUpload(expired.id, expired.expiresAt)).toBe(false);
    expect(await store.claimUpload(revoked.id, NOW)).toBe(false);
    expect(await store.claimUpload(aLink.id, NOW)).toBe(false);
    expect(await store.claimUpload(tokenHash(newToken()), NOW)).toBe(false);
    expect(await store.claimUpload(expired.id, expired.expiresAt - 1)).toBe(true);
  });

  it('keeps each creator’s last-seen membership', async () => {
    expect(await store.getMembership(ALICE)).toBeUndefined();
    await store.putMembership({ sub: ALICE, teams: ':finance=rw:', seenAt: NOW }, NOW + 3600);
    await store.putMembership({ sub: ALICE, teams: ':', seenAt: NOW + 5 }, NOW + 3605);
    expect(await store.getMembership(ALICE)).toEqual({ sub: ALICE, teams: ':', seenAt: NOW + 5 });
  });
});

describe('the DynamoDB table', () => {
  it('holds the token’s hash and the TTL attribute (epoch seconds), never the token', async () => {
    const store = dynamoDbSharingStore(dynamo.client, TABLE);
    const token = newToken();
    const item = { ...link(ALICE), id: tokenHash(token) };
    await store.put(item);
    const { Item } = await dynamo.client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `share#${item.id}` } } }),
    );
    expect(Item?.expiresAt).toEqual({ N: String(item.expiresAt) });
    const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: TABLE }));
    expect(JSON.stringify(Items)).not.toContain(token);
  });
});
