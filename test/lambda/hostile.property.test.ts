import * as fc from 'fast-check';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { encodePageToken } from '../../lambda/presign/core';
import { createHandler } from '../../lambda/presign/handler';
import { MAX_PARTS_PER_REQUEST, partLength, partPlan } from '../../lambda/presign/multipart';
import { CallerStorage, s3Storage } from '../../lambda/presign/s3';
import { authenticate, flattenClaims } from '../../emulator/model/apigateway-cognito-authorizer';
import {
  ALICE,
  ALLOWED_ORIGIN,
  apiEvent,
  authorizerClaimsOf,
  BOB,
  callerToken,
  CLIENT_ID,
  METHOD_AUTHORIZATION,
  presignConfig,
  RequestOptions,
} from './support/fakes';

/*
 * Hostile requests through the real handler. Signing is real (it is local); the STS session and
 * S3's HEAD/LIST answers are stubbed, with a listing that also returns another user's object.
 * Identities are hostile too, and every token is signed by the modelled user pool and passed
 * through the modelled authorizer's signature, issuer and expiry checks (the Lambda must judge the
 * token's use itself, in case a method gains scopes): access tokens, other clients, `identities` entries for other
 * providers, two Okta entries, user ids with bad characters, usernames that disagree with the
 * entry, an attacker-set `custom:okta_sub` (to be ignored), a second Authorization header, another
 * user's token in the header, and authorizer claims that disagree with the token on each bound claim.
 * Team folders too: `custom:okta_teams` forged (authorizer claim differs), malformed, naming
 * unconfigured folders or access, with a stale or future `auth_time`; folders in bodies and queries
 * that are unknown, not the caller's, read-only for uploads, or prefixes in disguise.
 */

/** The lead's dev team folders: finance (read-write), "Finance readers" → finance (read), fin, auditors. */
const TEAM_FOLDERS = ['finance=rw', 'finance=r', 'fin=rw', 'auditors=r'];
const MAX_AGE = 3600;
const CONFIG = presignConfig({ teamFolders: TEAM_FOLDERS, teamMembershipMaxAgeSeconds: MAX_AGE });
const OTHER = '00uOther000000000000';
const HOST = `${CONFIG.bucketName}.s3.${CONFIG.region}.amazonaws.com`;
const SESSION = {
  accessKeyId: 'ASIAFAKEFAKEFAKEFAKE',
  secretAccessKey: 'fake-secret',
  sessionToken: 'fake-token',
  expiration: new Date(Date.now() + 3600_000),
};
const RUNS = { uploads: 1000, downloads: 300, listings: 200, anything: 300, teams: 500, multipart: 600 };
/** The upload S3 holds for every key in this stub: three parts of a 12 MiB file, all there. */
const STORED_SIZE = 12 * 1024 * 1024;
const KNOWN_UPLOAD = 'upload-0f8fad5b';

let requestsRun = 0;
const statusCounts: Record<number, number> = {};
/** Requests by what their claims say (see claimsVerdict). */
const verdicts: Record<string, number> = {};
/** Successes whose username differed in case from `Okta_<custom:okta_sub>`. */
let acceptedInOtherCase = 0;
/** Keys signed or checked, and prefixes listed, during the current request. */
let touchedKeys: string[] = [];
/** Successful multipart requests, by resource. */
const multipartSuccesses: Record<string, number> = {};
/** Successful requests that reached a team folder, by route. */
const teamFolderSuccesses: Record<string, number> = {};

const signer = s3Storage({ bucket: CONFIG.bucketName, region: CONFIG.region })(SESSION);
const storage: CallerStorage = {
  presignPut: (key, upload, signing) => touch(key, signer.presignPut(key, upload, signing)),
  presignPost: (key, upload, signing) => touch(key, signer.presignPost(key, upload, signing)),
  presignGet: (key, signing) => touch(key, signer.presignGet(key, signing)),
  exists: (key) => touch(key, Promise.resolve(true)),
  versionOf: (key) => touch(key, Promise.resolve({})),
  scanStatus: (key) => touch(key, Promise.resolve({ found: true, status: 'NO_THREATS_FOUND' } as const)),
  list: async (prefix) => ({
    objects: [
      ...touchList(prefix),
      { Key: 'teams/financex/leak.txt', Size: 1, LastModified: new Date(), ETag: '"e"' },
      {
        Key: `${prefix}0f8fad5b-d9cb-469f-a165-70867728950e/mine.txt`,
        Size: 1,
        LastModified: new Date(),
        ETag: '"e"',
      },
      { Key: `users/${OTHER}/leak.txt`, Size: 1, LastModified: new Date(), ETag: '"e"' },
    ],
    nextToken: 'opaque+/=',
  }),
  createMultipartUpload: (key) => touch(key, Promise.resolve(KNOWN_UPLOAD)),
  presignUploadPart: (key, uploadId, partNumber, length, signing) =>
    touch(key, signer.presignUploadPart(key, uploadId, partNumber, length, signing)),
  // S3 knows one upload id; any other is another user's or made up, and S3 answers NoSuchUpload.
  listParts: (key, uploadId) =>
    touch(
      key,
      Promise.resolve(
        uploadId === KNOWN_UPLOAD
          ? [1, 2, 3].map((partNumber) => ({
              partNumber,
              size: partLength(partPlan(STORED_SIZE), partNumber),
              etag: `"e${partNumber}"`,
            }))
          : undefined,
      ),
    ),
  completeMultipartUpload: (key) => touch(key, Promise.resolve()),
  abortMultipartUpload: (key, uploadId) => touch(key, Promise.resolve(uploadId === KNOWN_UPLOAD)),
};
const handler = createHandler({
  config: CONFIG,
  credentialsFor: async () => SESSION,
  storageFor: () => storage,
  log: () => undefined,
});

function touchList(prefix: string): never[] {
  touchedKeys.push(`${prefix}listed`);
  return [];
}

function touch<T>(key: string, result: Promise<T>): Promise<T> {
  touchedKeys.push(key);
  return result;
}

// ---- arbitraries -------------------------------------------------------------------------

/** Usually a plausible value, so that many requests get far enough to be signed. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: odd });

const validSub = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const spoofedSub = fc.oneof(
  fc.constantFrom(
    '../00uB',
    '00uA/../00uB',
    '00uA/',
    'users/00uB',
    '..',
    '',
    ' 00uA',
    '00uA\n',
    '00uA\r\nx-amz-acl: public-read',
    '%2e%2e%2f00uB',
    '00u\u202EBA',
    '*',
    '${aws:username}',
    'a'.repeat(65),
  ),
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.array(validSub, { maxLength: 2 }),
);
/** Subs that are valid, some shared with other callers' usernames, some with a `k` for the Kelvin sign. */
const claimedSub = mostly(
  fc.oneof(validSub, fc.constantFrom(ALICE, BOB, OTHER, '00ukKelvin0000000k01')),
  spoofedSub,
);
/**
 * `cognito:username` templates: `{sub}` is the claimed sub, `{lower}`/`{upper}` it in another
 * case, `{kelvin}` it with every k as the Kelvin sign (which Unicode lower-cases to `k`), and
 * `{other}` someone else. Usually the federated username that agrees with the claimed sub.
 */
const usernameTemplate = fc.oneof(
  { weight: 24, arbitrary: fc.constant('Okta_{sub}') },
  { weight: 4, arbitrary: fc.constantFrom('okta_{lower}', 'OKTA_{upper}', 'oKtA_{sub}') },
  { weight: 1, arbitrary: fc.constant('Okta_{kelvin}') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'mallory', // a pool-local user who wrote someone's sub into custom:okta_sub
      'Okta_{other}', // a federated user who did the same
      'Google_{sub}',
      'Okta_{sub}x',
      'xOkta_{sub}',
      'Okta_{sub} ',
      'Okta__{sub}',
      'Okta{sub}',
      '{sub}',
      'Okta_{other}/../{sub}',
      '',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.jsonValue()),
  },
);
/** A claim that is usually as it should be; `undefined` leaves it out. */
const usually = <T, U>(usual: T, odd: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: odd });
const identityEntry = (userId: unknown, providerName = 'Okta') => ({
  userId,
  providerName,
  providerType: 'OIDC',
  issuer: null,
  primary: 'true',
  dateCreated: '1700000000000',
});
/** `identities` changes: usually Cognito's own single entry (left as issued). */
const identitiesChange = fc.oneof(
  { weight: 10, arbitrary: fc.constant({}) },
  fc.constant({ identities: [identityEntry(OTHER, 'Google'), identityEntry('{sub}')] }),
  fc.constantFrom(
    { identities: [identityEntry('{sub}', 'Google')] },
    { identities: [identityEntry('{sub}'), identityEntry(OTHER)] },
    { identities: [identityEntry(OTHER), identityEntry('{sub}')] },
    { identities: [] },
    { identities: undefined },
    { identities: 'Okta_{sub}' },
    { identities: [identityEntry('{sub}', 'okta')] },
  ),
);
/** Tampering between the token and the request the Lambda sees. */
const tampering = fc.oneof(
  { weight: 30, arbitrary: fc.constant({}) },
  fc.record({
    claimOverrides: fc
      .tuple(
        fc.constantFrom(
          'sub',
          'aud',
          'token_use',
          'cognito:username',
          'jti',
          'iat',
          'custom:okta_teams',
          'auth_time',
        ),
        fc.constantFrom(
          'x',
          undefined,
          `Okta_${OTHER}`,
          'Fri Jul 29 17:52:53 UTC 2016',
          ':finance=rw:fin=rw:auditors=r:',
          String(Math.floor(Date.now() / 1000)),
        ),
      )
      .map(([name, value]) => ({ [name]: value })),
  }),
  fc.constantFrom<Partial<RequestOptions>>(
    { authorization: null },
    { authorization: 'Bearer a.b.c' },
    { authorization: `Bearer ${callerToken(OTHER)}` },
  ),
  fc.constant('second header' as const),
  fc.constant('raw token' as const),
);
/** Membership claims: usually well formed (configured or not), sometimes malformed or absent. */
const teamsClaim = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .subarray([
        'finance=rw',
        'finance=r',
        'fin=rw',
        'fin=r',
        'auditors=r',
        'auditors=rw',
        'payroll=rw',
        'financex=rw',
      ])
      .map((entries) => `:${entries.map((e) => `${e}:`).join('')}`),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom(
        'finance=rw',
        ':finance=rw',
        ':fin*=rw:',
        ':finance=rw:x',
        ':../users=rw:',
        ':finance=rw::',
        ':finance=w:',
        ':teams/finance=rw:',
        `:${'a=r:'.repeat(64)}finance=rw:`,
        undefined,
      ),
      fc.string(),
      fc.integer(),
    ),
  },
);
/** Seconds since the sign-in at Okta: usually fresh, often stale, sometimes in the future or not a number. */
const authAge = fc.oneof(
  { weight: 10, arbitrary: fc.integer({ min: 0, max: MAX_AGE - 120 }) },
  { weight: 2, arbitrary: fc.integer({ min: MAX_AGE + 120, max: 30 * 86400 }) },
  { weight: 1, arbitrary: fc.constantFrom(-3600, 'text' as const) },
);
const claimsOfCaller = fc
  .record({
    sub: claimedSub,
    username: usernameTemplate,
    tokenUse: usually('id', fc.constantFrom('access', 'ID', 'id ', undefined, null, ['id'])),
    aud: usually(CLIENT_ID, fc.constantFrom('someOtherClient', undefined, '', [CLIENT_ID], `${CLIENT_ID},x`)),
    identities: identitiesChange,
    customOktaSub: fc.constantFrom(undefined, OTHER, BOB),
    teams: teamsClaim,
    age: authAge,
    tamper: tampering,
  })
  .map(
    ({
      sub,
      username,
      tokenUse,
      aud,
      identities,
      customOktaSub,
      teams,
      age,
      tamper,
    }): Partial<RequestOptions> => {
      const nowSeconds = Math.floor(Date.now() / 1000);
      const claimChanges = {
        'custom:okta_teams': teams,
        auth_time: age === 'text' ? String(nowSeconds) : nowSeconds - age,
        'cognito:username': typeof username === 'string' ? fillUsername(username, sub) : username,
        token_use: tokenUse,
        aud,
        'custom:okta_sub': customOktaSub,
        // A replacer function, not a string: in a replacement string `$'` or `$&` would be expanded.
        ...JSON.parse(JSON.stringify(identities).replaceAll('"{sub}"', () => JSON.stringify(sub) ?? 'null')),
      };
      if ('identities' in identities && identities.identities === undefined)
        claimChanges.identities = undefined;
      const options = {
        sub,
        claimChanges,
        claimOverrides: customOktaSub && { 'custom:okta_sub': customOktaSub },
      };
      if (tamper === 'second header' || tamper === 'raw token') {
        const token = callerToken(sub, claimChanges);
        const claims = { ...authorizerClaimsOf(token), ...options.claimOverrides };
        const sent = tamper === 'raw token' ? token : [`Bearer ${token}`, `Bearer ${callerToken(OTHER)}`];
        return { sub: null, claims, authorization: sent };
      }
      return { ...options, ...tamper };
    },
  );
/** What the authorizer hands over: usually a caller's token and claims, sometimes nothing or junk. */
const authorization = fc.oneof(
  { weight: 14, arbitrary: claimsOfCaller },
  { weight: 1, arbitrary: fc.constant<Partial<RequestOptions>>({ sub: null }) },
  { weight: 1, arbitrary: validSub.map((s) => ({ claims: { sub: s, 'cognito:username': s } })) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.jsonValue()).map((claims) => ({ claims })) },
);

function fillUsername(template: string, sub: unknown): string {
  const text = String(sub);
  return template
    .replaceAll('{sub}', () => text)
    .replaceAll('{lower}', () => text.toLowerCase())
    .replaceAll('{upper}', () => text.toUpperCase())
    .replaceAll('{kelvin}', () => text.replace(/k/gi, '\u212A'))
    .replaceAll('{other}', OTHER);
}

const hostileName = fc.oneof(
  fc.constantFrom(
    '../../etc/passwd',
    '..',
    '.',
    '/',
    'a/b\\c',
    '..\\..\\boot.ini',
    'invoice\u202Efdp.exe',
    `users/${OTHER}/x`,
    '%2e%2e%2f',
    'a\u0000b',
    '\uD800',
    ' ',
    '\u200B\u200D',
  ),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 1100 }),
  fc.string({ unit: fc.constantFrom('.', '/', '\\', 'é', '😀', '\u202E', '\u0000', 'a'), maxLength: 1100 }),
);
const uploadBody = fc
  .tuple(
    fc.record({
      fileName: mostly(hostileName, fc.jsonValue()),
      contentType: mostly(
        fc.constantFrom('text/plain', 'image/png', 'application/json; charset=utf-8', 'a/b;x="y z"'),
        fc.oneof(fc.constantFrom('text/html\r\nx-amz-acl: x', '*/*', 'text'), fc.string(), fc.jsonValue()),
      ),
      size: mostly(
        fc.integer({ min: 1, max: CONFIG.maxUploadBytes }),
        fc.oneof(fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, 5 * 1024 ** 3), fc.jsonValue()),
      ),
    }),
    fc.record(
      {
        checksumSha256: mostly(fc.uint8Array({ minLength: 32, maxLength: 32 }).map(base64), fc.string()),
        method: mostly(fc.constantFrom('PUT', 'POST'), fc.constantFrom('GET', 'put', 1)),
      },
      { requiredKeys: [] },
    ),
    mostly(
      fc.constant({}),
      fc.record(
        {
          key: fc.constantFrom(`users/${OTHER}/planted.txt`, '../x'),
          prefix: fc.constant(`users/${OTHER}/`),
        },
        { requiredKeys: [] },
      ),
    ),
    /** Usually the caller's own prefix; sometimes a folder, named or disguised. */
    fc.oneof(
      { weight: 3, arbitrary: fc.constant({}) },
      {
        weight: 2,
        arbitrary: mostly(
          fc.constantFrom('finance', 'fin', 'auditors', 'payroll', 'financex'),
          fc.constantFrom('../users/x', 'teams/finance/', '', 'fin*', 'finance/', '..', 7, null),
        ).map((folder) => ({ folder })),
      },
    ),
  )
  .map(([required, optional, planted, folder]) => ({ ...required, ...optional, ...planted, ...folder }));
/** Key templates; `{sub}` becomes the caller's claimed sub and `{other}` another user. */
const downloadKey = fc.oneof(
  fc.constantFrom('users/{sub}/id/own.txt', 'users/{sub}/photos/2024/a b.jpg'),
  fc.constantFrom(
    'users/{sub}/../{other}/x.txt',
    'users/{sub}/./x',
    'users/{sub}//x',
    'users/{sub}/',
    'users/{sub}x/y',
    '/users/{sub}/x',
    'users/{other}/x.txt',
    'users/{sub}/\u0000',
    `users/{sub}/${'é'.repeat(600)}`,
  ),
  fc.constantFrom(
    'teams/finance/id/q3.xlsx',
    'teams/fin/id/x.txt',
    'teams/auditors/a/b.txt',
    'teams/payroll/x.txt',
    'teams/finance/../fin/x',
    'teams/financex/x',
    'teams/finance//x',
    'teams/finance/',
    'teams//x',
  ),
  fc.string(),
);
const bodyEncoding = fc.constantFrom('json', 'base64', 'raw');
const junkBody = fc.oneof(fc.jsonValue(), fc.constantFrom(null, [], 0, 'x', true, [{}]));
const headers = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  fc.constant(null),
  fc.record(
    {
      'content-type': mostly(
        fc.constantFrom('application/json', 'application/json; charset=utf-8'),
        fc.oneof(fc.constantFrom('text/plain', 'application/json\r\nX: y'), fc.string()),
      ),
      Origin: fc.constantFrom(
        ALLOWED_ORIGIN,
        `${ALLOWED_ORIGIN}.evil.example`,
        'null',
        'http://localhost:5173',
      ),
      'x-okta-sub': fc.constant(OTHER),
      'X-Amz-Security-Token': fc.string(),
    },
    { requiredKeys: [] },
  ),
);

/** Callers with valid tokens and any membership claim, age and (sometimes) a forged verified claim. */
const teamCaller = fc
  .record({
    sub: fc.constantFrom(ALICE, BOB, OTHER),
    teams: teamsClaim,
    age: authAge,
    forged: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(':finance=rw:', ':fin=rw:auditors=r:') },
    ),
  })
  .map(({ sub, teams, age, forged }): Partial<RequestOptions> => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    return {
      sub,
      claimChanges: {
        'custom:okta_teams': teams,
        auth_time: age === 'text' ? String(nowSeconds) : nowSeconds - age,
      },
      ...(forged === undefined ? {} : { claimOverrides: { 'custom:okta_teams': forged } }),
    };
  });
/** Mostly configured folders, so that enough requests succeed for the invariants to bite. */
const folderNamed = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('finance', 'fin', 'auditors') },
  { weight: 1, arbitrary: fc.constantFrom('payroll', 'financex') },
);
/** [method, resource, body, query] of a request naming a team folder or a key in one. */
type TeamRequest = readonly [
  string,
  string,
  Record<string, unknown> | undefined,
  Record<string, string> | undefined,
];
const teamRequest: fc.Arbitrary<TeamRequest> = fc.oneof(
  folderNamed.map(
    (folder) =>
      [
        'POST',
        '/uploads',
        { fileName: 'q3.xlsx', contentType: 'text/plain', size: 5, folder },
        undefined,
      ] as const,
  ),
  folderNamed.map((folder) => ['GET', '/files', undefined, { folder }] as const),
  fc
    .constantFrom(
      'teams/finance/id/q3.xlsx',
      'teams/fin/id/x.txt',
      'teams/auditors/a/b.txt',
      'teams/payroll/x.txt',
      'teams/financex/x',
      'teams/finance/../fin/x',
    )
    .map((key) => ['POST', '/downloads', { key }, undefined] as const),
  fc.constant(['GET', '/folders', undefined, undefined] as const),
);

/**
 * Three requests per route from a fresh read-write member of 'finance', run before the generated
 * ones: the floors in afterAll then hold in every run of a correct handler (random runs alone gave
 * 2 successes on one route once in CI, against about 15 usually), and fail if team folders break.
 */
function teamFolderExamples(): [Partial<RequestOptions>, TeamRequest][] {
  const member = (sub: string): Partial<RequestOptions> => ({
    sub,
    claimChanges: { 'custom:okta_teams': ':finance=rw:', auth_time: Math.floor(Date.now() / 1000) - 60 },
  });
  const requests: TeamRequest[] = [
    [
      'POST',
      '/uploads',
      { fileName: 'q3.xlsx', contentType: 'text/plain', size: 5, folder: 'finance' },
      undefined,
    ],
    ['GET', '/files', undefined, { folder: 'finance' }],
    ['POST', '/downloads', { key: 'teams/finance/id/q3.xlsx' }, undefined],
  ];
  return [ALICE, BOB, OTHER].flatMap((sub) =>
    requests.map((r): [Partial<RequestOptions>, TeamRequest] => [member(sub), r]),
  );
}

/**
 * Each multipart step, well formed, from two callers on their own keys, run before the generated
 * requests: the floors in afterAll then hold in every run of a correct handler (the status step
 * alone came up 5 times against a floor of 5 in one run), and fail if a step stops working.
 */
function multipartExamples(): [Partial<RequestOptions>, readonly [string, Record<string, unknown>]][] {
  const key = 'users/{sub}/id/film.mp4';
  const steps: (readonly [string, Record<string, unknown>])[] = [
    ['/multipart-uploads', { fileName: 'film.mp4', contentType: 'video/mp4', size: STORED_SIZE }],
    ['/multipart-uploads/parts', { key, uploadId: KNOWN_UPLOAD, size: STORED_SIZE, partNumbers: [1, 3] }],
    ['/multipart-uploads/status', { key, uploadId: KNOWN_UPLOAD }],
    ['/multipart-uploads/complete', { key, uploadId: KNOWN_UPLOAD, size: STORED_SIZE }],
    ['/multipart-uploads/abort', { key, uploadId: KNOWN_UPLOAD }],
  ];
  const callers = [ALICE, BOB, ALICE, BOB, ALICE];
  return steps.flatMap((step) =>
    callers.map((sub): [Partial<RequestOptions>, (typeof steps)[number]] => [{ sub }, step]),
  );
}

/** Usually a key the caller may write, so that enough requests get far enough to be signed. */
const multipartKey = mostly(
  fc.constantFrom('users/{sub}/id/film.mp4', 'teams/finance/id/q3.mp4', 'teams/fin/id/x.mp4'),
  downloadKey,
);
/** The multipart steps' bodies: usually plausible, with keys anyone's and ids S3's or not. */
const multipartRequest: fc.Arbitrary<readonly [string, Record<string, unknown>]> = fc.oneof(
  fc
    .record({
      fileName: mostly(hostileName, fc.jsonValue()),
      contentType: mostly(fc.constant('video/mp4'), fc.string()),
      size: multipartSize(),
      folder: fc.option(fc.constantFrom('finance', 'fin', 'auditors', 'payroll', '../users'), {
        nil: undefined,
      }),
    })
    .map((body) => ['/multipart-uploads', body] as const),
  fc
    .record({
      key: multipartKey,
      uploadId: uploadIdSent(),
      size: multipartSize(),
      partNumbers: mostly(
        fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.oneof(
          fc.constantFrom([], [0], [-1], [1, 1], [10_001], [1.5], ['1'], null),
          fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 90, maxLength: 120 }),
        ),
      ),
    })
    .map((body) => ['/multipart-uploads/parts', body] as const),
  fc
    .record({
      key: multipartKey,
      uploadId: uploadIdSent(),
      size: mostly(fc.constant(STORED_SIZE), multipartSize()),
    })
    .map((body) => ['/multipart-uploads/complete', body] as const),
  fc
    .record({ key: multipartKey, uploadId: uploadIdSent() })
    .chain((body) =>
      fc.constantFrom('/multipart-uploads/status', '/multipart-uploads/abort').map((r) => [r, body] as const),
    ),
);

function multipartSize() {
  return mostly(
    fc.oneof(
      fc.constant(STORED_SIZE),
      fc.integer({ min: 1, max: 4 * 5 * 1024 * 1024 }),
      fc.constant(CONFIG.maxMultipartUploadBytes),
    ),
    fc.oneof(
      fc.constantFrom(0, -1, 1.5, CONFIG.maxMultipartUploadBytes + 1, 2 ** 53, 10_000 * 5 * 1024 ** 3 + 1),
      fc.jsonValue(),
    ),
  );
}

function uploadIdSent() {
  return mostly(
    fc.constantFrom(KNOWN_UPLOAD, 'bobs-upload-id'),
    fc.oneof(
      fc.constantFrom('', 'a b', 'x&partNumber=9', '../x', 'a'.repeat(1025)),
      fc.string(),
      fc.integer(),
    ),
  );
}

// ---- invariants --------------------------------------------------------------------------

async function run(event: APIGatewayProxyEvent): Promise<void> {
  touchedKeys = [];
  requestsRun++;
  const response = await handler(event);
  statusCounts[response.statusCode] = (statusCounts[response.statusCode] ?? 0) + 1;
  checkResponse(event, response);
}

function checkResponse(event: APIGatewayProxyEvent, response: APIGatewayProxyResult): void {
  expect([200, 400, 401, 403, 404, 409, 413, 415]).toContain(response.statusCode);
  const verdict = claimsVerdict(event);
  verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  if (verdict !== 'agree') expect([verdict, response.statusCode]).not.toEqual([verdict, 200]);
  if (response.statusCode === 200 && caseDiffers(event)) acceptedInOtherCase++;
  const body = JSON.parse(response.body);
  expect(response.headers?.['Cache-Control']).toBe('no-store');
  const origin = event.headers?.Origin;
  const allowOrigin = response.headers?.['Access-Control-Allow-Origin'];
  expect(allowOrigin).toBe(origin && CONFIG.allowedOrigins.includes(origin) ? origin : undefined);

  if (response.statusCode !== 200) {
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect([typeof body.error, typeof body.message]).toEqual(['string', 'string']);
    return;
  }
  const caller = verifiedSub(event);
  expect(caller).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  const memberships = expectedMemberships(event);
  // Uploads need read-write; everything else reads.
  const writing = event.resource === '/uploads' || event.resource.startsWith('/multipart-uploads');
  const prefixes = [
    `users/${caller}/`,
    ...[...memberships]
      .filter(([, access]) => !writing || access === 'read-write')
      .map(([folder]) => `teams/${folder}/`),
  ];
  const keys = [
    ...touchedKeys,
    ...(body.key ? [body.key] : []),
    ...(body.files ?? []).map((f: { key: string }) => f.key),
  ];
  for (const key of keys) expectInsideOneOf(key, prefixes);
  if (keys.some((key) => key.startsWith('teams/'))) {
    const route = `${event.httpMethod} ${event.resource}`;
    teamFolderSuccesses[route] = (teamFolderSuccesses[route] ?? 0) + 1;
  }
  if (body.folders) {
    for (const { folder, access } of body.folders) expect(memberships.get(folder)).toBe(access);
  }
  if (body.url) {
    const url = new URL(body.url);
    expect(url.host).toBe(HOST);
    if (body.method !== 'POST') expect(decodeURIComponent(url.pathname.slice(1))).toBe(body.key);
  }
  if (body.fields) expect(body.fields.key).toBe(body.key);
  if (event.resource.startsWith('/multipart-uploads')) checkMultipart(event, body);
}

/**
 * This test's own reading of a multipart answer: part URLs only for the named upload and key, only
 * for part numbers asked for and inside the declared size's plan, each with its exact length
 * signed; a completion only of a size within the cap whose stored parts are exactly the plan.
 */
function checkMultipart(event: APIGatewayProxyEvent, body: Record<string, any>): void {
  const sent = JSON.parse(
    event.isBase64Encoded ? Buffer.from(event.body!, 'base64').toString() : (event.body ?? 'null'),
  );
  if (event.resource === '/multipart-uploads') {
    expect(sent.size).toBeLessThanOrEqual(CONFIG.maxMultipartUploadBytes);
    expect(body.partSize * (body.partCount - 1)).toBeLessThan(sent.size);
    expect(body.partCount).toBeLessThanOrEqual(10_000);
  }
  if (event.resource === '/multipart-uploads/parts') {
    expect(sent.size).toBeLessThanOrEqual(CONFIG.maxMultipartUploadBytes);
    expect(body.parts.length).toBeLessThanOrEqual(MAX_PARTS_PER_REQUEST);
    const plan = partPlan(sent.size);
    for (const part of body.parts) {
      expect(sent.partNumbers).toContain(part.partNumber);
      expect(part.partNumber).toBeLessThanOrEqual(plan.partCount);
      const url = new URL(part.url);
      expect(url.host).toBe(HOST);
      expect(decodeURIComponent(url.pathname.slice(1))).toBe(sent.key);
      expect(url.searchParams.get('uploadId')).toBe(sent.uploadId);
      expect(url.searchParams.get('partNumber')).toBe(String(part.partNumber));
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
      expect(part.headers['content-length']).toBe(String(partLength(plan, part.partNumber)));
    }
  }
  if (event.resource === '/multipart-uploads/complete') {
    expect([sent.uploadId, sent.size]).toEqual([KNOWN_UPLOAD, STORED_SIZE]);
  }
  multipartSuccesses[event.resource] = (multipartSuccesses[event.resource] ?? 0) + 1;
}

type Verdict =
  | 'agree'
  | 'no claims'
  | 'not one Authorization header'
  | 'claims disagree with the token'
  | 'not an ID token'
  | 'other client'
  | 'identities spoofed'
  | 'username disagrees';

/**
 * This test's own reading of the request, independent of the handler's: the one Authorization
 * value, put through the modelled authorizer, must yield the claims the event carries on every
 * claim that names the token; then an ID token of the configured client with exactly one Okta
 * `identities` entry whose userId agrees with `cognito:username` up to ASCII case.
 */
function claimsVerdict(event: APIGatewayProxyEvent): Verdict {
  const claims = claimsOf(event);
  if (claims === undefined) return 'no claims';
  const values = Object.entries(event.multiValueHeaders ?? {})
    .filter(([name]) => name.toLowerCase() === 'authorization')
    .flatMap(([, v]) => v ?? []);
  if (values.length !== 1) return 'not one Authorization header';
  // Signature, issuer and expiry; the token's use is judged below, as the Lambda must judge it itself.
  const authenticated = authenticate(values[0], METHOD_AUTHORIZATION.userPools);
  if (!authenticated) return 'claims disagree with the token';
  const rendered = flattenClaims(authenticated);
  for (const name of ['sub', 'aud', 'token_use', 'cognito:username', 'jti', 'iat']) {
    if (claims[name] !== rendered[name]) return 'claims disagree with the token';
  }
  const payload = payloadOf(values[0]);
  if (payload.token_use !== 'id') return 'not an ID token';
  if (!CONFIG.allowedClientIds.includes(payload.aud as string)) return 'other client';
  const okta = oktaEntries(payload);
  if (okta.length !== 1) return 'identities spoofed';
  const [username, sub] = [payload['cognito:username'], okta[0].userId];
  const agree =
    typeof username === 'string' &&
    typeof sub === 'string' &&
    /^[A-Za-z0-9_-]{1,64}$/.test(sub) &&
    /^[\x20-\x7e]*$/.test(username) &&
    username.toLowerCase() === `okta_${sub}`.toLowerCase();
  return agree ? 'agree' : 'username disagrees';
}

function payloadOf(authorizationValue: string): Record<string, unknown> {
  const token = authorizationValue.replace(/^Bearer /i, '');
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
}

function oktaEntries(payload: Record<string, unknown>): Record<string, unknown>[] {
  const entries = Array.isArray(payload.identities) ? payload.identities : [];
  return entries.filter((e) => asRecord(e)?.providerName === 'Okta');
}

/** The sub a successful request must have used: the Okta entry's userId, case as given. */
function verifiedSub(event: APIGatewayProxyEvent): unknown {
  expect(claimsVerdict(event)).toBe('agree');
  const value = Object.entries(event.multiValueHeaders ?? {}).find(
    ([n]) => n.toLowerCase() === 'authorization',
  )![1]![0];
  return oktaEntries(payloadOf(value))[0].userId;
}

function caseDiffers(event: APIGatewayProxyEvent): boolean {
  const claims = claimsOf(event);
  return claims?.['cognito:username'] !== `Okta_${String(verifiedSub(event))}`;
}

function claimsOf(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  return asRecord((event.requestContext.authorizer as { claims?: unknown } | null)?.claims);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * This test's own reading of which team folders a request may reach, at most: a sign-in at most
 * MAX_AGE seconds old (and not in the future), a claim of `:<folder>=<r|rw>:` entries of at most
 * 256 characters, each entry one the deployment configured; read-write wins over read.
 */
function expectedMemberships(event: APIGatewayProxyEvent): Map<string, string> {
  const memberships = new Map<string, string>();
  const payload = payloadOf(authorizationValueOf(event));
  const [authTime, claim] = [payload.auth_time, payload['custom:okta_teams']];
  const now = Date.now() / 1000;
  if (typeof authTime !== 'number' || now - authTime > MAX_AGE || authTime > now + 60) return memberships;
  if (typeof claim !== 'string' || claim.length > 256 || !/^:(?:[^:=]+=(?:r|rw):)*$/.test(claim)) {
    return memberships;
  }
  for (const entry of claim.split(':').filter((e) => TEAM_FOLDERS.includes(e))) {
    const [folder, level] = entry.split('=');
    if (level === 'rw' || !memberships.has(folder)) {
      memberships.set(folder, level === 'rw' ? 'read-write' : 'read');
    }
  }
  return memberships;
}

function authorizationValueOf(event: APIGatewayProxyEvent): string {
  return Object.entries(event.multiValueHeaders ?? {}).find(
    ([n]) => n.toLowerCase() === 'authorization',
  )![1]![0];
}

function expectInsideOneOf(key: string, prefixes: string[]): void {
  const prefix = prefixes.find((p) => key.startsWith(p));
  expect([key, prefix]).toEqual([key, expect.any(String)]);
  expectInsidePrefix(key, prefix!);
}

function expectInsidePrefix(key: string, prefix: string): void {
  expect(key.startsWith(prefix)).toBe(true);
  expect(key.split('/').filter((s) => s === '..' || s === '.' || s === '')).toEqual([]);
  expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
}

function encodeBody(body: unknown, encoding: string): Partial<APIGatewayProxyEvent> {
  const text = encoding === 'raw' && typeof body === 'string' ? body : JSON.stringify(body);
  return encoding === 'base64'
    ? { body: Buffer.from(text ?? '').toString('base64'), isBase64Encoded: true }
    : { body: text ?? null };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function request(
  method: string,
  resource: string,
  auth: Partial<RequestOptions>,
  body: unknown,
  encoding: string,
  requestHeaders: Record<string, string> | null | undefined,
  query?: Record<string, string>,
): APIGatewayProxyEvent {
  return {
    ...apiEvent({ method, resource, ...auth, headers: requestHeaders, query }),
    ...encodeBody(body, encoding),
  };
}

// ---- properties --------------------------------------------------------------------------

describe('hostile requests', () => {
  afterAll(() => {
    console.log(
      `hostile requests run through the handler: ${requestsRun}, by status ${JSON.stringify(statusCounts)}, ` +
        `by claims ${JSON.stringify(verdicts)}, accepted with the username in another case: ${acceptedInOtherCase}, ` +
        `team-folder successes by route ${JSON.stringify(teamFolderSuccesses)}, ` +
        `multipart successes by resource ${JSON.stringify(multipartSuccesses)}`,
    );
    // Each floor says that enough requests of a kind came up for the invariants on them to bite.
    // All are checked together, so that a run falling short shows every count at once.
    const floors: [string, number, number][] = [
      // About 15 per route in 500 team runs, plus the 3 examples per route that run first.
      ...['POST /uploads', 'POST /downloads', 'GET /files'].map((route): [string, number, number] => [
        `team-folder successes, ${route}`,
        teamFolderSuccesses[route] ?? 0,
        3,
      ]),
      ['requests run', requestsRun, 2300],
      // Every kind of spoofed identity.
      ...[
        'no claims',
        'not one Authorization header',
        'claims disagree with the token',
        'not an ID token',
        'other client',
        'identities spoofed',
        'username disagrees',
      ].map((verdict): [string, number, number] => [`claims: ${verdict}`, verdicts[verdict] ?? 0, 30]),
      ['accepted with the username in another case', acceptedInOtherCase, 5], // about 30 usually
      // Every multipart step.
      ...['', '/parts', '/status', '/complete', '/abort'].map((step): [string, number, number] => [
        `multipart successes, /multipart-uploads${step}`,
        multipartSuccesses[`/multipart-uploads${step}`] ?? 0,
        5,
      ]),
      // Enough requests got through for the invariants on signed URLs to mean something.
      ['status 200', statusCounts[200] ?? 0, 150],
    ];
    const shortfalls = floors
      .filter(([, count, floor]) => count < floor)
      .map(([what, count, floor]) => `${what}: ${count} < ${floor}`);
    expect(shortfalls).toEqual([]);
  });

  it('POST /uploads never signs outside the caller’s prefix or a read-write folder of theirs, and never fails with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        authorization,
        mostly(uploadBody, junkBody),
        bodyEncoding,
        headers,
        async (auth, body, encoding, requestHeaders) => {
          await run(request('POST', '/uploads', auth, body, encoding, requestHeaders));
        },
      ),
      { numRuns: RUNS.uploads },
    );
  });

  it('POST /downloads signs only well-formed keys of the caller’s own or of their fresh memberships’ folders', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, downloadKey, headers, async (auth, template, requestHeaders) => {
        const key = template
          .replaceAll('{sub}', () => String(('sub' in auth && auth.sub) || ''))
          .replaceAll('{other}', OTHER);
        await run(request('POST', '/downloads', auth, { key }, 'json', requestHeaders));
      }),
      { numRuns: RUNS.downloads },
    );
  });

  it('GET /files lists only the caller’s prefix or a folder of a fresh, configured membership, whatever the token', async () => {
    await fc.assert(
      fc.asyncProperty(
        authorization,
        fc.option(fc.oneof(fc.string(), fc.string().map(encodePageToken)), { nil: undefined }),
        fc.option(
          mostly(
            fc.constantFrom('finance', 'fin', 'auditors', 'payroll', 'financex'),
            fc.oneof(fc.constantFrom('../users', 'teams/finance/', '', 'finance/', '*'), fc.string()),
          ),
          { nil: undefined, freq: 2 },
        ),
        async (auth, nextToken, folder) => {
          const query =
            nextToken === undefined && folder === undefined
              ? undefined
              : {
                  ...(nextToken === undefined ? {} : { nextToken }),
                  ...(folder === undefined ? {} : { folder }),
                };
          await run(request('GET', '/files', auth, undefined, 'json', undefined, query));
        },
      ),
      { numRuns: RUNS.listings },
    );
  });

  it('team folders: a URL only into folders of fresh, configured memberships, writes only for read-write', async () => {
    await fc.assert(
      fc.asyncProperty(teamCaller, teamRequest, async (auth, [method, resource, body, query]) => {
        await run(request(method, resource, auth, body, 'json', undefined, query));
      }),
      { numRuns: RUNS.teams, examples: teamFolderExamples() },
    );
  });

  it('multipart: part URLs only for the caller’s writable keys and the named upload, within the declared plan and the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: authorization }, { weight: 2, arbitrary: teamCaller }),
        multipartRequest,
        async (auth, [resource, body]) => {
          const key =
            typeof (body as { key?: unknown }).key === 'string'
              ? (body as { key: string }).key
                  .replaceAll('{sub}', () => String(('sub' in auth && auth.sub) || ''))
                  .replaceAll('{other}', OTHER)
              : undefined;
          const sent = key === undefined ? body : { ...body, key };
          await run(request('POST', resource, auth, sent, 'json', undefined));
        },
      ),
      { numRuns: RUNS.multipart, examples: multipartExamples() },
    );
  });

  it('any method, resource and body gets a JSON answer below 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'post'),
        fc.oneof(
          fc.constantFrom(
            '/uploads',
            '/files',
            '/downloads',
            '/folders',
            '/multipart-uploads',
            '/multipart-uploads/parts',
            '/multipart-uploads/complete',
            '/',
            '/uploads/..',
            '/{proxy+}',
            'constructor',
            '__proto__',
          ),
          fc.string(),
        ),
        authorization,
        fc.oneof(uploadBody, junkBody),
        bodyEncoding,
        async (method, resource, auth, body, encoding) => {
          await run(request(method, resource, auth, body, encoding, undefined));
        },
      ),
      { numRuns: RUNS.anything },
    );
  });
});
