import { randomBytes } from 'crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalS3, S3RVER_KEY, startLocalS3 } from '../../emulator/services/s3-server';
import { keptUploadName, KeptUploads, resumableUpload } from '../../examples/web/src/resumable-upload';
import { ALICE, apiEvent, presignConfig } from '../lambda/support/fakes';
import { handlerOnLocalS3 } from '../lambda/support/local-handler';

/*
 * The developer view's resumable upload (examples/web/src/resumable-upload.ts) against the real
 * presign handler and the SigV4-checking local S3: a five-part file is interrupted after its third
 * part, the page "reloads" (a new call with only the kept storage), and the upload completes
 * byte-identical, sending only parts 4 and 5.
 */

const BUCKET = 'user-files-resumable';
const MIB = 1024 * 1024;
const BYTES = randomBytes(22 * MIB + 17); // 5 parts: four of 5 MiB and one of 2 MiB + 17 B
const FILE = new File([new Uint8Array(BYTES)], 'site survey.mov', {
  type: 'video/quicktime',
  lastModified: 1_700_000_000_000,
});
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3([{ name: BUCKET }]);
});
afterAll(async () => {
  await s3?.close();
});

function api() {
  const config = presignConfig({ bucketName: BUCKET });
  const { handler } = handlerOnLocalS3(s3.endpoint, config);
  return async (path: string, body: unknown) => {
    const response = await handler(apiEvent({ method: 'POST', resource: `/${path}`, sub: ALICE, body }));
    if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
    return JSON.parse(response.body);
  };
}

function memoryStorage(): KeptUploads & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    getItem: (k) => entries.get(k) ?? null,
    setItem: (k, v) => void entries.set(k, v),
    removeItem: (k) => void entries.delete(k),
  };
}

/** Sends parts with fetch, recording their numbers; fails every part after the first `limit`. */
function sender(sent: number[], limit = Infinity) {
  return async (url: string, headers: Record<string, string>, bytes: Blob, onBytes: (n: number) => void) => {
    const partNumber = Number(new URL(url).searchParams.get('partNumber'));
    if (sent.length >= limit) throw new Error('the connection dropped');
    const { 'content-length': _length, ...rest } = headers;
    void _length;
    const response = await fetch(url, { method: 'PUT', body: bytes, headers: rest });
    if (!response.ok) throw new Error(`part ${partNumber}: ${response.status}`);
    sent.push(partNumber);
    onBytes(bytes.size);
  };
}

test('an upload interrupted after part 3 resumes after a reload, sends only parts 4 and 5, and is byte-identical', async () => {
  const kept = memoryStorage();
  const firstSent: number[] = [];
  await expect(
    resumableUpload(FILE, { api: api(), kept, sendPart: sender(firstSent, 3), concurrency: 1 }),
  ).rejects.toThrow('the connection dropped');
  expect(firstSent).toEqual([1, 2, 3]);
  // Only the key and the upload id are kept: no bytes and no URL.
  const [keptValue] = kept.entries.values();
  expect(Object.keys(JSON.parse(keptValue)).sort()).toEqual(['key', 'partCount', 'partSize', 'uploadId']);

  const progress: number[] = [];
  const secondSent: number[] = [];
  const { key, resumedParts } = await resumableUpload(FILE, {
    api: api(),
    kept,
    sendPart: sender(secondSent),
    onProgress: (f) => progress.push(f),
  });
  expect([resumedParts, secondSent.sort()]).toEqual([3, [4, 5]]);
  expect(progress[0]).toBeCloseTo(15 / 22, 2);
  expect(progress.at(-1)).toBe(1);
  expect(kept.entries.has(keptUploadName(FILE))).toBe(false);

  const reader = new S3Client({
    region: 'eu-west-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: S3RVER_KEY,
  });
  const object = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  expect(Buffer.from(await object.Body!.transformToByteArray()).equals(BYTES)).toBe(true);
  reader.destroy();
});

test('a kept upload S3 no longer knows (aborted or expired) starts afresh instead of failing', async () => {
  const kept = memoryStorage();
  kept.setItem(
    keptUploadName(FILE),
    JSON.stringify({
      key: `users/${ALICE}/x/site survey.mov`,
      uploadId: '0'.repeat(32),
      partSize: 5 * MIB,
      partCount: 5,
    }),
  );
  const sent: number[] = [];
  const { resumedParts } = await resumableUpload(FILE, { api: api(), kept, sendPart: sender(sent) });
  expect([resumedParts, sent.sort()]).toEqual([0, [1, 2, 3, 4, 5]]);
});
