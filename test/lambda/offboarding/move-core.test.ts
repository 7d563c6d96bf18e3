import { movePrefix, MoveVerificationError } from '../../../lambda/offboarding/move-core';
import { moveBatch } from '../../../lambda/offboarding/mover';
import { BOB, job, memoryStore } from './fixtures';

const FROM = `users/${BOB}/`;
const TO = `offboarded/${BOB}/`;

function bucketWithBob() {
  const bucket = memoryStore(2);
  for (let i = 0; i < 5; i++) bucket.put(`${FROM}f${i}.txt`, `file ${i}`);
  bucket.put(`${FROM}deep/er/x.bin`, 'deep');
  bucket.put(`users/${BOB}x/other.txt`, 'prefix-extension neighbour');
  bucket.put('teams/finance/bob-wrote-this.txt', 'team file');
  return bucket;
}

describe('moving a prefix', () => {
  test('copies every object across pages, then deletes the sources; nothing else moves', async () => {
    const bucket = bucketWithBob();
    const before = bucket.contents(FROM);
    const result = await movePrefix(FROM, TO, bucket.store);
    expect(result).toEqual({ moved: 6, resumed: 0, bytes: 34 });
    expect(bucket.contents(FROM)).toEqual({});
    expect(bucket.contents(TO)).toEqual(
      Object.fromEntries(Object.entries(before).map(([k, v]) => [k.replace(FROM, TO), v])),
    );
    expect(bucket.contents(`users/${BOB}x/`)).toEqual({
      [`users/${BOB}x/other.txt`]: 'prefix-extension neighbour',
    });
    expect(bucket.contents('teams/')).toEqual({ 'teams/finance/bob-wrote-this.txt': 'team file' });
  });

  test('copies, verifies, then deletes each object, in that order', async () => {
    const bucket = memoryStore();
    bucket.put(`${FROM}a`, 'a');
    await movePrefix(FROM, TO, bucket.store);
    expect(bucket.calls).toEqual(['list', 'head', 'copy', 'head', 'remove']);
  });

  test.each([
    ['copy', 3],
    ['remove', 2],
    ['head', 4],
    ['list', 2],
  ])('resumes after a crash in the %s call #%i: no loss, no second copy', async (op, n) => {
    const bucket = bucketWithBob();
    const before = bucket.contents(FROM);
    bucket.crash(op, n);
    await expect(movePrefix(FROM, TO, bucket.store)).rejects.toThrow(`crash in ${op}`);
    // Between the runs every file exists at least once.
    for (const key of Object.keys(before))
      expect(bucket.objects.has(key) || bucket.objects.has(key.replace(FROM, TO))).toBe(true);
    await movePrefix(FROM, TO, bucket.store);
    expect(bucket.contents(FROM)).toEqual({});
    expect(Object.keys(bucket.contents(TO))).toHaveLength(6);
    // Every object was copied exactly once over both runs (a crashed copy call copied nothing).
    const copies = bucket.calls.filter((c) => c === 'copy').length - (op === 'copy' ? 1 : 0);
    expect(copies).toBe(6);
  });

  test('a second run (the same person queued twice) moves nothing', async () => {
    const bucket = bucketWithBob();
    await movePrefix(FROM, TO, bucket.store);
    const calls = bucket.calls.length;
    expect(await movePrefix(FROM, TO, bucket.store)).toEqual({ moved: 0, resumed: 0, bytes: 0 });
    expect(bucket.calls.slice(calls)).toEqual(['list']);
  });

  test('a copy that does not match its source keeps the source', async () => {
    const bucket = memoryStore();
    bucket.put(`${FROM}a`, 'abc');
    const { store } = bucket;
    const badStore = {
      ...store,
      head: async (key: string) => (key.startsWith(TO) ? { size: 2, movedFromEtag: 'x' } : undefined),
    };
    await expect(movePrefix(FROM, TO, badStore)).rejects.toBeInstanceOf(MoveVerificationError);
    expect(bucket.contents(FROM)).toEqual({ [`${FROM}a`]: 'abc' });
  });

  test('an object changed since it was listed is not deleted (the copy is conditional on its ETag)', async () => {
    const bucket = memoryStore();
    bucket.put(`${FROM}a`, 'v1');
    const { store } = bucket;
    const racing = {
      ...store,
      list: async (prefix: string, token?: string) => {
        const page = await store.list(prefix, token);
        bucket.put(`${FROM}a`, 'v2, written after the listing');
        return page;
      },
    };
    await expect(movePrefix(FROM, TO, racing)).rejects.toThrow('PreconditionFailed');
    expect(bucket.contents(FROM)).toEqual({ [`${FROM}a`]: 'v2, written after the listing' });
  });

  test.each([
    ['users/bob', 'offboarded/bob/'],
    ['users/bob/', 'users/bob/sub/'],
    ['users/bob/', 'users/'],
    ['users/bob/', 'users/bob/'],
  ])('refuses to move %s to %s', async (from, to) => {
    await expect(movePrefix(from, to, memoryStore().store)).rejects.toThrow('cannot move');
  });
});

describe('the mover’s SQS batch', () => {
  const deps = (store = bucketWithBob()) => ({
    store: store.store,
    usersPrefix: 'users/',
    offboardedPrefix: 'offboarded/',
    log: vi.fn(),
  });

  test('moves each person and logs who, which event and what', async () => {
    const d = deps();
    const result = await moveBatch([{ messageId: 'm1', body: JSON.stringify(job()) }], d);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(d.log).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'moved', sub: BOB, eventUuid: `uuid-${BOB}`, moved: 6, to: TO }),
    );
  });

  test('revokes the person’s share links and file requests first, then moves, and logs how many', async () => {
    const bucket = bucketWithBob();
    const order: string[] = [];
    const revokeSharing = vi.fn(async (sub: string) => (order.push(`revoke ${sub}`, ...bucket.calls), 3));
    const d = { ...deps(bucket), revokeSharing };
    expect(await moveBatch([{ messageId: 'm1', body: JSON.stringify(job()) }], d)).toEqual({
      batchItemFailures: [],
    });
    // Nothing of the store was called before the revocation.
    expect(order).toEqual([`revoke ${BOB}`]);
    expect(revokeSharing).toHaveBeenCalledTimes(1);
    expect(d.log).toHaveBeenCalledWith(
      expect.objectContaining({ outcome: 'moved', sub: BOB, revokedShares: 3 }),
    );
  });

  test('a revocation that fails moves nothing and returns the job for SQS to retry', async () => {
    const bucket = bucketWithBob();
    const d = { ...deps(bucket), revokeSharing: vi.fn(async () => Promise.reject(new Error('throttled'))) };
    const result = await moveBatch([{ messageId: 'm1', body: JSON.stringify(job()) }], d);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(bucket.calls).toEqual([]);
    expect(d.log).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'failed', sub: BOB }), true);
  });

  test('returns failed and malformed messages for SQS to retry or dead-letter', async () => {
    const bucket = bucketWithBob();
    bucket.crash('copy', 1);
    const d = deps(bucket);
    const result = await moveBatch(
      [
        { messageId: 'bad', body: '{"sub":"../x"}' },
        { messageId: 'crash', body: JSON.stringify(job()) },
      ],
      d,
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }, { itemIdentifier: 'crash' }]);
    expect(d.log).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'failed', sub: BOB }), true);
  });
});
