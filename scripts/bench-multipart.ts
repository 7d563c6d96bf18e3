/**
 * Bench section: a 64 MiB file through route 3, once as one presigned PUT and once as a presigned
 * multipart upload (13 parts, 4 at a time), with the real presign handler signing and the local
 * SigV4-checking S3 server (s3rver, on disk) storing. Figures only, never asserted. The session is
 * s3rver's own key, so this measures signing, transfer and assembly, not STS or IAM.
 */
import { randomBytes } from 'crypto';
import { createHandler } from '../lambda/presign/handler';
import { s3Storage } from '../lambda/presign/s3';
import { S3RVER_KEY, startLocalS3, stripBucketSlash } from '../emulator/services/s3-server';
import { apiEventFor, benchPresignConfig } from './bench-events';

const BUCKET = 'bench-bucket';
const MIB = 1024 * 1024;
const SIZE = 64 * MIB;
const CONCURRENCY = 4;
const RUNS = 3;

export async function multipartSection(): Promise<string[][]> {
  const s3 = await startLocalS3([{ name: BUCKET }]);
  try {
    const handler = createHandler({
      config: benchPresignConfig({ bucketName: BUCKET, maxUploadBytes: SIZE, maxMultipartUploadBytes: SIZE }),

      credentialsFor: async () => ({ ...S3RVER_KEY, expiration: new Date(Date.now() + 3600_000) }),
      storageFor: s3Storage({
        bucket: BUCKET,
        region: 'eu-west-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        customizeClient: stripBucketSlash,
      }),
      log: () => undefined,
    });
    const call = async (resource: string, body: unknown) => {
      const response = await handler(apiEventFor(resource, body));
      if (response.statusCode !== 200)
        throw new Error(`${resource}: ${response.statusCode} ${response.body}`);
      return JSON.parse(response.body);
    };
    const file = randomBytes(SIZE);
    const put = (url: string, bytes: Buffer) =>
      fetch(url, { method: 'PUT', body: new Uint8Array(bytes) }).then((r) => {
        if (!r.ok) throw new Error(`PUT ${r.status}`);
      });

    const single = async () => {
      const signed = await call('/uploads', {
        fileName: 'film.bin',
        contentType: 'application/octet-stream',
        size: SIZE,
      });
      await fetch(signed.url, {
        method: 'PUT',
        body: new Uint8Array(file),
        headers: { 'content-type': 'application/octet-stream' },
      });
    };
    const multipart = async () => {
      const created = await call('/multipart-uploads', {
        fileName: 'film.bin',
        contentType: 'application/octet-stream',
        size: SIZE,
      });
      const partNumbers = Array.from({ length: created.partCount }, (_, i) => i + 1);
      const { parts } = await call('/multipart-uploads/parts', {
        key: created.key,
        uploadId: created.uploadId,
        size: SIZE,
        partNumbers,
      });
      const queue = [...parts];
      const worker = async () => {
        for (let part = queue.shift(); part; part = queue.shift()) {
          const start = (part.partNumber - 1) * created.partSize;
          await put(part.url, file.subarray(start, start + created.partSize));
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await call('/multipart-uploads/complete', { key: created.key, uploadId: created.uploadId, size: SIZE });
      return created.partCount as number;
    };

    const time = async (run: () => Promise<unknown>) => {
      const seconds: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await run();
        seconds.push((performance.now() - started) / 1000);
      }
      return seconds.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
    };
    const singleSeconds = await time(single);
    let partCount = 0;
    const multipartSeconds = await time(async () => (partCount = await multipart()));
    const rate = (s: number) => `${(SIZE / MIB / s).toFixed(0)} MiB/s (${s.toFixed(2)} s)`;
    return [
      [`64 MiB as one presigned PUT (median of ${RUNS})`, rate(singleSeconds)],
      [
        `64 MiB as ${partCount} presigned parts, ${CONCURRENCY} at a time, then complete`,
        rate(multipartSeconds),
      ],
      ['multipart time / single-PUT time', (multipartSeconds / singleSeconds).toFixed(2)],
    ];
  } finally {
    await s3.close();
  }
}
