import { decide } from '../../emulator/iam/simulate';
import { KeyLocks, writePreconditionOf } from '../../emulator/services/s3-conditional-write';
import { NotModelled, s3Authorization } from '../../emulator/services/s3-request';

/**
 * Which requests the S3 front treats as conditional writes (S3 user guide, "conditional writes";
 * PutObject and CompleteMultipartUpload, `If-None-Match`), and the per-key serialisation that
 * makes the front's check-then-write atomic. The front's answers over s3rver are proven in
 * test/journeys/offboarding.test.ts (the S3 ledger claims a replayed delivery once).
 */
const q = (query = '') => new URLSearchParams(query);

describe('writePreconditionOf', () => {
  test.each([
    ['PutObject', 'PUT', ''],
    ['CompleteMultipartUpload', 'POST', 'uploadId=u1'],
  ])('%s with If-None-Match: * must find the key absent', (_name, method, query) => {
    expect(writePreconditionOf(method, q(query), { 'if-none-match': '*' })).toBe('absent');
  });

  test.each([
    ['UploadPart (takes no conditional header)', 'PUT', 'partNumber=1&uploadId=u1'],
    ['PutObjectTagging', 'PUT', 'tagging'],
    ['PutObjectAcl', 'PUT', 'acl'],
    ['CreateMultipartUpload', 'POST', 'uploads'],
    ['a conditional read (GetObject)', 'GET', ''],
    ['HeadObject', 'HEAD', ''],
  ])('%s is not a conditional write', (_name, method, query) => {
    expect(writePreconditionOf(method, q(query), { 'if-none-match': '*' })).toBeUndefined();
  });

  test('a write without a conditional header is unconditional', () => {
    expect(writePreconditionOf('PUT', q(), {})).toBeUndefined();
  });

  test('If-Match and an If-None-Match other than * are refused as not modelled, never written blindly', () => {
    expect(() => writePreconditionOf('PUT', q(), { 'if-match': '"abc"' })).toThrow(NotModelled);
    expect(() => writePreconditionOf('POST', q('uploadId=u'), { 'if-none-match': '"abc"' })).toThrow(
      /S3 expects \*/,
    );
  });
});

describe('KeyLocks', () => {
  test('tasks of one key run one after another; the second sees what the first wrote', async () => {
    const locks = new KeyLocks();
    const store = new Set<string>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const claim = (slowly: boolean) =>
      locks.run('k', async () => {
        const absent = !store.has('k');
        if (slowly) await gate; // the first check-then-write is held between its check and its write
        if (absent) store.add('k');
        return absent;
      });
    const first = claim(true);
    const second = claim(false);
    release();
    expect(await Promise.all([first, second])).toEqual([true, false]);
    expect(locks.busyKeys).toBe(0);
  });

  test('a failed task does not block the next one of its key, and other keys do not wait', async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = locks.run('a', async () => {
      await gate;
      order.push('a1');
    });
    await locks.run('b', async () => void order.push('b'));
    await expect(locks.run('c', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.run('c', async () => 'after')).toBe('after');
    release();
    await held;
    expect(order).toEqual(['b', 'a1']);
  });
});

describe('a bucket policy that enforces conditional writes', () => {
  // After "Enforce conditional writes on Amazon S3 buckets" (S3 user guide): a Deny on PutObject
  // unless `s3:if-none-match` is present; the front puts the header into the IAM context.
  const bucketPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/ledger/*',
        Condition: { Null: { 's3:if-none-match': 'true' } },
      },
    ],
  };
  const identityPolicies = [
    {
      name: 'writer',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/ledger/*' }],
      },
    },
  ];
  const put = (headers: Record<string, string>) => {
    const { action, resource, context } = s3Authorization(
      'PUT',
      new URL('http://s3.local/b/ledger/k'),
      headers,
    );
    return decide({
      identityPolicies,
      resourcePolicy: bucketPolicy as any,
      action,
      resource,
      principal: 'arn:aws:sts::111122223333:assumed-role/writer/s',
      context: { 'aws:SecureTransport': 'true', ...context },
    });
  };

  test('allows a PutObject with If-None-Match: * and denies one without', async () => {
    expect(await put({ 'if-none-match': '*' })).toBe('Allowed');
    expect(await put({})).toBe('ExplicitlyDenied');
  });
});
