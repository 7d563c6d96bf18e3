import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import type { CipherKey } from 'crypto';

/** The account s3rver has built in; it verifies SigV4 signatures made with this key pair. */
export const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface BucketSetup {
  readonly name: string;
  /** Bucket configuration documents as S3 takes them, e.g. a `<CORSConfiguration>`. */
  readonly configs?: string[];
}

export interface LocalS3 {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverServer;

/**
 * Starts @20minutes/s3rver in this process on 127.0.0.1 and a free port, with its own temporary
 * directory (removed on close), or `keepIn`, a directory whose objects outlive the server.
 */
export async function startLocalS3(buckets: BucketSetup[], keepIn?: string): Promise<LocalS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver: S3rverClass = require('@20minutes/s3rver');
  if (keepIn) fs.mkdirSync(keepIn, { recursive: true });
  const directory = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  addListPartsAndAbort();
  const restoreCrypto = supportSingleDes();
  const restoreEncoding = encodeQueriesAsSigV4Does();
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.configs ?? [] })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.close();
      restoreEncoding();
      restoreCrypto();
      if (!keepIn) fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A client of the local S3 server itself, with its administrator key: what the stand-ins acting
 * as AWS services (the scanner, the conditional-write check) and the tests' own checks read with,
 * past the IAM front. Path-style, as s3rver serves.
 */
export function administratorClient(endpoint: string, region = 'us-east-1'): S3Client {
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: S3RVER_KEY });
  stripBucketSlash(client);
  return client;
}

/**
 * The SDK signs ListObjectsV2 on the path `/<bucket>/`; s3rver computes the signature over
 * `/<bucket>`. Dropping the trailing slash before signing lets the two agree (S3 accepts both).
 */
export function stripBucketSlash(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: string };
      if (request.path && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 'stripBucketSlash' },
  );
}

/** Servers running with the strict encoding, and the global it replaced. */
let strictEncodingUsers = 0;
const nativeEncodeURIComponent = globalThis.encodeURIComponent;

/**
 * SigV4 URI-encodes query values as RFC 3986 says, so `!'()*` become `%21%27%28%29%2A`; S3 and
 * the SDK do, and s3rver does for the path. For the query it calls the global encodeURIComponent,
 * which leaves those five alone, so it refuses every correctly signed URL whose query holds one,
 * such as `response-content-disposition=attachment; filename*=UTF-8''...`. While a server runs,
 * the global encodes them too. That changes nothing for code that already encodes them itself
 * (the SDK, the presign Lambda); the Lambda's exact encoding is asserted without this in place.
 * Returns a function that undoes it.
 */
function encodeQueriesAsSigV4Does(): () => void {
  if (strictEncodingUsers++ === 0) {
    globalThis.encodeURIComponent = (component) =>
      nativeEncodeURIComponent(component).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--strictEncodingUsers === 0) globalThis.encodeURIComponent = nativeEncodeURIComponent;
  };
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 keeps in its
 * legacy provider (off in Node 20 unless started with --openssl-legacy-provider). Triple DES with
 * the key repeated three times is, by construction, exactly single DES, so this maps one onto the
 * other while the server runs. Returns a function that undoes it.
 */
function supportSingleDes(): () => void {
  // The module object itself, not an interop copy, so s3rver's `crypto.createCipheriv` sees it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeCrypto: typeof import('crypto') = require('crypto');
  try {
    nodeCrypto.createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8));
    return () => undefined;
  } catch {
    // single DES is unavailable: fall through and map it
  }
  const { createCipheriv, createDecipheriv } = nodeCrypto;
  const asTripleDes = (algorithm: string, key: CipherKey): [string, CipherKey] =>
    algorithm === 'des' && Buffer.isBuffer(key)
      ? ['des-ede3-cbc', Buffer.concat([key, key, key])]
      : [algorithm, key];
  nodeCrypto.createCipheriv = ((algorithm: string, key: CipherKey, iv: Buffer) =>
    createCipheriv(...asTripleDes(algorithm, key), iv)) as typeof createCipheriv;
  nodeCrypto.createDecipheriv = ((algorithm: string, key: CipherKey, iv: Buffer) =>
    createDecipheriv(...asTripleDes(algorithm, key), iv)) as typeof createDecipheriv;
  return () => {
    nodeCrypto.createCipheriv = createCipheriv;
    nodeCrypto.createDecipheriv = createDecipheriv;
  };
}

let listPartsAndAbortAdded = false;

/**
 * s3rver 4 stores multipart uploads but answers ListParts (`GET ?uploadId`) and
 * AbortMultipartUpload (`DELETE ?uploadId`) with MethodNotAllowed. This adds both to its router,
 * after its signature check and before its own object routes, reading and removing the upload
 * folder its store keeps (`<bucket>/.._S3rver_uploads/<uploadId>/<part>` with `<part>.md5` and the
 * upload's `key`). Answers follow the API reference: ListPartsResult with each part's number, ETag
 * and size; 204 for an abort; 404 NoSuchUpload for an id unknown for that key.
 */
function addListPartsAndAbort(): void {
  if (listPartsAndAbortAdded) return;
  listPartsAndAbortAdded = true;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const router = require('@20minutes/s3rver/lib/routes');
  const S3Error = require('@20minutes/s3rver/lib/models/error');
  /* eslint-enable @typescript-eslint/no-require-imports */
  router.all('/:bucket/:key+', async (ctx: any, next: () => Promise<void>) => {
    if (ctx.params.queryMethod !== 'uploadId' || !['GET', 'DELETE'].includes(ctx.method)) return next();
    const { bucket, key } = ctx.params;
    const uploadId = String(ctx.query.uploadId);
    // s3rver's own ids are 32 hex digits; anything else cannot name one of its folders.
    const folder = /^[0-9a-f]{32}$/.test(uploadId)
      ? path.join(ctx.app.store.getResourcePath(bucket, undefined, 'uploads'), uploadId)
      : undefined;
    const storedKey =
      folder && fs.existsSync(path.join(folder, 'key'))
        ? fs.readFileSync(path.join(folder, 'key'), 'utf8')
        : undefined;
    if (!folder || storedKey !== key) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
    }
    if (ctx.method === 'DELETE') {
      fs.rmSync(folder, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    const parts = fs
      .readdirSync(folder)
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .sort((a, b) => a - b)
      .map((partNumber) => {
        const file = path.join(folder, String(partNumber));
        return {
          PartNumber: partNumber,
          LastModified: fs.statSync(file).mtime.toISOString(),
          ETag: JSON.stringify(fs.readFileSync(`${file}.md5`, 'utf8')),
          Size: fs.statSync(file).size,
        };
      });
    ctx.body = {
      ListPartsResult: {
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MaxParts: 1000,
        IsTruncated: false,
        Part: parts,
      },
    };
  });
  // The new layer went last; it has to run before s3rver's own `/:bucket/:key+` method routes.
  const layer = router.stack.pop();
  const firstObjectRoute = router.stack.findIndex(
    (l: { path: string; methods: string[] }) => l.path === '/:bucket/:key+' && l.methods.length > 0,
  );
  router.stack.splice(firstObjectRoute, 0, layer);
}
