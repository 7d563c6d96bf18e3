import { PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { SCAN_STATUS_TAG } from '../../lib/policy/scan-status-names';
import { ScanResult, scannerStandIn } from '../../emulator/services/scanner-stand-in';
import { ObjectVersions } from '../../emulator/services/object-versions';
import { LocalS3, S3RVER_KEY, startLocalS3, stripBucketSlash } from '../../emulator/services/s3-server';

/**
 * The local stand-in for GuardDuty Malware Protection for S3 (emulator/services/scanner-stand-in.ts)
 * against s3rver: what it tags, where, and when.
 */
const BUCKET = 'scanned';
// The anti-malware test file's text is built here, never stored whole (antivirus would flag the
// repository): 68 bytes that every scanner reports as the EICAR test file.
const EICAR_TEST_FILE = [
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$',
  ['EICAR', 'STANDARD', 'ANTIVIRUS', 'TEST', 'FILE'].join('-'),
  '!$H+H*',
].join('');

let s3rver: LocalS3;
let client: S3Client;
beforeAll(async () => {
  s3rver = await startLocalS3([{ name: BUCKET }]);
  client = new S3Client({
    endpoint: s3rver.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_KEY,
  });
  stripBucketSlash(client);
});
afterAll(async () => {
  client.destroy();
  await s3rver.close();
});

const put = (key: string, body: string) =>
  client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

test('the EICAR test file is found infected, anything else clean, and other tags are kept', async () => {
  const results: ScanResult[] = [];
  const scanner = scannerStandIn({
    s3Endpoint: s3rver.endpoint,
    bucket: BUCKET,
    prefixes: ['users/'],
    onResult: (result) => results.push(result),
  });
  expect(EICAR_TEST_FILE).toHaveLength(68);
  await put('users/a/eicar.com', EICAR_TEST_FILE);
  await put('users/a/notes.txt', 'hello');
  await client.send(
    new PutObjectTaggingCommand({
      Bucket: BUCKET,
      Key: 'users/a/notes.txt',
      Tagging: { TagSet: [{ Key: 'team', Value: 'finance' }] },
    }),
  );
  await scanner.scanNewObject('users/a/eicar.com', 'v-eicar');
  await scanner.scanNewObject('users/a/notes.txt');
  // Each result goes on to EventBridge once the object is tagged, naming the version scanned.
  expect(results).toEqual([
    { key: 'users/a/eicar.com', versionId: 'v-eicar', status: 'THREATS_FOUND' },
    { key: 'users/a/notes.txt', versionId: undefined, status: 'NO_THREATS_FOUND' },
  ]);
  expect(await scanner.tagsOf('users/a/eicar.com')).toEqual({ [SCAN_STATUS_TAG]: 'THREATS_FOUND' });
  expect(await scanner.tagsOf('users/a/notes.txt')).toEqual({
    team: 'finance',
    [SCAN_STATUS_TAG]: 'NO_THREATS_FOUND',
  });
  await scanner.settle();
});

test('only objects under the plan’s prefixes are scanned; a missing object has no tags', async () => {
  const scanner = scannerStandIn({
    s3Endpoint: s3rver.endpoint,
    bucket: BUCKET,
    prefixes: ['users/', 'teams/'],
  });
  await put('quarantine/x.txt', 'x');
  await scanner.scanNewObject('quarantine/x.txt');
  expect(await scanner.tagsOf('quarantine/x.txt')).toEqual({});
  expect(await scanner.tagsOf('users/nobody/none.txt')).toEqual({});
  scanner.close();
});

test('with a delay, the object is pending (untagged) until the scan ends', async () => {
  const scanner = scannerStandIn({ s3Endpoint: s3rver.endpoint, bucket: BUCKET, prefixes: [], delayMs: 300 });
  await put('users/b/report.pdf', 'pdf');
  await scanner.scanNewObject('users/b/report.pdf');
  expect(await scanner.tagsOf('users/b/report.pdf')).toEqual({});
  await scanner.settle();
  expect(await scanner.tagsOf('users/b/report.pdf')).toEqual({ [SCAN_STATUS_TAG]: 'NO_THREATS_FOUND' });
  scanner.close();
});

test('a version replaced before its scan ended is scanned by its own bytes and tagged on its own record', async () => {
  const versions = new ObjectVersions();
  const results: ScanResult[] = [];
  const scanner = scannerStandIn({
    s3Endpoint: s3rver.endpoint,
    bucket: BUCKET,
    prefixes: [],
    delayMs: 200,
    versions,
    onResult: (result) => results.push(result),
  });
  const key = 'users/c/budget.xlsx';
  await put(key, 'the approved budget');
  const clean = versions.record(key, Buffer.from('the approved budget'));
  await scanner.scanNewObject(key, clean.versionId);
  await put(key, EICAR_TEST_FILE);
  const infected = versions.record(key, Buffer.from(EICAR_TEST_FILE));
  await scanner.scanNewObject(key, infected.versionId);
  await scanner.settle();
  expect(results).toEqual([
    { key, versionId: clean.versionId, status: 'NO_THREATS_FOUND' },
    { key, versionId: infected.versionId, status: 'THREATS_FOUND' },
  ]);
  expect(versions.find(key, clean.versionId)?.tags).toEqual({ [SCAN_STATUS_TAG]: 'NO_THREATS_FOUND' });
  expect(await scanner.tagsOf(key)).toEqual({ [SCAN_STATUS_TAG]: 'THREATS_FOUND' });
  // A version deleted before its scan ended is not scanned.
  const gone = versions.record(key, Buffer.from('short-lived'));
  await scanner.scanNewObject(key, gone.versionId);
  versions.remove(key, gone.versionId);
  await scanner.settle();
  expect(results).toHaveLength(2);
  scanner.close();
});
