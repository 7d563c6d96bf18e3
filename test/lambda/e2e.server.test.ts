import { createCipheriv, createHash, randomBytes } from 'crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { encodePageToken } from '../../lambda/presign/core';
import type { RequestLog } from '../../lambda/presign/handler';
import { ALICE, apiEvent, BOB, headersForFetch, parse, presignConfig } from './support/fakes';
import { handlerOnLocalS3 } from './support/local-handler';
import { LocalS3, S3RVER_KEY, startLocalS3 } from '../../emulator/services/s3-server';

/*
 * The presign Lambda end to end against s3rver, which verifies SigV4 like S3 does. Credentials
 * come from a stub STS that returns s3rver's own key pair, so these tests prove the signing, not
 * IAM: that a tagged session reaches only its own prefix is proven by the IAM policy simulation.
 */

const BUCKET = 'user-files-e2e';
const CAROL = '00uCarol000000000c3';
const DAVE = '00uDave0000000000d4';
/** What each tampered request got from the local S3, for the summary printed at the end. */
const refusals: Record<string, string> = {};
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3([{ name: BUCKET }]);
});

afterAll(async () => {
  await s3?.close();
  console.log(
    `Refused presigned requests (HTTP status and S3 error code):\n${Object.entries(refusals)
      .map(([what, result]) => `  ${what.padEnd(36)} ${result}`)
      .join('\n')}`,
  );
});

function presignApi(options: { now?: () => Date; listPageSize?: number; teamFolders?: string[] } = {}) {
  const now = options.now ?? (() => new Date());
  const config = presignConfig({
    bucketName: BUCKET,
    listPageSize: options.listPageSize ?? 100,
    teamFolders: options.teamFolders ?? [],
  });
  const logs: RequestLog[] = [];
  const { handler, sts } = handlerOnLocalS3(s3.endpoint, config, { now, log: (line) => logs.push(line) });
  const call = async (
    sub: string,
    method: string,
    resource: string,
    body?: unknown,
    query?: Record<string, string>,
    claimChanges?: Record<string, unknown>,
  ) => parse(await handler(apiEvent({ method, resource, sub, body, query, claimChanges })));
  return { call, sts, logs };
}

type PresignApi = ReturnType<typeof presignApi>;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');

/** Asks for a PUT URL and uploads through it exactly as a client should. */
async function upload(
  api: PresignApi,
  sub: string,
  fileName: string,
  bytes: Buffer,
  contentType = 'text/plain',
) {
  const presigned = await api.call(sub, 'POST', '/uploads', {
    fileName,
    contentType,
    size: bytes.length,
    checksumSha256: sha256(bytes),
  });
  expect(presigned.status).toBe(200);
  const response = await send(presigned.body.url, 'PUT', bytes, presigned.body.headers);
  expect(response.status).toBe(200);
  return { key: presigned.body.key as string, etag: response.headers.get('etag') };
}

/** `fetch` sets Content-Length from the body; the signed value is what a client must match. */
function send(url: string, method: string, body?: Buffer, headers: Record<string, string> = {}) {
  return fetch(url, { method, body: body && new Uint8Array(body), headers: headersForFetch(headers) });
}

async function outcome(response: Response): Promise<string> {
  const code = /<Code>([^<]+)<\/Code>/.exec(await response.text())?.[1] ?? '-';
  return `${response.status} ${code}`;
}

describe('team folders through presigned URLs', () => {
  /** An ID token whose custom:okta_teams names these memberships, from a sign-in a minute ago. */
  const member = (teams: string) => ({
    'custom:okta_teams': teams,
    auth_time: Math.floor(Date.now() / 1000) - 60,
  });

  it('a read-write member uploads into teams/finance/ and a read member downloads the same bytes', async () => {
    const api = presignApi({ teamFolders: ['finance=rw', 'finance=r'] });
    const bytes = Buffer.from('q3,revenue\n1,2\n');
    const presigned = await api.call(
      ALICE,
      'POST',
      '/uploads',
      { fileName: 'q3.csv', contentType: 'text/csv', size: bytes.length, folder: 'finance' },
      undefined,
      member(':finance=rw:'),
    );
    expect(presigned.status).toBe(200);
    expect(presigned.body.key).toMatch(/^teams\/finance\/[0-9a-f-]{36}\/q3\.csv$/);
    expect((await send(presigned.body.url, 'PUT', bytes, presigned.body.headers)).status).toBe(200);

    const reader = member(':finance=r:');
    const listed = await api.call(BOB, 'GET', '/files', undefined, { folder: 'finance' }, reader);
    expect(listed.body.files.map((f: { key: string }) => f.key)).toEqual([presigned.body.key]);
    const download = await api.call(
      BOB,
      'POST',
      '/downloads',
      { key: presigned.body.key },
      undefined,
      reader,
    );
    expect(download.status).toBe(200);
    expect(Buffer.from(await (await fetch(download.body.url)).arrayBuffer())).toEqual(bytes);
    // Each URL was signed by the caller's own session, tagged with exactly their memberships.
    expect(api.sts.calls.map((c) => c.Tags)).toEqual([
      [
        { Key: 'okta_sub', Value: ALICE },
        { Key: 'okta_teams', Value: ':finance=rw:' },
      ],
      [
        { Key: 'okta_sub', Value: BOB },
        { Key: 'okta_teams', Value: ':finance=r:' },
      ],
    ]);
    expect(api.logs.map((l) => [l.sub, l.folder, l.status])).toEqual([
      [ALICE, 'finance', 200],
      [BOB, 'finance', 200],
      [BOB, 'finance', 200],
    ]);
  });

  it('the read member gets no upload URL, and no session is assumed for the attempt', async () => {
    const api = presignApi({ teamFolders: ['finance=rw', 'finance=r'] });
    const refused = await api.call(
      BOB,
      'POST',
      '/uploads',
      { fileName: 'q3.csv', contentType: 'text/csv', size: 3, folder: 'finance' },
      undefined,
      member(':finance=r:'),
    );
    expect(refused.status).toBe(403);
    expect(api.sts.calls).toEqual([]);
  });
});

describe('uploads and downloads through presigned URLs', () => {
  it('uploads through the PUT URL and reads back the same bytes through the GET URL', async () => {
    const api = presignApi();
    const bytes = Buffer.from('héllo, wörld\n', 'utf8');
    const { key, etag } = await upload(api, ALICE, 'greeting é.txt', bytes);
    expect(key).toMatch(new RegExp(`^users/${ALICE}/[0-9a-f-]{36}/greeting é\\.txt$`));
    expect(etag).toBe(`"${md5(bytes)}"`);

    const download = await api.call(ALICE, 'POST', '/downloads', { key });
    expect(download.status).toBe(200);
    const got = await fetch(download.body.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(bytes);
    expect(got.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''greeting%20%C3%A9.txt");

    expect(api.sts.calls).toHaveLength(1); // the session was cached for the second request
    expect(api.sts.calls[0].Tags).toEqual([{ Key: 'okta_sub', Value: ALICE }]);
    expect(JSON.stringify(api.logs)).not.toMatch(
      /X-Amz-Signature|X-Amz-Credential|stub-session|S3RVER|https?:/,
    );
  });

  it('refuses every changed or stale use of a PUT URL', async () => {
    const api = presignApi();
    const bytes = Buffer.from('the real content');
    const presigned = await api.call(ALICE, 'POST', '/uploads', {
      fileName: 'target.txt',
      contentType: 'text/plain',
      size: bytes.length,
      checksumSha256: sha256(bytes),
    });
    const { url, headers, key } = presigned.body as {
      url: string;
      headers: Record<string, string>;
      key: string;
    };
    const otherKeyUrl = (otherKey: string) => url.replace(encodeURI(key), encodeURI(otherKey));
    const twoHoursAgo = presignApi({ now: () => new Date(Date.now() - 2 * 3600_000) });
    const stale = await twoHoursAgo.call(ALICE, 'POST', '/uploads', {
      fileName: 'old.txt',
      contentType: 'text/plain',
      size: bytes.length,
    });

    const attempts: [string, () => Promise<Response>][] = [
      ['tampered signature', () => send(tamperSignature(url), 'PUT', bytes, headers)],
      ['expired URL (signed 2 h ago, 300 s)', () => send(stale.body.url, 'PUT', bytes, stale.body.headers)],
      ['raised X-Amz-Expires', () => send(withQuery(url, 'X-Amz-Expires', '604800'), 'PUT', bytes, headers)],
      ['other key, same user', () => send(otherKeyUrl(`users/${ALICE}/other.txt`), 'PUT', bytes, headers)],
      ['other key, other user', () => send(otherKeyUrl(`users/${BOB}/x/target.txt`), 'PUT', bytes, headers)],
      ['other content-type', () => send(url, 'PUT', bytes, { ...headers, 'content-type': 'text/html' })],
      ['other content-length', () => send(url, 'PUT', Buffer.concat([bytes, bytes]), headers)],
      [
        'other checksum',
        () => send(url, 'PUT', bytes, { ...headers, 'x-amz-checksum-sha256': sha256(Buffer.from('x')) }),
      ],
      ['no checksum header', () => send(url, 'PUT', bytes, { 'content-type': 'text/plain' })],
      ['GET with the PUT URL', () => send(url, 'GET')],
    ];
    for (const [what, attempt] of attempts) {
      const response = await attempt();
      refusals[what] = await outcome(response);
      expect([what, response.status]).toEqual([what, 403]);
    }
    expect(tamperSignature(url)).not.toBe(url);
    expect(stale.status).toBe(200);

    for (const neverWritten of [key, `users/${ALICE}/other.txt`]) {
      expect((await api.call(ALICE, 'POST', '/downloads', { key: neverWritten })).status).toBe(404);
    }
    // The untouched URL still works, so the refusals above were about the changes alone.
    expect((await send(url, 'PUT', bytes, headers)).status).toBe(200);
  });

  it('serves an uploaded HTML page as an attachment, and refuses a URL that drops or changes that', async () => {
    const api = presignApi();
    const page = Buffer.from('<!doctype html><script>alert(document.domain)</script>');
    const { key } = await upload(api, ALICE, "it's (v2)*!.html", page, 'text/html');
    const download = await api.call(ALICE, 'POST', '/downloads', { key });
    expect(download.status).toBe(200);
    const url = download.body.url as string;

    const got = await fetch(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('text/html');
    expect(got.headers.get('content-disposition')).toBe(
      "attachment; filename*=UTF-8''it%27s%20%28v2%29%2A%21.html",
    );
    expect(Buffer.from(await got.arrayBuffer())).toEqual(page);

    const withoutDisposition = new URL(url);
    withoutDisposition.searchParams.delete('response-content-disposition');
    const attempts: [string, string][] = [
      ['GET URL without the disposition', withoutDisposition.toString()],
      ['GET URL with an inline disposition', withQuery(url, 'response-content-disposition', 'inline')],
    ];
    for (const [what, changed] of attempts) {
      const response = await fetch(changed);
      refusals[what] = await outcome(response);
      expect([what, response.status]).toEqual([what, 403]);
    }
    // Rewritten the same way but unchanged, the URL still works: the refusals were about the changes.
    const same = withQuery(url, 'response-content-disposition', got.headers.get('content-disposition')!);
    expect(same).not.toBe(url);
    expect((await fetch(same)).status).toBe(200);
  });

  it('gives download URLs only for the caller’s own existing keys', async () => {
    const api = presignApi();
    const { key: bobKey } = await upload(api, BOB, 'bob.txt', Buffer.from('bob only'));
    const refused = await Promise.all(
      [bobKey, `users/${ALICE}/missing.txt`, `users/${ALICE}/../${bobKey.slice('users/'.length)}`].map(
        (key) => api.call(ALICE, 'POST', '/downloads', { key }),
      ),
    );
    expect(refused.map((r) => r.status)).toEqual([404, 404, 404]);
    expect(new Set(refused.map((r) => JSON.stringify(r.body))).size).toBe(1); // nothing tells them apart

    const own = await api.call(BOB, 'POST', '/downloads', { key: bobKey });
    expect(own.status).toBe(200);
    expect(await (await fetch(own.body.url)).text()).toBe('bob only');
    const tampered = await fetch(own.body.url.replace(encodeURI(bobKey), encodeURI(`users/${BOB}/other`)));
    refusals['GET URL for another key'] = await outcome(tampered);
    expect(tampered.status).toBe(403);
  });
});

describe('listing', () => {
  it('shows only the caller’s objects, page by page', async () => {
    const api = presignApi({ listPageSize: 2 });
    const carolKeys = [];
    for (const name of ['a.txt', 'b.txt', 'c.txt'])
      carolKeys.push((await upload(api, CAROL, name, Buffer.from(name))).key);
    for (const name of ['d1.txt', 'd2.txt']) await upload(api, DAVE, name, Buffer.from(name));
    const raw = new S3Client({
      region: 'eu-west-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: S3RVER_KEY,
    });
    await raw.send(new PutObjectCommand({ Bucket: BUCKET, Key: `users/${CAROL}x/neighbour.txt`, Body: 'n' }));

    const pages = [];
    let nextToken: string | null = null;
    do {
      const page = await api.call(CAROL, 'GET', '/files', undefined, nextToken ? { nextToken } : undefined);
      expect(page.status).toBe(200);
      pages.push(page.body.files);
      nextToken = page.body.nextToken;
    } while (nextToken && pages.length < 5);

    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const files = pages.flat();
    expect(files.map((f) => f.key).sort()).toEqual(carolKeys.sort());
    expect(files.find((f) => f.name === 'b.txt')).toMatchObject({ size: 5, etag: md5(Buffer.from('b.txt')) });
    expect(files.every((f) => !Number.isNaN(Date.parse(f.lastModified)))).toBe(true);
  });

  it('answers 400, never 5xx, to page tokens S3 cannot use', async () => {
    const api = presignApi({ listPageSize: 1 });
    const otherBucketToken = s3rverContinuationToken('other-bucket', 'users/x/y');
    for (const nextToken of ['%%%', encodePageToken('\u0001'), encodePageToken(otherBucketToken)]) {
      const page = await api.call(ALICE, 'GET', '/files', undefined, { nextToken });
      expect([nextToken, page.status, page.body]).toEqual([
        nextToken,
        400,
        { error: 'BadRequest', message: 'nextToken is invalid' },
      ]);
    }
    // Only the well-formed token got as far as S3 (and so needed a session); S3 refused it.
    expect(api.sts.calls).toHaveLength(1);
  });
});

describe('presigned POST', () => {
  it('pins the exact key, content type, size and expiry in the signed policy', async () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    const api = presignApi({ now: () => now });
    const checksum = sha256(Buffer.from('12345'));
    const response = await api.call(ALICE, 'POST', '/uploads', {
      fileName: 'form.txt',
      contentType: 'text/plain',
      size: 5,
      checksumSha256: checksum,
      method: 'POST',
    });
    expect(response.status).toBe(200);
    const { key, url, fields, expiresAt } = response.body;
    expect(expiresAt).toBe('2030-01-01T00:05:00.000Z');
    expect(url).toBe(`${s3.endpoint}/${BUCKET}`);
    expect(fields).toMatchObject({
      key,
      bucket: BUCKET,
      'Content-Type': 'text/plain',
      'x-amz-checksum-sha256': checksum,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'S3RVER/20300101/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20300101T000000Z',
      'X-Amz-Security-Token': 'stub-session-1',
    });

    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8'));
    expect(policy.expiration).toBe('2030-01-01T00:05:00Z');
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['eq', '$key', key],
        { key },
        ['eq', '$Content-Type', 'text/plain'],
        ['content-length-range', 5, 5],
        ['eq', '$x-amz-checksum-sha256', checksum],
        { bucket: BUCKET },
      ]),
    );
    expect(policy.conditions.filter((c: unknown) => JSON.stringify(c).includes('starts-with'))).toEqual([]);
    expect(key).toMatch(new RegExp(`^users/${ALICE}/[0-9a-f-]{36}/form\\.txt$`));
  });

  it('gives form fields a browser can post as they are', async () => {
    const api = presignApi();
    const bytes = Buffer.from('posted');
    const response = await api.call(BOB, 'POST', '/uploads', {
      fileName: 'posted.txt',
      contentType: 'text/plain',
      size: bytes.length,
      method: 'POST',
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(response.body.fields as Record<string, string>))
      form.append(name, value);
    form.append('file', new Blob([bytes], { type: 'text/plain' }));
    const posted = await fetch(response.body.url, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);
    const download = await api.call(BOB, 'POST', '/downloads', { key: response.body.key });
    expect(await (await fetch(download.body.url)).text()).toBe('posted');
  });
});

function withQuery(url: string, name: string, value: string): string {
  const changed = new URL(url);
  changed.searchParams.set(name, value);
  return changed.toString();
}

/** Flips the last hex digit of the signature. */
function tamperSignature(url: string): string {
  const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
  const last = signature.endsWith('0') ? '1' : '0';
  return withQuery(url, 'X-Amz-Signature', signature.slice(0, -1) + last);
}

/** A token in s3rver's own format (DES under its fixed key) that names another bucket. */
function s3rverContinuationToken(bucket: string, key: string): string {
  const desKey = Buffer.alloc(8, 'S3RVER', 'utf8');
  const iv = randomBytes(8);
  const cipher = createCipheriv('des-ede3-cbc', Buffer.concat([desKey, desKey, desKey]), iv);
  return Buffer.concat([iv, cipher.update(`us-east-1/${bucket}/${key}`, 'utf8'), cipher.final()]).toString(
    'base64',
  );
}
