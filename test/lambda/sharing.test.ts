import type { APIGatewayProxyResult } from 'aws-lambda';
import { createHandler, dependenciesFromEnvironment, RequestLog } from '../../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import { readSharingConfig, SharingConfig } from '../../lambda/presign/sharing/config';
import { isTokenShaped, newToken, tokenHash } from '../../lambda/presign/sharing/tokens';
import { REFUSAL_BODY } from '../../lambda/presign/sharing/visits';
import {
  ALICE,
  ALLOWED_ORIGIN,
  apiEvent,
  BOB,
  CLIENT_ID,
  presignConfig,
  RequestOptions,
} from './support/fakes';
import { memorySharingStore } from './support/memory-sharing-store';

/*
 * Share links and file requests through the real handler, with the store in memory (the DynamoDB
 * store passes the same contract in sharing-store.e2e.test.ts) and S3 faked by key → version id.
 * URLs are signed for real (by the SDK's presigner), so their query is what S3 would check.
 */

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const MAX_AGE = 3600;
const DAY = 86_400_000;
const SESSION = {
  accessKeyId: 'ASIASECRETKEYID00001',
  secretAccessKey: 'very-secret-access-key',
  sessionToken: 'very-secret-session-token',
  expiration: new Date(Date.now() + 40 * DAY),
};
const SHARING: SharingConfig = {
  tableName: 'sharing-test',
  maxLinkDays: 30,
  fileRequestMaxFiles: 3,
  fileRequestMaxFileBytes: 1000,
  fileRequestContentTypes: ['application/pdf', 'image/png'],
};
const OWN_KEY = `users/${ALICE}/${ID}/report.pdf`;
const TEAM_KEY = `teams/finance/${ID}/budget.xlsx`;

function setup({ sharing = SHARING as SharingConfig | null, store = memorySharingStore() } = {}) {
  const config = presignConfig({
    teamFolders: ['finance=rw'],
    teamMembershipMaxAgeSeconds: MAX_AGE,
    ...(sharing ? { sharing } : {}),
  });
  let clock = (SIGNED_IN_AT + 60) * 1000;
  const objects = new Map<string, string | undefined>([
    [OWN_KEY, 'v1'],
    [TEAM_KEY, 'v1'],
    [`users/${BOB}/${ID}/bob.txt`, 'v1'],
  ]);
  const logs: RequestLog[] = [];
  const sessions: { sub: string; teams?: string }[] = [];
  const signer = s3Storage({ bucket: config.bucketName, region: config.region })(SESSION);
  const storage: CallerStorage = {
    ...signer,
    exists: async (key) => objects.has(key),
    versionOf: async (key) =>
      objects.has(key) ? (objects.get(key) === undefined ? {} : { versionId: objects.get(key) }) : undefined,
  };
  const invoke = createHandler({
    config,
    now: () => new Date(clock),
    newId: () => ID,
    credentialsFor: async (sub, _observe, teams) => {
      sessions.push({ sub, teams });
      return SESSION;
    },
    storageFor: () => storage,
    log: (line) => logs.push(line),
    sharingStore: store,
  });
  const call = async (options: RequestOptions) => parseLoose(await invoke(apiEvent(options)));
  /** A visitor: no token, no claims, the path parameter API Gateway extracts. */
  const visit = async (resource: string, token: string, body?: unknown) => {
    const event = apiEvent({ method: body === undefined ? 'GET' : 'POST', resource, sub: null, body });
    return invoke({ ...event, pathParameters: { token } });
  };
  const advance = (ms: number) => (clock += ms);
  return { call, visit, invoke, logs, sessions, objects, store, advance, config };
}

function parseLoose(response: APIGatewayProxyResult) {
  return { status: response.statusCode, body: response.body ? JSON.parse(response.body) : undefined };
}

/**
 * When the test users signed in at Okta (`auth_time`): each setup's clock starts a minute later, so
 * how old a sign-in is depends on the test's own `advance`, never on how long the test took.
 */
const SIGNED_IN_AT = Math.floor(Date.now() / 1000) - 60;

const member = (teams: string, sub = ALICE) => ({
  sub,
  claimChanges: { 'custom:okta_teams': teams, auth_time: SIGNED_IN_AT },
});
const share = (key: string, extra: Record<string, unknown> = {}, who: Partial<RequestOptions> = {}) => ({
  method: 'POST',
  resource: '/share-links',
  sub: ALICE,
  body: { key, ...extra },
  ...who,
});

describe('tokens', () => {
  it('carry 256 random bits as 43 base64url characters, never repeat, and are stored only as a SHA-256', () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => newToken()));
    expect(tokens.size).toBe(2000);
    for (const token of [...tokens].slice(0, 50)) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(isTokenShaped(token)).toBe(true);
      expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuse anything that is not the canonical encoding of 32 bytes, without a lookup', () => {
    const token = newToken();
    expect(isTokenShaped(token.slice(0, 42))).toBe(false);
    expect(isTokenShaped(`${token}A`)).toBe(false);
    expect(isTokenShaped(`${token.slice(0, 42)}B`)).toBe(false); // a last character with stray low bits
    expect(isTokenShaped(token.replace(/.$/, '='))).toBe(false);
    expect(isTokenShaped(undefined)).toBe(false);
  });
});

describe('share links', () => {
  it('alice shares her own file: the answer carries the token once; the table and the list never do', async () => {
    const { call, store } = setup();
    const created = await call(share(OWN_KEY));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ key: OWN_KEY, version: 'pinned', revoked: false });
    expect(created.body.url).toBe(`s/${created.body.token}`);
    expect(created.body.id).toBe(tokenHash(created.body.token));
    expect(JSON.stringify([...store.rows])).not.toContain(created.body.token);
    const listed = await call({ method: 'GET', resource: '/share-links', sub: ALICE });
    expect(listed.body.links).toEqual([expect.objectContaining({ id: created.body.id, key: OWN_KEY })]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await call({ method: 'GET', resource: '/share-links', sub: BOB })).body.links).toEqual([]);
  });

  it('expires after the chosen days (default 7), at most the configured maximum', async () => {
    const { call } = setup({ sharing: { ...SHARING, maxLinkDays: 10 } });
    const byDefault = (await call(share(OWN_KEY))).body;
    expect(Date.parse(byDefault.expiresAt) - Date.parse(byDefault.createdAt)).toBe(7 * DAY);
    const ten = (await call(share(OWN_KEY, { expiresInDays: 10 }))).body;
    expect(Date.parse(ten.expiresAt) - Date.parse(ten.createdAt)).toBe(10 * DAY);
    for (const expiresInDays of [11, 0, 1.5, '3']) {
      expect((await call(share(OWN_KEY, { expiresInDays }))).status).toBe(400);
    }
  });

  it.each([
    ['another user’s file', `users/${BOB}/${ID}/bob.txt`],
    ['a file that does not exist', `users/${ALICE}/${ID}/missing.pdf`],
    ['a team folder the caller is not a member of', TEAM_KEY],
    ['a key outside every prefix', 'other/secret.txt'],
    ['a traversal', `users/${ALICE}/../${BOB}/${ID}/bob.txt`],
  ])('refuses to share %s with the same 404 as a download', async (_name, key) => {
    const { call, store } = setup();
    const refused = await call(share(key));
    expect(refused).toEqual({ status: 404, body: { error: 'NotFound', message: 'Not found' } });
    expect(store.rows.size).toBe(0);
  });

  it('an outsider’s visit is a 302 to a fresh two-minute GET signed as the creator, with no token of theirs', async () => {
    const { call, visit, sessions, logs } = setup();
    const { token, id } = (await call(share(OWN_KEY))).body;
    sessions.length = 0;
    const response = await visit('/s/{token}', token);
    expect(response.statusCode).toBe(302);
    const location = new URL(String(response.headers?.Location));
    expect(location.pathname).toBe(`/${OWN_KEY}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(location.searchParams.get('response-content-disposition')).toMatch(/^attachment;/);
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    expect(sessions).toEqual([{ sub: ALICE, teams: undefined }]);
    expect(logs.at(-1)).toMatchObject({
      route: 'GET /s/{token}',
      status: 302,
      outcome: 'served',
      link: id,
      creator: ALICE,
      key: OWN_KEY,
    });
    expect(JSON.stringify(logs)).not.toContain(token);
  });

  it('refuses unknown, tampered, malformed, expired and revoked tokens with one identical answer', async () => {
    const { call, visit, advance, logs } = setup();
    const { token: expiring } = (await call(share(OWN_KEY, { expiresInDays: 1 }))).body;
    const { token: revoked, id } = (await call(share(OWN_KEY))).body;
    expect(
      (await call({ method: 'POST', resource: '/share-links/revoke', sub: ALICE, body: { id } })).body,
    ).toEqual({
      id,
      revoked: true,
    });
    const tampered = revoked.slice(0, 10) + (revoked[10] === 'A' ? 'B' : 'A') + revoked.slice(11);
    advance(DAY); // the one-day link's expiry, to the second: DynamoDB's TTL has not deleted it
    const answers: APIGatewayProxyResult[] = [];
    for (const token of [newToken(), tampered, 'short', `${revoked}x`, expiring, revoked]) {
      answers.push(await visit('/s/{token}', token));
    }
    for (const answer of answers) {
      expect(answer).toEqual(answers[0]);
    }
    expect(answers[0].statusCode).toBe(404);
    expect(JSON.parse(answers[0].body)).toEqual(REFUSAL_BODY);
    expect(logs.slice(-6).map((l) => l.reason)).toEqual([
      'unknown',
      'unknown',
      'malformed',
      'malformed',
      'expired',
      'revoked',
    ]);
  });

  it('serves a link until the second before its expiry', async () => {
    const { call, visit, advance } = setup();
    const { token } = (await call(share(OWN_KEY, { expiresInDays: 1 }))).body;
    advance(DAY - 1000);
    expect((await visit('/s/{token}', token)).statusCode).toBe(302);
  });

  it('without the pinned-link role, a pinned link stops once the object is overwritten; a "latest" link follows it', async () => {
    const { call, visit, objects, logs } = setup();
    const pinned = (await call(share(OWN_KEY))).body.token;
    const latest = (await call(share(OWN_KEY, { version: 'latest' }))).body.token;
    objects.set(OWN_KEY, 'v2');
    expect((await visit('/s/{token}', pinned)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('version-changed');
    expect((await visit('/s/{token}', latest)).statusCode).toBe(302);
    objects.delete(OWN_KEY);
    expect((await visit('/s/{token}', latest)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('object-gone');
  });

  it('only the creator revokes, and another user’s revoke is the same 404 as an unknown id', async () => {
    const { call, visit } = setup();
    const { token, id } = (await call(share(OWN_KEY))).body;
    const bob = await call({ method: 'POST', resource: '/share-links/revoke', sub: BOB, body: { id } });
    const unknown = await call({
      method: 'POST',
      resource: '/share-links/revoke',
      sub: BOB,
      body: { id: 'f'.repeat(64) },
    });
    expect(bob).toEqual(unknown);
    expect(bob.status).toBe(404);
    expect((await visit('/s/{token}', token)).statusCode).toBe(302);
    expect(
      (await call({ method: 'POST', resource: '/share-links/revoke', sub: ALICE, body: { id: 'x' } })).status,
    ).toBe(400);
  });

  it('a team-folder link is served on the creator’s last-seen membership, and refused once it is too old or gone', async () => {
    const { call, visit, advance, logs, sessions } = setup();
    const { token } = (await call(share(TEAM_KEY, {}, member(':finance=rw:')))).body;
    sessions.length = 0;
    expect((await visit('/s/{token}', token)).statusCode).toBe(302);
    expect(sessions).toEqual([{ sub: ALICE, teams: ':finance=rw:' }]);
    // Alice signs in again without the group: her next request records that.
    await call({ method: 'GET', resource: '/folders', ...member(':') });
    expect((await visit('/s/{token}', token)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('creator-access');
    await call({ method: 'GET', resource: '/folders', ...member(':finance=rw:') });
    expect((await visit('/s/{token}', token)).statusCode).toBe(302);
    advance((MAX_AGE - 60 + 1) * 1000); // the sign-in is now older than the membership bound
    expect((await visit('/s/{token}', token)).statusCode).toBe(404);
    expect(logs.at(-1)?.reason).toBe('creator-access');
  });
});

describe('file requests', () => {
  const create = (body: Record<string, unknown> = {}) => ({
    method: 'POST',
    resource: '/file-requests',
    sub: ALICE,
    body: { folder: 'From clients', ...body },
  });
  const pdf = { fileName: 'scan.pdf', contentType: 'application/pdf', size: 500 };

  it('a visitor gets upload-only PUT URLs to new keys in alice’s folder, within the count, size and types', async () => {
    const { call, visit, sessions } = setup();
    const created = (await call(create({ maxFiles: 2 }))).body;
    expect(created).toMatchObject({
      folder: 'From clients',
      prefix: `users/${ALICE}/From clients/`,
      maxFiles: 2,
    });
    const described = await visit('/r/{token}', created.token);
    expect(JSON.parse(described.body)).toMatchObject({
      folder: 'From clients',
      remainingFiles: 2,
      maxFileBytes: 1000,
    });
    expect(described.body).not.toContain(ALICE);
    sessions.length = 0;
    const upload = JSON.parse((await visit('/r/{token}/uploads', created.token, pdf)).body);
    expect(upload).toMatchObject({
      method: 'PUT',
      name: 'scan.pdf',
      headers: { 'content-type': 'application/pdf', 'content-length': '500' },
    });
    const url = new URL(upload.url);
    expect(decodeURIComponent(url.pathname)).toBe(`/users/${ALICE}/From clients/${ID}/scan.pdf`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(sessions).toEqual([{ sub: ALICE, teams: undefined }]);
    expect((await visit('/r/{token}/uploads', created.token, pdf)).statusCode).toBe(200);
    // The count is spent: the third is refused like any dead link.
    const third = await visit('/r/{token}/uploads', created.token, pdf);
    expect([third.statusCode, JSON.parse(third.body)]).toEqual([404, REFUSAL_BODY]);
    const listed = await call({ method: 'GET', resource: '/file-requests', sub: ALICE });
    expect(listed.body.requests).toEqual([expect.objectContaining({ id: created.id, uploads: 2 })]);
  });

  it('refuses an oversized file (413), a type not allowed (415) and a nameless file (400) without counting them', async () => {
    const { call, visit, store } = setup();
    const { token, id } = (await call(create())).body;
    expect((await visit('/r/{token}/uploads', token, { ...pdf, size: 1001 })).statusCode).toBe(413);
    expect((await visit('/r/{token}/uploads', token, { ...pdf, contentType: 'text/html' })).statusCode).toBe(
      415,
    );
    expect((await visit('/r/{token}/uploads', token, { ...pdf, fileName: '/' })).statusCode).toBe(400);
    expect((await visit('/r/{token}/uploads', token, { ...pdf, key: 'users/x' })).statusCode).toBe(400);
    expect(await store.get(id)).toMatchObject({ uploads: 0 });
  });

  it('a file-request link cannot read, and a share link cannot upload', async () => {
    const { call, visit, logs } = setup();
    const request = (await call(create())).body.token;
    const link = (await call(share(OWN_KEY))).body.token;
    const read = await visit('/s/{token}', request);
    expect([read.statusCode, JSON.parse(read.body)]).toEqual([404, REFUSAL_BODY]);
    expect(logs.at(-1)?.reason).toBe('wrong-kind');
    const upload = await visit('/r/{token}/uploads', link, pdf);
    expect([upload.statusCode, JSON.parse(upload.body)]).toEqual([404, REFUSAL_BODY]);
  });

  it('revoked or expired, a request takes no more files', async () => {
    const { call, visit, advance } = setup();
    const revoked = (await call(create())).body;
    await call({ method: 'POST', resource: '/file-requests/revoke', sub: ALICE, body: { id: revoked.id } });
    expect((await visit('/r/{token}/uploads', revoked.token, pdf)).statusCode).toBe(404);
    const expiring = (await call(create({ expiresInDays: 1 }))).body;
    advance(DAY);
    expect((await visit('/r/{token}/uploads', expiring.token, pdf)).statusCode).toBe(404);
    expect((await visit('/r/{token}', expiring.token)).statusCode).toBe(404);
  });

  it.each([
    [{ folder: '../bob' }],
    [{ folder: 'a/b' }],
    [{ folder: '' }],
    [{ maxFiles: 4 }],
    [{ maxFileBytes: 1001 }],
    [{ prefix: 'users/' }],
  ])('refuses a request body %j with 400', async (body) => {
    const { call, store } = setup();
    expect((await call(create(body))).status).toBe(400);
    expect(store.rows.size).toBe(0);
  });
});

describe('sharing off', () => {
  it('answers every sharing route 404, owner and public alike', async () => {
    const { call, visit } = setup({ sharing: null });
    expect((await call(share(OWN_KEY))).status).toBe(404);
    expect((await call({ method: 'GET', resource: '/file-requests', sub: ALICE })).status).toBe(404);
    expect((await visit('/s/{token}', newToken())).statusCode).toBe(404);
  });
});

describe('sharing configuration', () => {
  it('is off without a table and has defaults with one', () => {
    const problems: string[] = [];
    expect(readSharingConfig({}, problems)).toBeUndefined();
    expect(readSharingConfig({ SHARING_TABLE_NAME: 'shares' }, problems)).toEqual({
      tableName: 'shares',
      maxLinkDays: 7,
      fileRequestMaxFiles: 20,
      fileRequestMaxFileBytes: 100 * 1024 * 1024,
      fileRequestContentTypes: [],
    });
    expect(problems).toEqual([]);
  });

  it('names every bad variable at once', () => {
    const problems: string[] = [];
    readSharingConfig(
      {
        SHARING_TABLE_NAME: 'x',
        SHARE_LINK_MAX_DAYS: '31',
        FILE_REQUEST_MAX_FILES: '0',
        FILE_REQUEST_MAX_FILE_BYTES: String(5 * 1024 ** 3 + 1),
        FILE_REQUEST_CONTENT_TYPES: 'application/pdf,Text/HTML',
      },
      problems,
    );
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/SHARE_LINK_MAX_DAYS must be an integer in 1..30/);
  });
});

describe('the Lambda’s own dependencies', () => {
  const ENV = {
    BUCKET_NAME: 'user-files-test',
    PRESIGN_ROLE_ARN: 'arn:aws:iam::123456789012:role/presign',
    URL_EXPIRY_SECONDS: '300',
    MAX_UPLOAD_BYTES: '1024',
    LIST_PAGE_SIZE: '10',
    ALLOWED_ORIGINS: 'https://files.test.example',
    IDENTITY_PROVIDER_NAME: 'Okta',
    ALLOWED_CLIENT_IDS: CLIENT_ID,
    AWS_REGION: 'eu-west-1',
  };

  it('include the DynamoDB store exactly when the construct names a sharing table', () => {
    expect(dependenciesFromEnvironment(ENV).sharingStore).toBeUndefined();
    const sharing = dependenciesFromEnvironment({ ...ENV, SHARING_TABLE_NAME: 'Stack-Sharing-1A2B' });
    expect(sharing.config.sharing?.tableName).toBe('Stack-Sharing-1A2B');
    expect(Object.keys(sharing.sharingStore ?? {}).sort()).toEqual(
      [
        'claimUpload',
        'get',
        'getMembership',
        'listByCreator',
        'put',
        'putMembership',
        'revoke',
        'revokeAllBy',
      ].sort(),
    );
    expect(() =>
      dependenciesFromEnvironment({ ...ENV, SHARING_TABLE_NAME: 'x', SHARE_LINK_MAX_DAYS: '0' }),
    ).toThrow(
      /SHARING_TABLE_NAME must be a DynamoDB table name.*SHARE_LINK_MAX_DAYS must be an integer in 1..30/,
    );
  });
});

describe('what the web client needs', () => {
  it('the lists carry the deployment’s limits, so the client offers only what the API accepts', async () => {
    const { call } = setup();
    const limits = {
      maxLinkDays: 30,
      fileRequestMaxFiles: 3,
      fileRequestMaxFileBytes: 1000,
      fileRequestContentTypes: ['application/pdf', 'image/png'],
    };
    for (const resource of ['/share-links', '/file-requests'])
      expect((await call({ method: 'GET', resource, sub: ALICE })).body.limits).toEqual(limits);
  });

  it('file-request visits answer CORS for an allowed origin only, and every refusal stays one answer', async () => {
    const { call, invoke } = setup();
    const { token } = (
      await call({ method: 'POST', resource: '/file-requests', sub: ALICE, body: { folder: 'In' } })
    ).body;
    const from = (origin: string, resource: string, t: string) =>
      invoke({
        ...apiEvent({ method: 'GET', resource, sub: null, headers: { Origin: origin } }),
        pathParameters: { token: t },
      });
    const served = await from(ALLOWED_ORIGIN, '/r/{token}', token);
    expect(served.statusCode).toBe(200);
    expect(served.headers).toMatchObject({ 'Access-Control-Allow-Origin': ALLOWED_ORIGIN, Vary: 'Origin' });
    expect((await from('https://evil.example', '/r/{token}', token)).headers).not.toHaveProperty(
      'Access-Control-Allow-Origin',
    );
    // Unknown, malformed and wrong-kind tokens: the same status, headers and body.
    const refusals = await Promise.all([
      from(ALLOWED_ORIGIN, '/r/{token}', newToken()),
      from(ALLOWED_ORIGIN, '/r/{token}', 'short'),
      from(ALLOWED_ORIGIN, '/s/{token}', token),
    ]);
    expect(refusals[0]).toMatchObject({ statusCode: 404, body: JSON.stringify(REFUSAL_BODY) });
    expect(refusals[0].headers).toMatchObject({ 'Access-Control-Allow-Origin': ALLOWED_ORIGIN });
    for (const other of refusals.slice(1)) expect(other).toEqual(refusals[0]);
  });
});
