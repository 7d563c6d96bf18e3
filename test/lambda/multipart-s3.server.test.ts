import { randomBytes } from 'crypto';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { administratorClient, LocalS3, startLocalS3 } from '../../emulator/services/s3-server';
import { ALICE, apiEvent, BOB, headersForFetch, parse, presignConfig } from './support/fakes';
import { handlerOnLocalS3 } from './support/local-handler';

/*
 * Multipart uploads through the presign API end to end against s3rver, which checks SigV4 as S3
 * does: part URLs, their scope (upload id, part number, length), resuming from what S3 holds, and
 * completion only of the declared file. Sessions come from a stub STS with s3rver's own key pair,
 * so this proves the signing and the API's checks; IAM is proven by the policy simulation.
 */

const BUCKET = 'user-files-multipart';
const MIB = 1024 * 1024;
/** Three parts: 5 MiB, 5 MiB and 2 MiB. */
const FILE = randomBytes(12 * MIB);
let s3: LocalS3;
let reader: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3([{ name: BUCKET }]);
  reader = administratorClient(s3.endpoint, 'eu-west-1');
});

afterAll(async () => {
  reader?.destroy();
  await s3?.close();
});

const config = presignConfig({ bucketName: BUCKET, maxMultipartUploadBytes: 64 * MIB });
/** The API as a client calls it, against this file's s3rver. */
function api() {
  const live = handlerOnLocalS3(s3.endpoint, config).handler;
  return async (sub: string, resource: string, body: unknown) =>
    parse(await live(apiEvent({ method: 'POST', resource, sub, body })));
}

async function putPart(part: { url: string; headers: Record<string, string> }, bytes: Buffer) {
  return fetch(part.url, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: headersForFetch(part.headers),
  });
}

const slice = (partNumber: number) => FILE.subarray((partNumber - 1) * 5 * MIB, partNumber * 5 * MIB);

async function stored(key: string): Promise<Buffer | undefined> {
  try {
    const object = await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch {
    return undefined;
  }
}

describe('multipart uploads through the presign API', () => {
  it('alice uploads a 12 MiB file in three signed parts, and S3 holds exactly its bytes', async () => {
    const call = api();
    const created = await call(ALICE, '/multipart-uploads', {
      fileName: 'film.mp4',
      contentType: 'video/mp4',
      size: FILE.length,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ size: FILE.length, partSize: 5 * MIB, partCount: 3 });
    expect(created.body.key).toMatch(new RegExp(`^users/${ALICE}/[0-9a-f-]{36}/film\\.mp4$`));
    const { key, uploadId } = created.body;

    const signed = await call(ALICE, '/multipart-uploads/parts', {
      key,
      uploadId,
      size: FILE.length,
      partNumbers: [1, 2, 3],
    });
    expect(signed.status).toBe(200);
    expect(signed.body.parts.map((p: { headers: object }) => p.headers)).toEqual([
      { 'content-length': String(5 * MIB) },
      { 'content-length': String(5 * MIB) },
      { 'content-length': String(2 * MIB) },
    ]);
    for (const part of signed.body.parts)
      expect((await putPart(part, slice(part.partNumber))).status).toBe(200);

    const completed = await call(ALICE, '/multipart-uploads/complete', { key, uploadId, size: FILE.length });
    expect([completed.status, completed.body]).toEqual([200, { key, size: FILE.length }]);
    expect((await stored(key))?.equals(FILE)).toBe(true);
  });

  it('a part URL is bound to its upload, part number and length: S3 refuses any change', async () => {
    const call = api();
    const { key, uploadId } = (
      await call(ALICE, '/multipart-uploads', {
        fileName: 'a.bin',
        contentType: 'application/octet-stream',
        size: FILE.length,
      })
    ).body;
    const [part] = (
      await call(ALICE, '/multipart-uploads/parts', { key, uploadId, size: FILE.length, partNumbers: [1] })
    ).body.parts;
    const changed = (name: string, value: string) => {
      const url = new URL(part.url);
      url.searchParams.set(name, value);
      return { ...part, url: url.toString() };
    };
    const refusals = [
      await putPart(part, slice(1).subarray(0, 5 * MIB - 1)), // one byte short
      await putPart(changed('partNumber', '2'), slice(1)),
      await putPart(changed('uploadId', '0'.repeat(32)), slice(1)),
    ];
    for (const response of refusals) {
      expect([response.status, /<Code>(\w+)</.exec(await response.text())?.[1]]).toEqual([
        403,
        'SignatureDoesNotMatch',
      ]);
    }
    expect((await putPart(part, slice(1))).status).toBe(200);
  });

  it('after a reload the client asks what S3 holds, sends only the rest, and completes byte-identical', async () => {
    const call = api();
    const { key, uploadId } = (
      await call(ALICE, '/multipart-uploads', {
        fileName: 'resumed.bin',
        contentType: 'application/octet-stream',
        size: FILE.length,
      })
    ).body;
    const first = await call(ALICE, '/multipart-uploads/parts', {
      key,
      uploadId,
      size: FILE.length,
      partNumbers: [1, 2],
    });
    for (const part of first.body.parts) await putPart(part, slice(part.partNumber));

    // Completing now names what is missing, and stores nothing.
    const early = await call(ALICE, '/multipart-uploads/complete', { key, uploadId, size: FILE.length });
    expect([early.status, early.body.message]).toEqual([
      409,
      'The upload is not complete: parts not uploaded yet: 3',
    ]);
    expect(await stored(key)).toBeUndefined();

    // The page reloads: all it kept is the key, the upload id and the file.
    const status = await call(ALICE, '/multipart-uploads/status', { key, uploadId });
    expect(status.body.parts).toEqual([
      { partNumber: 1, size: 5 * MIB },
      { partNumber: 2, size: 5 * MIB },
    ]);
    const rest = await call(ALICE, '/multipart-uploads/parts', {
      key,
      uploadId,
      size: FILE.length,
      partNumbers: [3],
    });
    await putPart(rest.body.parts[0], slice(3));
    expect(
      (await call(ALICE, '/multipart-uploads/complete', { key, uploadId, size: FILE.length })).status,
    ).toBe(200);
    expect((await stored(key))?.equals(FILE)).toBe(true);
  });

  it('a completion declaring another size is refused: the stored object is always the declared file', async () => {
    const call = api();
    const { key, uploadId } = (
      await call(ALICE, '/multipart-uploads', {
        fileName: 'x.bin',
        contentType: 'application/octet-stream',
        size: FILE.length,
      })
    ).body;
    const parts = await call(ALICE, '/multipart-uploads/parts', {
      key,
      uploadId,
      size: FILE.length,
      partNumbers: [1, 2, 3],
    });
    for (const part of parts.body.parts) await putPart(part, slice(part.partNumber));
    const smaller = await call(ALICE, '/multipart-uploads/complete', { key, uploadId, size: 10 * MIB });
    expect([smaller.status, smaller.body.message]).toEqual([
      409,
      'The upload is not complete: part 3 is beyond the 2 parts of this file',
    ]);
    const over = await call(ALICE, '/multipart-uploads/complete', { key, uploadId, size: 64 * MIB + 1 });
    expect(over.status).toBe(413);
    expect(await stored(key)).toBeUndefined();
  });

  it('bob reaches neither alice’s key nor her upload id, and an abort ends the upload for good', async () => {
    const call = api();
    const { key, uploadId } = (
      await call(ALICE, '/multipart-uploads', {
        fileName: 'mine.bin',
        contentType: 'application/octet-stream',
        size: FILE.length,
      })
    ).body;
    // Bob with alice's key, and with alice's upload id under a key of his own: the same 404.
    const bobsKey = key.replace(ALICE, BOB);
    for (const [sub, asked] of [
      [BOB, { key, uploadId }],
      [BOB, { key: bobsKey, uploadId }],
    ] as const) {
      for (const step of ['status', 'abort']) {
        const response = await call(sub, `/multipart-uploads/${step}`, asked);
        expect([step, response.status, response.body]).toEqual([
          step,
          404,
          { error: 'NotFound', message: 'Not found' },
        ]);
      }
    }
    expect(
      (await call(BOB, '/multipart-uploads/parts', { key, uploadId, size: FILE.length, partNumbers: [1] }))
        .status,
    ).toBe(404);

    expect((await call(ALICE, '/multipart-uploads/abort', { key, uploadId })).body).toEqual({
      key,
      aborted: true,
    });
    expect((await call(ALICE, '/multipart-uploads/status', { key, uploadId })).status).toBe(404);
    expect((await call(ALICE, '/multipart-uploads/abort', { key, uploadId })).status).toBe(404);
    await expect(reader.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});
