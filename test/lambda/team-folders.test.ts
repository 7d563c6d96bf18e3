import { createHandler, RequestLog } from '../../lambda/presign/handler';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import { callerTeams } from '../../lambda/presign/teams';
import { ALICE, apiEvent, BOB, parse, presignConfig, RequestOptions } from './support/fakes';

/*
 * Team folders on route 3, through the real handler with a stubbed session. The membership claim is
 * the user-pool attribute `custom:okta_teams`, which Cognito rewrites from Okta's `okta_teams` at
 * every federated sign-in ("Amazon Cognito updates the mapped attributes with the latest information
 * from the IdP",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-specifying-attribute-mapping.html),
 * and `auth_time` is "the authentication time, in Unix time format, that your user completed
 * authentication" (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
 */

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
/** The lead's dev configuration: finance (read-write), "Finance readers" → finance (read), fin, auditors. */
const TEAM_FOLDERS = ['finance=rw', 'finance=r', 'fin=rw', 'auditors=r'];
const MAX_AGE = 3600;
const SESSION = {
  accessKeyId: 'ASIASECRETKEYID00001',
  secretAccessKey: 'very-secret-access-key',
  sessionToken: 'very-secret-session-token',
  expiration: new Date(Date.now() + 3600_000),
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

function setup(objects: string[] = []) {
  const config = presignConfig({ teamFolders: TEAM_FOLDERS, teamMembershipMaxAgeSeconds: MAX_AGE });
  const logs: RequestLog[] = [];
  const sessions: { sub: string; teams?: string }[] = [];
  const listed: string[] = [];
  const signer = s3Storage({ bucket: config.bucketName, region: config.region })(SESSION);
  const storage: CallerStorage = {
    ...signer,
    exists: async (key) => objects.includes(key),
    list: async (prefix) => {
      listed.push(prefix);
      return { objects: objects.map((Key) => ({ Key, Size: 1, ETag: '"e"' })) };
    },
  };
  const invoke = createHandler({
    config,
    newId: () => ID,
    credentialsFor: async (sub, _observe, teams) => {
      sessions.push({ sub, teams });
      return SESSION;
    },
    storageFor: () => storage,
    log: (line) => logs.push(line),
  });
  const call = async (options: RequestOptions) => parse(await invoke(apiEvent(options)));
  return { call, logs, sessions, listed };
}

/** A caller whose ID token carries this membership claim, signed in at Okta `ageSeconds` ago. */
const member = (teams: unknown, ageSeconds = 60, sub = ALICE) => ({
  sub,
  claimChanges: { 'custom:okta_teams': teams, auth_time: nowSeconds() - ageSeconds },
});
const upload = (who: Partial<RequestOptions>, folder?: unknown): RequestOptions => ({
  method: 'POST',
  resource: '/uploads',
  body: {
    fileName: 'q3.xlsx',
    contentType: 'text/plain',
    size: 5,
    ...(folder === undefined ? {} : { folder }),
  },
  ...who,
});
const listing = (who: Partial<RequestOptions>, folder: string): RequestOptions => ({
  method: 'GET',
  resource: '/files',
  query: { folder },
  ...who,
});
const download = (who: Partial<RequestOptions>, key: string): RequestOptions => ({
  method: 'POST',
  resource: '/downloads',
  body: { key },
  ...who,
});

describe('GET /folders', () => {
  it('lists the caller’s fresh, configured memberships, the higher access winning', async () => {
    const { call } = setup();
    const { status, body } = await call({
      method: 'GET',
      resource: '/folders',
      ...member(':finance=r:finance=rw:auditors=r:'),
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      folders: [
        { folder: 'finance', access: 'read-write' },
        { folder: 'auditors', access: 'read' },
      ],
      stale: false,
    });
  });

  it('refuses a claim that is not a string (the authorizer’s string rendering cannot match it): 401', async () => {
    const { call } = setup();
    const { status } = await call({ method: 'GET', resource: '/folders', ...member([':finance=rw:']) });
    expect(status).toBe(401);
  });

  it('drops entries the deployment did not configure (an unknown folder, or auditors=rw)', async () => {
    const { call } = setup();
    const { body } = await call({
      method: 'GET',
      resource: '/folders',
      ...member(':payroll=rw:auditors=rw:fin=rw:'),
    });
    expect(body.folders).toEqual([{ folder: 'fin', access: 'read-write' }]);
  });

  it('says the memberships are stale, and grants none, once the sign-in is older than the maximum', async () => {
    const { call } = setup();
    const { body } = await call({
      method: 'GET',
      resource: '/folders',
      ...member(':finance=rw:', MAX_AGE + 1),
    });
    expect(body).toEqual({ folders: [], stale: true });
  });

  it.each([
    ['malformed', 'finance=rw'],
    ['without the closing colon', ':finance=rw'],
    ['with a wildcard', ':*=rw:'],
    ['absent', undefined],
    ['too long', `:${'a=r:'.repeat(64)}finance=rw:`],
  ])('grants nothing for a claim that is %s', async (_what, claim) => {
    const { call } = setup();
    const { body } = await call({ method: 'GET', resource: '/folders', ...member(claim) });
    expect(body).toEqual({ folders: [], stale: false });
  });
});

describe('team folders on uploads, listings and downloads', () => {
  it('a read-write member gets an upload URL under teams/<folder>/, signed by a session tagged with their memberships', async () => {
    const { call, sessions, logs } = setup();
    const { status, body } = await call(upload(member(':finance=rw:auditors=r:'), 'finance'));
    expect(status).toBe(200);
    expect(body.key).toBe(`teams/finance/${ID}/q3.xlsx`);
    expect(sessions).toEqual([{ sub: ALICE, teams: ':auditors=r:finance=rw:' }]);
    expect(logs[0]).toMatchObject({ sub: ALICE, folder: 'finance', status: 200, key: body.key });
  });

  it('a read member may not upload into the folder (403), and no session is made', async () => {
    const { call, sessions, logs } = setup();
    const { status, body } = await call(upload(member(':finance=r:', 60, BOB), 'finance'));
    expect([status, body.error, body.message]).toEqual([
      403,
      'Forbidden',
      'Your access to this folder is read-only',
    ]);
    expect(sessions).toEqual([]);
    expect(logs[0]).toMatchObject({ sub: BOB, folder: 'finance', status: 403 });
  });

  it('an unknown folder and a folder the caller is not in get the same 403', async () => {
    const { call } = setup();
    const notMember = await call(upload(member(':fin=rw:'), 'finance'));
    const unknown = await call(upload(member(':fin=rw:'), 'payroll'));
    expect(notMember.status).toBe(403);
    expect(unknown).toEqual(notMember);
  });

  it.each([['../users/00uBob000000000000b2'], ['teams/finance/'], ['fin*'], [''], [7], [['finance']]])(
    'a folder named %j is a bad request: folders are named, never given as prefixes',
    async (folder) => {
      const { call, sessions } = setup();
      const { status } = await call(upload(member(':finance=rw:'), folder));
      expect(status).toBe(400);
      expect(sessions).toEqual([]);
    },
  );

  it('a stale sign-in cannot upload into a folder it was a member of, and is told to sign in again', async () => {
    const { call } = setup();
    const { status, body } = await call(upload(member(':finance=rw:', MAX_AGE + 60), 'finance'));
    expect([status, body.message]).toEqual([403, expect.stringContaining('sign in again')]);
  });

  it('a stale sign-in still reaches its own prefix, with an empty okta_teams tag', async () => {
    const { call, sessions } = setup();
    const { status, body } = await call(upload(member(':finance=rw:', MAX_AGE + 60)));
    expect([status, body.key]).toEqual([200, `users/${ALICE}/${ID}/q3.xlsx`]);
    expect(sessions).toEqual([{ sub: ALICE, teams: ':' }]);
  });

  it('a read member lists the folder; only keys under teams/<folder>/ are returned', async () => {
    const { call, listed } = setup([
      'teams/finance/id/q3.xlsx',
      'teams/fin/id/other.txt',
      'teams/financex/id/leak.txt',
      `users/${ALICE}/id/mine.txt`,
    ]);
    const { status, body } = await call(listing(member(':finance=r:', 60, BOB), 'finance'));
    expect(status).toBe(200);
    expect(listed).toEqual(['teams/finance/']);
    expect(body.files.map((f: { key: string }) => f.key)).toEqual(['teams/finance/id/q3.xlsx']);
  });

  it('listing a folder of a team the caller is not in, or an unknown one, is the same 403', async () => {
    const { call, listed } = setup();
    const fin = await call(listing(member(':fin=rw:'), 'finance'));
    const unknown = await call(listing(member(':fin=rw:'), 'payroll'));
    expect(fin.status).toBe(403);
    expect(unknown).toEqual(fin);
    expect(listed).toEqual([]);
  });

  it('a read member downloads an existing key of the folder; a member of fin does not reach finance', async () => {
    const key = 'teams/finance/id/q3.xlsx';
    const { call } = setup([key]);
    const reader = await call(download(member(':finance=r:', 60, BOB), key));
    expect([reader.status, reader.body.key]).toEqual([200, key]);
    const fin = await call(download(member(':fin=rw:', 60, BOB), key));
    expect(fin.status).toBe(404);
  });

  it.each([
    'teams/finance/../fin/x',
    'teams/finance//x',
    'teams/finance/',
    'teams/financex/x',
    'teams//x',
    'teams/x',
  ])('a member of finance cannot download %j (404)', async (key) => {
    const { call } = setup([key]);
    const { status } = await call(download(member(':finance=rw:'), key));
    expect(status).toBe(404);
  });

  it('a token whose custom:okta_teams disagrees with the authorizer’s verified claim is refused (401)', async () => {
    const { call } = setup();
    const { status } = await call({
      ...upload(member(':fin=rw:'), 'finance'),
      claimOverrides: { 'custom:okta_teams': ':finance=rw:' },
    });
    expect(status).toBe(401);
  });
});

describe('callerTeams', () => {
  const config = { teamFolders: TEAM_FOLDERS, teamMembershipMaxAgeSeconds: MAX_AGE };
  const now = new Date('2026-12-01T12:00:00Z');
  const at = (age: number) => Math.floor(now.getTime() / 1000) - age;
  const teams = (payload: Record<string, unknown>) =>
    callerTeams(
      payload,
      { ...Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, String(v)])) },
      config,
      now,
    );

  it('honours the claim up to and including the maximum age, and not a second later', () => {
    expect(teams({ 'custom:okta_teams': ':fin=rw:', auth_time: at(MAX_AGE) }).tag).toBe(':fin=rw:');
    expect(teams({ 'custom:okta_teams': ':fin=rw:', auth_time: at(MAX_AGE + 1) })).toMatchObject({
      tag: ':',
      stale: true,
    });
  });

  it('does not believe a sign-in time in the future (beyond a minute of clock skew) or one that is not a number', () => {
    expect(teams({ 'custom:okta_teams': ':fin=rw:', auth_time: at(-61) }).stale).toBe(true);
    expect(teams({ 'custom:okta_teams': ':fin=rw:', auth_time: at(-60) }).stale).toBe(false);
    expect(teams({ 'custom:okta_teams': ':fin=rw:', auth_time: String(at(0)) }).stale).toBe(true);
    expect(teams({ 'custom:okta_teams': ':fin=rw:' }).stale).toBe(true);
  });

  it('sends no okta_teams tag when the deployment has no team folders', () => {
    const none = callerTeams(
      { 'custom:okta_teams': ':fin=rw:', auth_time: at(0) },
      {},
      { ...config, teamFolders: [] },
      now,
    );
    expect(none).toEqual({ folders: new Map(), stale: false });
  });
});
