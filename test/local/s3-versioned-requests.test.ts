import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectVersions } from '../../emulator/services/object-versions';
import {
  answerVersionedWrite,
  newObjectTags,
  replaceTags,
  versionedWriteOf,
  type VersionedWriteDeps,
} from '../../emulator/services/s3-versioned-requests';
import { administratorClient, LocalS3, startLocalS3 } from '../../emulator/services/s3-server';
import { scannerStandIn } from '../../emulator/services/scanner-stand-in';

/**
 * The versioned writes the S3 front answers itself (emulator/services/s3-versioned-requests.ts),
 * against s3rver: CopyObject from one version, and DeleteObject of one version, as S3 documents them.
 */
const Bucket = 'versioned';
let s3rver: LocalS3;
let client: S3Client;
let deps: VersionedWriteDeps & { versions: ObjectVersions };
beforeAll(async () => {
  s3rver = await startLocalS3([{ name: Bucket }]);
  client = administratorClient(s3rver.endpoint);
});
afterAll(async () => {
  client.destroy();
  await s3rver.close();
});
beforeEach(() => {
  const tags = scannerStandIn({ s3Endpoint: s3rver.endpoint, bucket: Bucket, prefixes: [] });
  deps = { client, bucket: Bucket, versions: new ObjectVersions(), tagsOf: (key) => tags.tagsOf(key) };
});

/** A single PUT as the front records it: the bytes in s3rver, a version kept, the tags set. */
async function put(key: string, body: string, tags: Record<string, string> = {}) {
  if (deps.versions.current(key)) deps.versions.keepTags(key, await deps.tagsOf(key));
  await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: 'text/plain' }));
  await replaceTags(client, Bucket, key, tags);
  return deps.versions.record(key, Buffer.from(body)).versionId;
}
const text = async (key: string) =>
  Buffer.from(
    await (await client.send(new GetObjectCommand({ Bucket, Key: key }))).Body!.transformToByteArray(),
  ).toString();
const exists = (key: string) =>
  client.send(new HeadObjectCommand({ Bucket, Key: key })).then(
    () => true,
    () => false,
  );
const copyHeaders = (source: string, extra: Record<string, string> = {}) => ({
  'x-amz-copy-source': `/${Bucket}/${source}`,
  ...extra,
});
const query = (q = '') => new URLSearchParams(q);

test('only a copy from a version and a delete of a version are the front’s to answer', () => {
  expect(versionedWriteOf('PUT', query(), copyHeaders('a?versionId=v1'))).toBe('copy-from-version');
  expect(versionedWriteOf('PUT', query(), copyHeaders('a'))).toBeUndefined();
  expect(
    versionedWriteOf('PUT', query('partNumber=1&uploadId=u'), copyHeaders('a?versionId=v1')),
  ).toBeUndefined();
  expect(versionedWriteOf('DELETE', query('versionId=v1'), {})).toBe('delete-version');
  expect(versionedWriteOf('DELETE', query(), {})).toBeUndefined();
  expect(versionedWriteOf('DELETE', query('versionId=v1&tagging'), {})).toBeUndefined();
});

test('a copy of an older version has that version’s bytes and the tags it had; COPY is the default', async () => {
  const first = await put('doc.txt', 'first', { GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' });
  await put('doc.txt', 'second', { GuardDutyMalwareScanStatus: 'THREATS_FOUND' });
  const answer = await answerVersionedWrite(
    'copy-from-version',
    'copy.txt',
    copyHeaders(`doc.txt?versionId=${first}`),
    query(),
    deps,
  );
  expect(answer).toMatchObject({ status: 200, headers: { 'x-amz-copy-source-version-id': first } });
  expect(await text('copy.txt')).toBe('first');
  expect(await deps.tagsOf('copy.txt')).toEqual({ GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' });
});

test('with REPLACE, a copy takes the request’s metadata and tags instead of the source’s', async () => {
  const version = await put('meta.txt', 'bytes', { team: 'finance' });
  await answerVersionedWrite(
    'copy-from-version',
    'meta-copy.txt',
    copyHeaders(`meta.txt?versionId=${version}`, {
      'x-amz-metadata-directive': 'REPLACE',
      'x-amz-meta-reason': 'audit',
      'x-amz-tagging-directive': 'REPLACE',
      'x-amz-tagging': 'kept=yes',
    }),
    query(),
    deps,
  );
  const head = await client.send(new HeadObjectCommand({ Bucket, Key: 'meta-copy.txt' }));
  expect(head.Metadata).toEqual({ reason: 'audit' });
  expect(await deps.tagsOf('meta-copy.txt')).toEqual({ kept: 'yes' });
});

test('a copy of a version that does not exist is NoSuchVersion, and writes nothing', async () => {
  await put('gone.txt', 'x');
  const answer = await answerVersionedWrite(
    'copy-from-version',
    'never.txt',
    copyHeaders('gone.txt?versionId=no-such-version'),
    query(),
    deps,
  );
  expect(answer).toMatchObject({ status: 404, body: expect.stringContaining('<Code>NoSuchVersion</Code>') });
  expect(await exists('never.txt')).toBe(false);
});

test('deleting the current version makes the one before it current, with its own tags', async () => {
  const clean = await put('report.txt', 'clean', { GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' });
  const infected = await put('report.txt', 'infected', { GuardDutyMalwareScanStatus: 'THREATS_FOUND' });
  const answer = await answerVersionedWrite(
    'delete-version',
    'report.txt',
    {},
    query(`versionId=${infected}`),
    deps,
  );
  expect(answer).toMatchObject({ status: 204, headers: { 'x-amz-version-id': infected } });
  expect(await text('report.txt')).toBe('clean');
  expect(await deps.tagsOf('report.txt')).toEqual({ GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' });
  expect(deps.versions.current('report.txt')?.versionId).toBe(clean);
});

test('deleting a noncurrent version leaves the current one; deleting the only version removes the object', async () => {
  const old = await put('notes.txt', 'old');
  await put('notes.txt', 'new');
  await answerVersionedWrite('delete-version', 'notes.txt', {}, query(`versionId=${old}`), deps);
  expect(await text('notes.txt')).toBe('new');
  expect(deps.versions.find('notes.txt', old)).toBeUndefined();

  const only = await put('single.txt', 'one');
  await answerVersionedWrite('delete-version', 'single.txt', {}, query(`versionId=${only}`), deps);
  expect(await exists('single.txt')).toBe(false);
});

test('the null version is an object s3rver holds with no version kept (stored before the front started)', async () => {
  await client.send(new PutObjectCommand({ Bucket, Key: 'multipart.bin', Body: 'parts' }));
  await answerVersionedWrite(
    'copy-from-version',
    'multipart-copy.bin',
    copyHeaders('multipart.bin?versionId=null'),
    query(),
    deps,
  );
  expect(await text('multipart-copy.bin')).toBe('parts');
  await answerVersionedWrite('delete-version', 'multipart.bin', {}, query('versionId=null'), deps);
  expect(await exists('multipart.bin')).toBe(false);
  // A key with kept versions has no null version: deleting "null" removes nothing.
  await put('kept.txt', 'kept');
  await answerVersionedWrite('delete-version', 'kept.txt', {}, query('versionId=null'), deps);
  expect(await text('kept.txt')).toBe('kept');
});

test('a new object gets only the tags its request names; an overwrite does not keep the old ones', async () => {
  expect(newObjectTags({ 'x-amz-tagging': 'a=1&b=2' })).toEqual({ a: '1', b: '2' });
  expect(newObjectTags({})).toEqual({});
  expect(newObjectTags(copyHeaders('src'), { scan: 'clean' })).toEqual({ scan: 'clean' });
  expect(newObjectTags(copyHeaders('src', { 'x-amz-tagging-directive': 'COPY' }), { scan: 'clean' })).toEqual(
    {
      scan: 'clean',
    },
  );
  expect(
    newObjectTags(copyHeaders('src', { 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'c=3' }), {
      scan: 'clean',
    }),
  ).toEqual({ c: '3' });
  await put('overwritten.txt', 'v1', { GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' });
  await put('overwritten.txt', 'v2');
  expect(await deps.tagsOf('overwritten.txt')).toEqual({});
});
