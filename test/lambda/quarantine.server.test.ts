import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import {
  quarantine,
  QUARANTINE_METADATA,
  QuarantineLog,
  ScanResultEvent,
} from '../../lambda/quarantine/core';
import { s3QuarantineStore } from '../../lambda/quarantine/handler';
import { administratorClient, LocalS3, startLocalS3 } from '../../emulator/services/s3-server';

/*
 * The quarantine function's code (core.ts and handler.ts's S3 store, as the Lambda wires them)
 * against s3rver, which checks SigV4 and stores bytes and metadata as S3 does: a THREATS_FOUND
 * result moves the object to quarantine/ by copy, verify, then delete; a redelivered event changes
 * nothing and does not fail; a NO_THREATS_FOUND result is ignored.
 *
 * What s3rver cannot show, and where it is proven instead:
 * - Versions. s3rver keeps one copy per key and answers `versionId` queries with it, so every
 *   object here is what S3 calls the null version (an object written while the bucket was
 *   unversioned): the move of exactly one version among several, leaving the others, is pinned in
 *   test/lambda/quarantine.test.ts. s3rver reads CopyObject's `x-amz-copy-source` as a plain path,
 *   so `?versionId=null` (which S3 resolves to the null version:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html) is dropped from that
 *   header before signing.
 * - Tags. s3rver copies neither tags nor honours `x-amz-tagging-directive`, so the
 *   GuardDutyMalwareScanStatus tag that S3 copies to the quarantine object (TaggingDirective COPY)
 *   is not checked here; the metadata record is.
 * - IAM and the bucket policy (the quarantine role's grants are pinned in
 *   test/constructs/malware-quarantine.test.ts), EventBridge's rule and retries (that file matches
 *   the rule's pattern against the documented event with the cited EventBridge model), and
 *   CopyObject's 5 GiB limit.
 */
const BUCKET = 'quarantine-server-test';
const KEY = 'users/00uALICE000000000001/3f2a/invoice.pdf';
const QUARANTINED = `quarantine/null/${KEY}`;
const BYTES = Buffer.from('not really malware, only a test payload');

let s3: LocalS3;
let client: S3Client;
/** The S3 operations the store sent, in order, as `<Command> <key>`. */
let sent: string[];
/** Fails the next DeleteObject once, as a Lambda timeout between copy and delete would. */
let failNextDelete = false;

beforeAll(async () => {
  s3 = await startLocalS3([{ name: BUCKET }]);
  client = administratorClient(s3.endpoint, 'eu-west-1');
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string };
      sent.push(`${context.commandName} ${input.Key}`);
      if (context.commandName === 'DeleteObjectCommand' && failNextDelete) {
        failNextDelete = false;
        throw new Error('Task timed out after 30.00 seconds');
      }
      const request = args.request as { headers?: Record<string, string> };
      const source = request.headers?.['x-amz-copy-source'];
      if (source?.endsWith('?versionId=null'))
        request.headers!['x-amz-copy-source'] = source.slice(0, -'?versionId=null'.length);
      return next(args);
    },
    { step: 'build', name: 'recordAndNullVersionForS3rver' },
  );
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

beforeEach(async () => {
  sent = [];
  failNextDelete = false;
  // Each test starts from one infected object and no quarantine copy.
  await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: QUARANTINED }));
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: KEY,
      Body: BYTES,
      ContentType: 'application/pdf',
      Metadata: { 'original-name': 'invoice.pdf' },
    }),
  );
  sent = [];
});

/** A scan result as GuardDuty sends it to EventBridge (the event shape cited in core.ts). */
function scanResult(status: string, versionId: string | undefined = undefined): ScanResultEvent {
  return {
    id: `event-${status}`,
    source: 'aws.guardduty',
    'detail-type': 'GuardDuty Malware Protection Object Scan Result',
    detail: {
      s3ObjectDetails: { bucketName: BUCKET, objectKey: KEY, versionId, eTag: 'e', s3Throttled: false },
      scanResultDetails: {
        scanResultStatus: status,
        threats: status === 'THREATS_FOUND' ? [{ name: 'EICAR-Test-File (not a virus)' }] : null,
      },
    },
  };
}

function run(event: ScanResultEvent) {
  const logs: QuarantineLog[] = [];
  const result = quarantine(event, {
    bucket: BUCKET,
    store: s3QuarantineStore(client, BUCKET),
    log: (entry) => logs.push(entry),
    protectedPrefixes: ['users/', 'teams/'],
  });
  return { result, logs };
}

async function stored(key: string): Promise<{ bytes: string; metadata: Record<string, string> } | undefined> {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return {
      bytes: Buffer.from(await object.Body!.transformToByteArray()).toString(),
      metadata: object.Metadata ?? {},
    };
  } catch (error) {
    if ((error as S3ServiceException).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

describe('quarantine against the local S3 server', () => {
  test('THREATS_FOUND: copied to quarantine/, the copy verified, then the original deleted; the record kept', async () => {
    const { result, logs } = run(scanResult('THREATS_FOUND'));
    expect(await result).toMatchObject({ outcome: 'quarantined', quarantineKey: QUARANTINED });
    expect(sent).toEqual([
      `HeadObjectCommand ${KEY}`,
      `HeadObjectCommand ${QUARANTINED}`,
      `CopyObjectCommand ${QUARANTINED}`,
      `HeadObjectCommand ${QUARANTINED}`,
      `DeleteObjectCommand ${KEY}`,
    ]);
    expect(await stored(KEY)).toBeUndefined();
    const copy = await stored(QUARANTINED);
    expect(copy?.bytes).toBe(BYTES.toString());
    expect(copy?.metadata).toEqual({
      'original-name': 'invoice.pdf',
      [QUARANTINE_METADATA.source]: KEY,
      [QUARANTINE_METADATA.version]: 'null',
      [QUARANTINE_METADATA.threats]: 'EICAR-Test-File (not a virus)',
    });
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: QUARANTINED }));
    expect(head.ContentType).toBe('application/pdf');
    expect(logs).toEqual([
      expect.objectContaining({
        outcome: 'quarantined',
        key: KEY,
        owner: 'users/00uALICE000000000001',
        threats: ['EICAR-Test-File (not a virus)'],
        eventId: 'event-THREATS_FOUND',
      }),
    ]);
  });

  test('the same event delivered again changes nothing and does not fail', async () => {
    await run(scanResult('THREATS_FOUND')).result;
    const first = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: QUARANTINED }));
    sent = [];
    const again = run(scanResult('THREATS_FOUND'));
    expect(await again.result).toMatchObject({ outcome: 'already-quarantined' });
    expect(sent.filter((s) => !s.startsWith('HeadObjectCommand'))).toEqual([]);
    const second = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: QUARANTINED }));
    expect([second.ETag, second.LastModified]).toEqual([first.ETag, first.LastModified]);
    expect(await stored(KEY)).toBeUndefined();
  });

  test('a run that died between copy and delete is finished by the redelivery, without a second copy', async () => {
    failNextDelete = true;
    await expect(run(scanResult('THREATS_FOUND')).result).rejects.toThrow(/timed out/);
    expect(await stored(KEY)).toBeDefined();
    expect(await stored(QUARANTINED)).toBeDefined();
    sent = [];
    expect(await run(scanResult('THREATS_FOUND')).result).toMatchObject({ outcome: 'quarantined' });
    expect(sent.filter((s) => s.startsWith('CopyObjectCommand'))).toEqual([]);
    expect(await stored(KEY)).toBeUndefined();
  });

  test('NO_THREATS_FOUND: ignored, the object stays and S3 is not called', async () => {
    const { result, logs } = run(scanResult('NO_THREATS_FOUND'));
    expect(await result).toMatchObject({ outcome: 'ignored', reason: 'the scan found no threats' });
    expect(sent).toEqual([]);
    expect((await stored(KEY))?.bytes).toBe(BYTES.toString());
    expect(await stored(QUARANTINED)).toBeUndefined();
    expect(logs).toEqual([expect.objectContaining({ outcome: 'ignored' })]);
  });
});
