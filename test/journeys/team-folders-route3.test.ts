import { randomBytes } from 'crypto';
import { federatedIdTokenClaims, signWithPool } from '../../emulator/model/cognito-id-token';
import { resolvedStack } from '../iam/stack-under-test';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes } from './route-clients';

/*
 * Team folders through route 3, end to end: an Okta token carrying okta_teams, federated sign-in
 * at the user-pool stand-in (which maps it to custom:okta_teams by the template's AttributeMapping),
 * the authorizer model, the REAL presign handler assuming the presign role with the okta_sub and
 * okta_teams session tags through the STS stand-in (trust from the template), and the SigV4 S3
 * server behind the IAM-enforcing front. The test configuration's dev environment has finance
 * (read-write), "Finance readers" on finance (read), fin (read-write) and auditors (read), and the
 * default membership age of 60 minutes.
 */

const { template, ids } = resolvedStack();
const ALICE = '00uR3ALICE0000000001'; // finance, read-write
const BOB = '00uR3BOB000000000002'; // finance, read
const CAROL = '00uR3CAROL0000000003'; // no team
const ERIN = '00uR3ERIN00000000005'; // fin, read-write: the prefix-extension pair of folders
const MAX_AGE_SECONDS = 3600;

let okta: OidcIssuer;
let stack: LocalStack;
aroundLocalStack(template, (running) => ({ okta, stack } = running));

const { teams, route3, s3With, attemptsOn } = journeyRoutes(() => ({
  stack,
  okta,
  webIdentityRoleArn: template.getAtt(ids.webIdentityRole, 'Arn'),
}));

type Route3 = Awaited<ReturnType<typeof route3>>;

/** A presigned upload into a team folder, then the PUT the client makes with it. */
async function uploadInto(user: Route3, folder: string, bytes: Buffer) {
  const presigned = await user.call('POST', '/uploads', {
    fileName: 'q3-report.csv',
    contentType: 'text/csv',
    size: bytes.length,
    folder,
  });
  if (presigned.status !== 200) return { status: presigned.status, body: presigned.body };
  const put = await fetch(presigned.body.url, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: { 'content-type': 'text/csv' },
  });
  return { status: put.status, key: presigned.body.key as string };
}

/** The presign role's session the handler made for `sub` (the tagged credentials that signed its URLs). */
function presignSessionsOf(sub: string) {
  return stack.sessions.all().filter((s) => s.tags.okta_sub === sub && s.roleLogicalId === ids.presignRole);
}

const bytes = randomBytes(2048);
let key: string;

beforeAll(async () => {
  teams.set(ALICE, ':finance=rw:');
  teams.set(BOB, ':finance=r:');
  teams.set(CAROL, ':');
  teams.set(ERIN, ':fin=rw:');
  const uploaded = await uploadInto(await route3(ALICE), 'finance', bytes);
  expect(uploaded.status).toBe(200);
  key = uploaded.key!;
});

describe('team folders on route 3', () => {
  test('alice (finance, read-write) uploads under teams/finance/ and bob (finance, read) downloads the same bytes', async () => {
    expect(key).toMatch(/^teams\/finance\/[0-9a-f-]{36}\/q3-report\.csv$/);
    const bob = await route3(BOB);
    expect(await bob.call('GET', '/folders')).toEqual({
      status: 200,
      body: { folders: [{ folder: 'finance', access: 'read' }], stale: false },
    });
    const listed = await bob.call('GET', '/files?folder=finance');
    expect(listed.body.files.map((f: { key: string }) => f.key)).toContain(key);
    const got = await bob.download(key);
    expect(got.status).toBe(200);
    expect(got.bytes!.equals(bytes)).toBe(true);
  });

  test('carol (no team) is refused the folder: the same 403 as for a folder that does not exist', async () => {
    const carol = await route3(CAROL);
    const finance = await carol.call('GET', '/files?folder=finance');
    expect(finance.status).toBe(403);
    expect(await carol.call('GET', '/files?folder=payroll')).toEqual(finance);
    expect((await carol.download(key)).status).toBe(404);
    expect((await uploadInto(carol, 'finance', bytes)).status).toBe(403);
  });

  test('bob’s upload is refused by the handler, and his own presign session is refused by IAM', async () => {
    const bob = await route3(BOB);
    expect(await uploadInto(bob, 'finance', bytes)).toMatchObject({ status: 403 });
    // What a handler bug would yield: bob's own tagged session signing a write into the folder.
    const sessions = presignSessionsOf(BOB);
    expect(sessions.map((s) => s.tags.okta_teams)).toContain(':finance=r:');
    const client = s3With(async () => sessions[sessions.length - 1].credentials);
    const attempts = await attemptsOn(client, key, 'teams/finance/');
    expect({ put: attempts.put, delete: attempts.delete }).toEqual({
      put: 'AccessDenied 403',
      delete: 'AccessDenied 403',
    });
    expect(attempts.decided).toEqual([
      's3:GetObject Allowed',
      's3:PutObject ImplicitlyDenied',
      's3:DeleteObject ImplicitlyDenied',
      's3:ListBucket Allowed',
    ]);
  });

  test('the fin/finance pair does not leak: erin (fin) is refused by the handler, and her session by IAM', async () => {
    const erin = await route3(ERIN);
    expect((await erin.call('GET', '/files?folder=finance')).status).toBe(403);
    expect((await erin.download(key)).status).toBe(404);
    const own = await uploadInto(erin, 'fin', Buffer.from('fin'));
    expect(own.key).toMatch(/^teams\/fin\//);
    const session = presignSessionsOf(ERIN).at(-1)!;
    expect(session.tags.okta_teams).toBe(':fin=rw:');
    const attempts = await attemptsOn(
      s3With(async () => session.credentials),
      key,
      'teams/finance/',
    );
    expect(attempts.decided).toEqual([
      's3:GetObject ImplicitlyDenied',
      's3:PutObject ImplicitlyDenied',
      's3:DeleteObject ImplicitlyDenied',
      's3:ListBucket ImplicitlyDenied',
    ]);
  });

  test('bob leaves finance: his next sign-in no longer reaches teams/finance/', async () => {
    teams.set(BOB, ':'); // removed from "Finance readers" in Okta: his next Okta token says so
    const bob = await route3(BOB); // a new federated sign-in rewrites custom:okta_teams
    expect(await bob.call('GET', '/folders')).toEqual({ status: 200, body: { folders: [], stale: false } });
    expect((await bob.call('GET', '/files?folder=finance')).status).toBe(403);
    expect((await bob.download(key)).status).toBe(404);
    // His own files still work, through a new session tagged without finance (sessions are keyed
    // by sub and memberships, so the one tagged :finance=r: is never reused for him).
    await bob.listKeys();
    expect(presignSessionsOf(BOB).at(-1)!.tags.okta_teams).toBe(':');
  });

  test('bob’s sign-in ages past the maximum: a refreshed token still names finance, and is not believed', async () => {
    teams.set(BOB, ':finance=r:');
    const bob = await route3(BOB);
    expect((await bob.download(key)).status).toBe(200);
    // A refresh-token grant re-issues the ID token from the pool's stored attributes with the
    // sign-in's auth_time: Okta is not asked again. Signed by the pool, as Cognito would.
    const old = Math.floor(Date.now() / 1000) - MAX_AGE_SECONDS - 60;
    const refreshed = JSON.parse(
      Buffer.from(stack.userPool.idTokenFor(BOB).split('.')[1], 'base64url').toString(),
    );
    expect(refreshed['custom:okta_teams']).toBe(':finance=r:');
    const aged = signWithPool(stack.userPool.pool, {
      ...federatedIdTokenClaims(stack.userPool.pool, {
        oktaSub: BOB,
        providerName: stack.userPool.providerName,
        clientId: stack.userPool.clientId,
        authTime: old,
      }),
      'custom:okta_teams': ':finance=r:',
    });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.api.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${aged}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await call('GET', '/folders')).toEqual({ status: 200, body: { folders: [], stale: true } });
    expect((await call('GET', '/files?folder=finance')).status).toBe(403);
    expect((await call('POST', '/downloads', { key })).status).toBe(404);
  });

  test('every request is in the handler’s log with the caller’s sub, and the folder it named', () => {
    const named = stack.api.logs.filter((l) => l.folder === 'finance');
    expect(named.length).toBeGreaterThan(0);
    for (const line of stack.api.logs)
      expect(line.sub === undefined || /^00uR3/.test(line.sub) || line.status >= 400).toBe(true);
    expect(named.map((l) => l.sub)).toEqual(expect.arrayContaining([ALICE, BOB, CAROL, ERIN]));
  });
});
