import { HttpError } from '../../lambda/presign/http';
import { callerSub } from '../../lambda/presign/identity';
import { BOUND_CLAIMS } from '../../lambda/presign/token-binding';
import {
  ALICE,
  apiEvent,
  authorizerClaimsOf,
  BOB,
  callerToken,
  CLIENT_ID,
  presignConfig,
  RequestOptions,
  statusOf,
} from './support/fakes';

/*
 * The caller is the `userId` of the token's `identities` entry for the configured provider, read
 * from the Authorization header's JWT only once it agrees with the claims the authorizer verified.
 * Every event here is built through the Cognito and authorizer models (test/aws-model/).
 */
describe('caller identity', () => {
  const RULES = presignConfig();
  const files = (options: Omit<RequestOptions, 'method' | 'resource'>) =>
    apiEvent({ method: 'GET', resource: '/files', ...options });
  const identity = (userId: unknown, providerName = 'Okta') => ({
    userId,
    providerName,
    providerType: 'OIDC',
    issuer: null,
    primary: 'true',
    dateCreated: '1700000000000',
  });

  it('is the userId of the Okta identities entry of a verified ID token', () => {
    expect(callerSub(files({ sub: ALICE }), RULES)).toBe(ALICE);
  });

  it('keeps the exact case of the userId when Cognito changed the case of the username', () => {
    for (const username of [`okta_${ALICE.toLowerCase()}`, `OKTA_${ALICE.toUpperCase()}`]) {
      expect(callerSub(files({ sub: ALICE, claimChanges: { 'cognito:username': username } }), RULES)).toBe(
        ALICE,
      );
    }
  });

  it('accepts the raw token as well as Bearer <token>', () => {
    const token = callerToken(ALICE);
    const event = files({ sub: ALICE, authorization: token, claims: authorizerClaimsOf(token) });
    expect(callerSub(event, RULES)).toBe(ALICE);
  });

  it('finds the header whatever the case of its name', () => {
    const token = callerToken(ALICE);
    const event = files({
      sub: null,
      claims: authorizerClaimsOf(token),
      headers: { authorization: `Bearer ${token}` },
    });
    expect(callerSub(event, RULES)).toBe(ALICE);
  });

  it('ignores an attacker-set custom:okta_sub and email, in the token or the claims', () => {
    const event = files({
      sub: ALICE,
      claimChanges: { 'custom:okta_sub': BOB, email: `${BOB}@evil.example` },
      claimOverrides: { 'custom:okta_sub': BOB },
    });
    expect(callerSub(event, RULES)).toBe(ALICE);
  });

  it('picks the Okta entry among entries of other providers', () => {
    const claimChanges = { identities: [identity(BOB, 'Google'), identity(ALICE)] };
    expect(callerSub(files({ sub: ALICE, claimChanges }), RULES)).toBe(ALICE);
  });

  it('accepts any app client of the pool when no client ids are configured', () => {
    const event = files({ sub: ALICE, claimChanges: { aud: 'someOtherClient' } });
    expect(callerSub(event, presignConfig({ allowedClientIds: [] }))).toBe(ALICE);
    expect(statusOf(() => callerSub(event, RULES))).toBe(403);
  });

  it('follows the configured provider name', () => {
    const claimChanges = {
      identities: [identity(ALICE, 'Workforce.Okta')],
      'cognito:username': `Workforce.Okta_${ALICE}`,
    };
    expect(
      callerSub(
        files({ sub: ALICE, claimChanges }),
        presignConfig({ identityProviderName: 'Workforce.Okta' }),
      ),
    ).toBe(ALICE);
    expect(statusOf(() => callerSub(files({ sub: ALICE, claimChanges }), RULES))).toBe(403);
  });

  describe('binds the token to the verified claims', () => {
    it.each(BOUND_CLAIMS.map((name) => [name]))(
      'refuses claims whose %s disagrees with the token',
      (name) => {
        expect(statusOf(() => callerSub(files({ sub: ALICE, claimOverrides: { [name]: 'x' } }), RULES))).toBe(
          401,
        );
      },
    );

    it.each(BOUND_CLAIMS.map((name) => [name]))('refuses claims without the token’s %s', (name) => {
      expect(
        statusOf(() => callerSub(files({ sub: ALICE, claimOverrides: { [name]: undefined } }), RULES)),
      ).toBe(401);
    });

    it('compares iat as the authorizer renders it (date text), and refuses another time', () => {
      const token = callerToken(ALICE, { iat: 1469814773 });
      const claims = authorizerClaimsOf(token);
      expect(claims.iat).toBe('Fri Jul 29 17:52:53 UTC 2016');
      expect(callerSub(files({ sub: ALICE, authorization: `Bearer ${token}`, claims }), RULES)).toBe(ALICE);
      const later = { ...claims, iat: 'Fri Jul 29 17:52:54 UTC 2016' };
      expect(
        statusOf(() =>
          callerSub(files({ sub: ALICE, authorization: `Bearer ${token}`, claims: later }), RULES),
        ),
      ).toBe(401);
    });

    it('refuses another user’s genuine token sent with the caller’s claims', () => {
      const event = files({ sub: ALICE, authorization: `Bearer ${callerToken(BOB)}` });
      expect(statusOf(() => callerSub(event, RULES))).toBe(401);
    });

    it.each([
      ['no Authorization header', { authorization: null }],
      [
        'two Authorization headers',
        { authorization: [`Bearer ${callerToken(ALICE)}`, `Bearer ${callerToken(BOB)}`] },
      ],
      [
        'the same token twice',
        { authorization: [`Bearer ${callerToken(ALICE)}`, `Bearer ${callerToken(ALICE)}`] },
      ],
      ['a header that is not a JWT', { authorization: 'Bearer not-a-jwt' }],
      ['a JWT whose payload is not JSON', { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln' }],
      ['another scheme', { authorization: `Basic ${callerToken(ALICE)}` }],
    ])('refuses %s', (_name, options) => {
      expect(statusOf(() => callerSub(files({ sub: ALICE, ...options }), RULES))).toBe(401);
    });

    it('refuses a second value that only multiValueHeaders shows', () => {
      const event = files({ sub: ALICE });
      const [value] = event.multiValueHeaders.Authorization!;
      event.multiValueHeaders.authorization = [`Bearer ${callerToken(BOB)}`];
      expect(event.headers.Authorization).toBe(value);
      expect(statusOf(() => callerSub(event, RULES))).toBe(401);
    });
  });

  it.each([
    ['no authorizer', { sub: null }, 401],
    ['claims that are a string', { claims: 'sub=00uA' }, 401],
    ['an access token', { sub: ALICE, claimChanges: { token_use: 'access' } }, 403],
    ['token_use in another case', { sub: ALICE, claimChanges: { token_use: 'ID' } }, 403],
    ['another app client', { sub: ALICE, claimChanges: { aud: 'someOtherClient' } }, 403],
    ['aud as a list', { sub: ALICE, claimChanges: { aud: [CLIENT_ID] } }, 401],
    ['no identities', { sub: ALICE, claimChanges: { identities: undefined } }, 403],
    [
      'identities of another provider only',
      { sub: ALICE, claimChanges: { identities: [identity(ALICE, 'Google')] } },
      403,
    ],
    ['two Okta entries', { sub: ALICE, claimChanges: { identities: [identity(ALICE), identity(BOB)] } }, 403],
    [
      'identities as a string',
      { sub: ALICE, claimChanges: { identities: JSON.stringify([identity(ALICE)]) } },
      403,
    ],
    [
      'a username that disagrees with the entry',
      { sub: BOB, claimChanges: { 'cognito:username': `Okta_${ALICE}` } },
      403,
    ],
    [
      'a username of another provider',
      { sub: ALICE, claimChanges: { 'cognito:username': `Google_${ALICE}` } },
      403,
    ],
    [
      'a username with the sub as a prefix',
      { sub: ALICE, claimChanges: { 'cognito:username': `Okta_${ALICE}x` } },
      403,
    ],
    ['a username without the provider', { sub: ALICE, claimChanges: { 'cognito:username': ALICE } }, 403],
    [
      'a Unicode case look-alike (Kelvin sign)',
      { sub: 'k00u', claimChanges: { 'cognito:username': 'Okta_\u212A00u' } },
      403,
    ],
    ['no username', { sub: ALICE, claimChanges: { 'cognito:username': undefined } }, 403],
    ['a path in the userId', { sub: '../00uB' }, 403],
    ['a traversal inside the userId', { sub: '00uA/../00uB' }, 403],
    ['an empty userId', { sub: '' }, 403],
    ['a 65-character userId', { sub: 'a'.repeat(65) }, 403],
    ['a userId with a newline', { sub: '00uA\n' }, 403],
    ['a numeric userId', { sub: 42 }, 403],
    ['an array userId', { sub: [ALICE] }, 403],
  ])('refuses %s', (_name, options, status) => {
    expect(statusOf(() => callerSub(files(options as RequestOptions), RULES))).toBe(status);
  });

  it('never echoes a claim in its refusal', () => {
    let refusal: unknown;
    try {
      callerSub(files({ sub: BOB, claimChanges: { 'cognito:username': 'mallory<script>' } }), RULES);
    } catch (error) {
      refusal = error instanceof HttpError ? { status: error.status, message: error.message } : error;
    }
    expect(refusal).toEqual({ status: 403, message: expect.any(String) });
    expect(JSON.stringify(refusal)).not.toMatch(/mallory|00uBob/);
  });

  it('ignores identity claimed in headers', () => {
    const event = files({ sub: null, headers: { 'x-okta-sub': ALICE } });
    expect(statusOf(() => callerSub(event, RULES))).toBe(401);
  });
});
