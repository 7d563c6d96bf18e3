import * as fc from 'fast-check';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createHandler } from '../../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import type { SharingConfig } from '../../lambda/presign/sharing/config';
import { newToken } from '../../lambda/presign/sharing/tokens';
import { REFUSAL_BODY } from '../../lambda/presign/sharing/visits';
import { ALICE, apiEvent, BOB, presignConfig } from './support/fakes';
import { memorySharingStore } from './support/memory-sharing-store';

/*
 * Hostile visits to share links and file requests through the real handler (store in memory, S3
 * answers stubbed, signing real). Tokens are guessed, tampered (one character changed, cut,
 * extended, case-flipped, percent-encoded), expired, revoked, or of the wrong kind (a file
 * request's token used to read, a share link's to upload); bodies are arbitrary. Whatever comes,
 * a visit is either served exactly as its live link allows, or refused with the one uniform answer.
 */

const DAY = 86_400_000;
const SHARING: SharingConfig = {
  tableName: 'sharing-hostile',
  maxLinkDays: 30,
  fileRequestMaxFiles: 1000,
  fileRequestMaxFileBytes: 1000,
  fileRequestContentTypes: ['application/pdf'],
};
const CONFIG = presignConfig({ teamFolders: ['finance=rw'], sharing: SHARING });
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ALICE_KEY = `users/${ALICE}/${ID}/report.pdf`;
const BOB_KEY = `users/${BOB}/${ID}/bob.pdf`;
const SESSION = {
  accessKeyId: 'ASIAHOSTILE',
  secretAccessKey: 'secret',
  sessionToken: 't',
  expiration: new Date(Date.now() + 60 * DAY),
};
const RUNS = { visits: 600, shares: 300 };

let clock = Date.now();
/** How each generated visit ended, so the run shows it reached every branch. */
const outcomes: Record<string, number> = {};
let signedKeys: string[] = [];
let sessionsFor: string[] = [];
const store = memorySharingStore();
const signer = s3Storage({ bucket: CONFIG.bucketName, region: CONFIG.region })(SESSION);
const OBJECTS = new Set([ALICE_KEY, BOB_KEY]);
const storage: CallerStorage = {
  ...signer,
  presignGet: (key, signing) => (signedKeys.push(key), signer.presignGet(key, signing)),
  presignPut: (key, upload, signing) => (signedKeys.push(key), signer.presignPut(key, upload, signing)),
  exists: async (key) => OBJECTS.has(key),
  versionOf: async (key) => (OBJECTS.has(key) ? {} : undefined),
};
const handler = createHandler({
  config: CONFIG,
  now: () => new Date(clock),
  newId: () => ID,
  credentialsFor: async (sub) => (sessionsFor.push(sub), SESSION),
  storageFor: () => storage,
  sharingStore: store,
  log: () => undefined,
});

const owner = async (sub: string, method: string, resource: string, body?: unknown) => {
  const response = await handler(apiEvent({ method, resource, sub, body }));
  return { status: response.statusCode, body: JSON.parse(response.body) };
};
const visit = (
  method: string,
  resource: string,
  token: string,
  body?: unknown,
): Promise<APIGatewayProxyResult> =>
  handler({ ...apiEvent({ method, resource, sub: null, body }), pathParameters: { token } });

/** Tokens by what they are: the two live ones, and dead ones of every kind. */
const tokens: Record<'link' | 'request' | 'revoked' | 'expired' | 'bobLink', string> = {} as never;
let refusal: APIGatewayProxyResult;

beforeAll(async () => {
  tokens.link = (await owner(ALICE, 'POST', '/share-links', { key: ALICE_KEY })).body.token;
  tokens.bobLink = (await owner(BOB, 'POST', '/share-links', { key: BOB_KEY })).body.token;
  tokens.request = (await owner(ALICE, 'POST', '/file-requests', { folder: 'Inbox' })).body.token;
  const revoked = (await owner(ALICE, 'POST', '/share-links', { key: ALICE_KEY })).body;
  await owner(ALICE, 'POST', '/share-links/revoke', { id: revoked.id });
  tokens.revoked = revoked.token;
  clock -= 2 * DAY; // created two days ago, for one day
  tokens.expired = (
    await owner(ALICE, 'POST', '/share-links', { key: ALICE_KEY, expiresInDays: 1 })
  ).body.token;
  clock += 2 * DAY;
  refusal = await visit('GET', '/s/{token}', newToken());
  expect(Object.values(tokens).every((t) => typeof t === 'string' && t.length === 43)).toBe(true);
});

/** One character of a token changed, cut, doubled or re-cased; or the token encoded or wrapped. */
const tampered = (token: string) =>
  fc.oneof(
    fc.nat({ max: 42 }).chain((i) =>
      fc
        .constantFrom(...'AZaz09-_.~%'.split(''))
        .filter((c) => c !== token[i])
        .map((c) => token.slice(0, i) + c + token.slice(i + 1)),
    ),
    fc.nat({ max: 42 }).map((i) => token.slice(0, i)),
    fc
      .string({ maxLength: 3 })
      .filter((s) => s.length > 0)
      .map((s) => token + s),
    fc.constant(token.toUpperCase()),
    // Percent-encoded as a client might send it; API Gateway decodes before the Lambda, this harness does not.
    fc.constant(`%${token.charCodeAt(0).toString(16).toUpperCase()}${token.slice(1)}`),
    fc.constant(` ${token}`),
  );

const anyToken = fc.oneof(
  fc
    .constantFrom('link', 'request', 'revoked', 'expired', 'bobLink')
    .map((kind) => ({ kind, token: tokens[kind as keyof typeof tokens] })),
  fc.constant(null).map(() => ({ kind: 'guessed', token: newToken() })),
  fc.string({ maxLength: 80 }).map((token) => ({ kind: 'garbage', token })),
  fc
    .constantFrom('link', 'request')
    .chain((kind) => tampered(tokens[kind as 'link']).map((token) => ({ kind: 'tampered', token }))),
);

const uploadBody = fc.oneof(
  fc.record({
    fileName: fc.string({ minLength: 1, maxLength: 40 }),
    contentType: fc.constantFrom('application/pdf', 'text/html'),
    size: fc.integer({ min: -1, max: 2000 }),
  }),
  fc.anything(),
);

/** One visit, and what must hold of its answer. */
async function check({ kind, token }: { kind: string; token: string }, route: string, body: unknown) {
  signedKeys = [];
  sessionsFor = [];
  const [method, resource] = route.split(' ');
  const response = await visit(method, resource, token, method === 'POST' ? body : undefined);
  const outcome = `${route} ${response.statusCode}`;
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  expect(response.statusCode).toBeLessThan(500);
  const live =
    (kind === 'link' || kind === 'bobLink') && route === 'GET /s/{token}'
      ? 'link'
      : kind === 'request' && route !== 'GET /s/{token}'
        ? 'request'
        : undefined;
  if (live === undefined) {
    // Guessed, tampered, dead or of the wrong kind: the uniform refusal, byte for byte.
    expect(response).toEqual(refusal);
    expect(signedKeys).toEqual([]);
    return;
  }
  if (live === 'link') {
    const [creator, key] = kind === 'link' ? [ALICE, ALICE_KEY] : [BOB, BOB_KEY];
    expect(response.statusCode).toBe(302);
    expect(signedKeys).toEqual([key]);
    expect(sessionsFor).toEqual([creator]);
    return;
  }
  // The file request: a description, a 4xx for a bad body, or one PUT into alice's Inbox.
  // Only a presigned URL names the creator's folder (its path is the key); nothing else does.
  const answer = JSON.parse(response.body) as Record<string, unknown>;
  delete answer.url;
  expect(JSON.stringify(answer)).not.toContain(ALICE);
  if (response.statusCode === 200 && route === 'POST /r/{token}/uploads') {
    expect(signedKeys).toHaveLength(1);
    expect(signedKeys[0].startsWith(`users/${ALICE}/Inbox/${ID}/`)).toBe(true);
    expect(JSON.parse(response.body).method).toBe('PUT');
  } else {
    expect(signedKeys).toEqual([]);
  }
}

describe('hostile share-link and file-request visits', () => {
  it('serve only a live link as its creator allows, and refuse everything else with one identical answer', async () => {
    // Three well-formed visits of each live kind first, so the floors below hold in every run.
    const pdf = { fileName: 'a.pdf', contentType: 'application/pdf', size: 10 };
    for (let i = 0; i < 3; i++) {
      await check({ kind: 'link', token: tokens.link }, 'GET /s/{token}', undefined);
      await check({ kind: 'request', token: tokens.request }, 'GET /r/{token}', undefined);
      await check({ kind: 'request', token: tokens.request }, 'POST /r/{token}/uploads', pdf);
      await check({ kind: 'guessed', token: newToken() }, 'GET /s/{token}', undefined);
    }
    await fc.assert(
      fc.asyncProperty(
        anyToken,
        fc.constantFrom('GET /s/{token}', 'GET /r/{token}', 'POST /r/{token}/uploads'),
        uploadBody,
        check,
      ),
      { numRuns: RUNS.visits },
    );
    expect(JSON.parse(refusal.body)).toEqual(REFUSAL_BODY);
    // Every kind of answer was reached, not only refusals.
    for (const reached of [
      'GET /s/{token} 302',
      'GET /r/{token} 200',
      'POST /r/{token}/uploads 200',
      'GET /s/{token} 404',
    ]) {
      expect([reached, outcomes[reached] ?? 0]).toEqual([reached, expect.any(Number)]);
      expect(outcomes[reached]).toBeGreaterThanOrEqual(3);
    }
  });

  it('a user shares only existing keys they may read: never another user’s, never a team folder they are not in', async () => {
    const key = fc.oneof(
      fc.constantFrom(
        ALICE_KEY,
        BOB_KEY,
        `teams/finance/${ID}/x.pdf`,
        `users/${ALICE}/../${BOB}/${ID}/bob.pdf`,
      ),
      fc.string({ maxLength: 60 }).map((s) => `users/${ALICE}/${s}`),
      fc.string({ maxLength: 60 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(ALICE, BOB), key, async (sub, candidate) => {
        const created = await owner(sub, 'POST', '/share-links', { key: candidate });
        expect(created.status).toBeLessThan(500);
        if (created.status === 200) {
          expect(OBJECTS.has(candidate)).toBe(true);
          expect(candidate.startsWith(`users/${sub}/`)).toBe(true);
        }
      }),
      { numRuns: RUNS.shares },
    );
  });
});
