import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { MOVED_FROM_ETAG, s3MoveStore } from '../../../lambda/offboarding/s3-move-store';
import { s3Ledger } from '../../../lambda/offboarding/s3-ledger';

const s3mock = mockClient(S3Client);
const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const source = { key: 'users/00uBob/a b.txt', size: 10, etag: 'abc123' };

const s3Error = (status: number, name: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status } });

beforeEach(() => {
  s3mock.reset();
  s3mock
    .on(HeadObjectCommand)
    .resolves({ ContentType: 'text/plain', Metadata: { 'original-name': 'a b.txt' } });
});
afterAll(() => s3mock.restore());

describe('the mover’s copy', () => {
  test('up to the single-copy limit is one CopyObject, conditional on the listed ETag, keeping the headers', async () => {
    await s3MoveStore(client, 'bucket', { maxSingleCopyBytes: 10 }).copy(source, 'offboarded/00uBob/a b.txt');
    const [copy] = s3mock.commandCalls(CopyObjectCommand);
    expect(copy.args[0].input).toEqual({
      Bucket: 'bucket',
      Key: 'offboarded/00uBob/a b.txt',
      CopySource: 'bucket/users/00uBob/a%20b.txt',
      CopySourceIfMatch: '"abc123"',
      MetadataDirective: 'REPLACE',
      ContentType: 'text/plain',
      Metadata: { 'original-name': 'a b.txt', [MOVED_FROM_ETAG]: 'abc123' },
    });
    expect(s3mock.commandCalls(UploadPartCopyCommand)).toHaveLength(0);
  });

  test('above it is UploadPartCopy in ranges covering every byte once, then Complete', async () => {
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3mock
      .on(UploadPartCopyCommand)
      .callsFake((input) => ({ CopyPartResult: { ETag: `"p${input.PartNumber}"` } }));
    const store = s3MoveStore(client, 'bucket', { maxSingleCopyBytes: 9, partBytes: 4 });
    await store.copy(source, 'offboarded/00uBob/a b.txt');
    expect(s3mock.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(s3mock.commandCalls(CreateMultipartUploadCommand)[0].args[0].input.Metadata).toEqual({
      'original-name': 'a b.txt',
      [MOVED_FROM_ETAG]: 'abc123',
    });
    const parts = s3mock.commandCalls(UploadPartCopyCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, p.CopySourceRange, p.CopySourceIfMatch])).toEqual([
      [1, 'bytes=0-3', '"abc123"'],
      [2, 'bytes=4-7', '"abc123"'],
      [3, 'bytes=8-9', '"abc123"'],
    ]);
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input.MultipartUpload).toEqual({
      Parts: [
        { PartNumber: 1, ETag: '"p1"' },
        { PartNumber: 2, ETag: '"p2"' },
        { PartNumber: 3, ETag: '"p3"' },
      ],
    });
  });

  test('a failed part aborts the multipart upload and the error reaches the mover', async () => {
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3mock.on(UploadPartCopyCommand).rejects(s3Error(412, 'PreconditionFailed'));
    const store = s3MoveStore(client, 'bucket', { maxSingleCopyBytes: 9, partBytes: 4 });
    await expect(store.copy(source, 'offboarded/x')).rejects.toThrow();
    expect(s3mock.commandCalls(AbortMultipartUploadCommand)[0].args[0].input.UploadId).toBe('up-1');
    expect(s3mock.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  test('the default limit is S3’s 5 GiB for CopyObject', async () => {
    s3mock.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3mock.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"p"' } });
    const store = s3MoveStore(client, 'bucket');
    await store.copy({ ...source, size: 5 * 1024 ** 3 }, 'offboarded/a');
    expect(s3mock.commandCalls(CopyObjectCommand)).toHaveLength(1);
    await store.copy({ ...source, size: 5 * 1024 ** 3 + 1 }, 'offboarded/b');
    expect(s3mock.commandCalls(UploadPartCopyCommand)).toHaveLength(11); // 512 MiB parts
  });

  test('a missing copy is undefined, any other HEAD failure is an error', async () => {
    s3mock.on(HeadObjectCommand).rejects(s3Error(404, 'NotFound'));
    expect(await s3MoveStore(client, 'bucket').head('offboarded/x')).toBeUndefined();
    s3mock.on(HeadObjectCommand).rejects(s3Error(403, 'Forbidden'));
    await expect(s3MoveStore(client, 'bucket').head('offboarded/x')).rejects.toThrow();
  });
});

describe('the ledger in S3', () => {
  test('claims with a conditional write; 412 and 409 mean taken', async () => {
    const ledger = s3Ledger(client, 'bucket', 'offboarding-ledger/');
    s3mock
      .on(PutObjectCommand)
      .resolvesOnce({})
      .rejectsOnce(s3Error(412, 'PreconditionFailed'))
      .rejectsOnce(s3Error(409, 'ConditionalRequestConflict'));
    expect(await ledger.claim('deliveries/e1')).toBe(true);
    expect(await ledger.claim('deliveries/e1')).toBe(false);
    expect(await ledger.claim('deliveries/e1')).toBe(false);
    expect(s3mock.commandCalls(PutObjectCommand)[0].args[0].input).toEqual({
      Bucket: 'bucket',
      Key: 'offboarding-ledger/deliveries/e1',
      Body: '',
      ContentLength: 0,
      IfNoneMatch: '*',
    });
  });

  test('any other failure is an error, and release deletes the key', async () => {
    const ledger = s3Ledger(client, 'bucket', 'offboarding-ledger/');
    s3mock.on(PutObjectCommand).rejects(s3Error(503, 'SlowDown'));
    await expect(ledger.claim('x')).rejects.toThrow();
    await ledger.release('x');
    expect(s3mock.commandCalls(DeleteObjectCommand)[0].args[0].input.Key).toBe('offboarding-ledger/x');
  });
});
