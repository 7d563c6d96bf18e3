import { createHandler, RequestLog } from '../../lambda/presign/handler';
import { CallerStorage, ScanTag, s3Storage } from '../../lambda/presign/s3';
import { readConfig } from '../../lambda/presign/config';
import { ALICE, BOB, apiEvent, parse, presignConfig } from './support/fakes';

/**
 * Downloads with malware scanning on: the presign API reads the object's GuardDuty tag and says
 * "scan pending" (409) or "blocked" (403) instead of signing a URL S3 would refuse.
 */
const NOW = new Date('2026-03-04T05:06:07.000Z');
const SESSION = {
  accessKeyId: 'ASIASECRETKEYID00001',
  secretAccessKey: 'very-secret-access-key',
  sessionToken: 'very-secret-session-token',
  expiration: new Date(NOW.getTime() + 3600_000),
};
const KEY = `users/${ALICE}/0f8fad5b-d9cb-469f-a165-70867728950e/report.pdf`;

function setup(malwareScanning: 'off' | 'guardduty' | undefined, scan: ScanTag) {
  const config = presignConfig({ malwareScanning });
  const asked: string[] = [];
  const logs: RequestLog[] = [];
  const signer = s3Storage({ bucket: config.bucketName, region: config.region })(SESSION);
  const storage: Partial<CallerStorage> = {
    exists: async () => true,
    scanStatus: async (key) => {
      asked.push(key);
      return scan;
    },
  };
  const invoke = createHandler({
    config,
    now: () => NOW,
    credentialsFor: async () => SESSION,
    storageFor: () => ({ ...signer, ...storage }) as CallerStorage,
    log: (line) => logs.push(line),
  });
  const download = async (key = KEY, sub = ALICE) =>
    parse(await invoke(apiEvent({ method: 'POST', resource: '/downloads', sub, body: { key } })));
  return { download, asked, logs };
}

describe('POST /downloads with malware scanning', () => {
  test.each([
    ['not scanned yet (no tag)', 409, 'ScanPending', { found: true } as ScanTag],
    ['THREATS_FOUND', 403, 'Blocked', { found: true, status: 'THREATS_FOUND' } as ScanTag],
    ['FAILED', 403, 'Blocked', { found: true, status: 'FAILED' } as ScanTag],
    ['UNSUPPORTED', 403, 'Blocked', { found: true, status: 'UNSUPPORTED' } as ScanTag],
    ['gone (S3 said 404 or 403)', 404, 'NotFound', { found: false } as ScanTag],
  ])('a file %s: %i %s, and no URL', async (_state, status, error, scan) => {
    const { download, logs } = setup('guardduty', scan);
    const response = await download();
    expect(response.status).toBe(status);
    expect(response.body.error).toBe(error);
    expect(response.body.url).toBeUndefined();
    expect(logs.map((l) => [l.status, l.sub])).toEqual([[status, ALICE]]);
  });

  test('a file scanned clean gets its URL', async () => {
    const { download, asked } = setup('guardduty', { found: true, status: 'NO_THREATS_FOUND' });
    const response = await download();
    expect(response.status).toBe(200);
    expect(new URL(response.body.url).pathname).toContain(encodeURI(`users/${ALICE}/`));
    expect(asked).toEqual([KEY]);
  });

  test("another user's key is refused as before, without asking for its tags", async () => {
    const { download, asked } = setup('guardduty', { found: true });
    const response = await download(`users/${BOB}/x/secret.pdf`);
    expect(response.status).toBe(404);
    expect(asked).toEqual([]);
  });

  test.each([undefined, 'off' as const])('with scanning %s, no tag is read', async (setting) => {
    const { download, asked } = setup(setting, { found: true });
    expect((await download()).status).toBe(200);
    expect(asked).toEqual([]);
  });
});

describe('MALWARE_SCANNING', () => {
  const env = {
    BUCKET_NAME: 'user-files-test',
    PRESIGN_ROLE_ARN: 'arn:aws:iam::123456789012:role/presign',
    URL_EXPIRY_SECONDS: '300',
    MAX_UPLOAD_BYTES: '1024',
    LIST_PAGE_SIZE: '100',
    ALLOWED_ORIGINS: 'https://files.test.example',
    IDENTITY_PROVIDER_NAME: 'Okta',
    AWS_REGION: 'eu-west-1',
  };
  test('is off unless set, and guardduty when set so', () => {
    expect(readConfig(env).malwareScanning).toBe('off');
    expect(readConfig({ ...env, MALWARE_SCANNING: 'guardduty' }).malwareScanning).toBe('guardduty');
  });
  test('any other value is refused, naming the variable', () => {
    expect(() => readConfig({ ...env, MALWARE_SCANNING: 'on' })).toThrow(
      /MALWARE_SCANNING must be "off" or "guardduty"/,
    );
  });
});

describe('GET /files with malware scanning', () => {
  const OWN = (n: number) => `users/${ALICE}/0f8fad5b-d9cb-469f-a165-70867728950e/f${n}.txt`;
  const TAGS: Record<string, ScanTag> = {
    [OWN(1)]: { found: true },
    [OWN(2)]: { found: true, status: 'NO_THREATS_FOUND' },
    [OWN(3)]: { found: true, status: 'THREATS_FOUND' },
    [OWN(4)]: { found: true, status: 'FAILED' },
  };
  function listing(malwareScanning: 'off' | 'guardduty' | undefined) {
    const asked: string[] = [];
    const logs: RequestLog[] = [];
    const storage: Partial<CallerStorage> = {
      list: async () => ({
        objects: [1, 2, 3, 4].map((n) => ({ Key: OWN(n), Size: n, ETag: `"e${n}"`, LastModified: NOW })),
      }),
      scanStatus: async (key) => {
        asked.push(key);
        return TAGS[key];
      },
    };
    const invoke = createHandler({
      config: presignConfig({ malwareScanning }),
      now: () => NOW,
      credentialsFor: async () => SESSION,
      storageFor: () => storage as CallerStorage,
      log: (line) => logs.push(line),
    });
    const list = async () => parse(await invoke(apiEvent({ method: 'GET', resource: '/files', sub: ALICE })));
    return { list, asked, logs };
  }

  test('each file carries its scan state: pending, clean, blocked (threat), blocked (failed)', async () => {
    const { list, asked, logs } = listing('guardduty');
    const response = await list();
    expect(response.status).toBe(200);
    expect(
      response.body.files.map((f: { name: string; scanState: string }) => [f.name, f.scanState]),
    ).toEqual([
      ['f1.txt', 'pending'],
      ['f2.txt', 'clean'],
      ['f3.txt', 'blocked'],
      ['f4.txt', 'blocked'],
    ]);
    expect(asked.sort()).toEqual([1, 2, 3, 4].map(OWN));
    expect(logs.map((l) => [l.route, l.status, l.sub])).toEqual([['GET /files', 200, ALICE]]);
  });

  test.each([undefined, 'off' as const])(
    'with scanning %s: no tag read, and no scanState field',
    async (s) => {
      const { list, asked } = listing(s);
      const response = await list();
      expect(response.status).toBe(200);
      expect(response.body.files).toHaveLength(4);
      for (const f of response.body.files) expect(f).not.toHaveProperty('scanState');
      expect(asked).toEqual([]);
    },
  );
});
