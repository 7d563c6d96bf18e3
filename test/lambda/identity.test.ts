import { HttpError } from '../../lambda/presign/http';
import { callerSub } from '../../lambda/presign/identity';
import { ALICE, apiEvent, BOB, CLIENT_ID, presignConfig, RequestOptions, statusOf } from './support/fakes';

describe('caller identity', () => {
  const RULES = presignConfig();
  const files = (options: Omit<RequestOptions, 'method' | 'resource'>) =>
    apiEvent({ method: 'GET', resource: '/files', ...options });
  const refusal = (action: () => unknown) => {
    try {
      action();
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, message: error.message };
      throw error;
    }
    return 'ok';
  };

  it('is custom:okta_sub of a federated caller, once the immutable username agrees with it', () => {
    expect(callerSub(files({ sub: ALICE }), RULES)).toBe(ALICE);
  });

  it('keeps the case of custom:okta_sub when Cognito changed the case of the username', () => {
    for (const username of [`okta_${ALICE.toLowerCase()}`, `OKTA_${ALICE.toUpperCase()}`]) {
      expect(callerSub(files({ sub: ALICE, claimChanges: { 'cognito:username': username } }), RULES)).toBe(
        ALICE,
      );
    }
  });

  it('accepts any app client of the pool when no client ids are configured', () => {
    const event = files({ sub: ALICE, claimChanges: { aud: 'someOtherClient' } });
    expect(callerSub(event, presignConfig({ allowedClientIds: [] }))).toBe(ALICE);
    expect(statusOf(() => callerSub(event, RULES))).toBe(403);
  });

  it('accepts a token of any configured app client', () => {
    const rules = presignConfig({ allowedClientIds: ['mobileClient', CLIENT_ID] });
    expect(callerSub(files({ sub: ALICE }), rules)).toBe(ALICE);
  });

  it('follows the configured provider name', () => {
    const event = files({ sub: ALICE, claimChanges: { 'cognito:username': `Workforce.Okta_${ALICE}` } });
    expect(callerSub(event, presignConfig({ identityProviderName: 'Workforce.Okta' }))).toBe(ALICE);
    expect(statusOf(() => callerSub(event, RULES))).toBe(403);
  });

  it.each([
    ['no authorizer', { sub: null }, 401],
    ['claims that are a string', { claims: 'custom:okta_sub=00uA' }, 401],
    ['an access token', { sub: ALICE, claimChanges: { token_use: 'access' } }, 403],
    ['no token_use', { sub: ALICE, claimChanges: { token_use: undefined } }, 403],
    ['token_use in another case', { sub: ALICE, claimChanges: { token_use: 'ID' } }, 403],
    ['another app client', { sub: ALICE, claimChanges: { aud: 'someOtherClient' } }, 403],
    ['no aud', { sub: ALICE, claimChanges: { aud: undefined } }, 403],
    ['aud as a list', { sub: ALICE, claimChanges: { aud: [CLIENT_ID] } }, 403],
    // The attack: a pool-local user writes the victim's sub into their own custom:okta_sub.
    [
      'a local user claiming a victim’s sub',
      { sub: BOB, claimChanges: { 'cognito:username': 'mallory' } },
      403,
    ],
    [
      'a federated user claiming another’s sub',
      { sub: BOB, claimChanges: { 'cognito:username': `Okta_${ALICE}` } },
      403,
    ],
    [
      'a user of another provider',
      { sub: ALICE, claimChanges: { 'cognito:username': `Google_${ALICE}` } },
      403,
    ],
    [
      'a username with the sub as a prefix',
      { sub: ALICE, claimChanges: { 'cognito:username': `Okta_${ALICE}x` } },
      403,
    ],
    [
      'a username that only ends with the sub',
      { sub: ALICE, claimChanges: { 'cognito:username': `xOkta_${ALICE}` } },
      403,
    ],
    [
      'a sub that only starts the username',
      { sub: ALICE.slice(0, 10), claimChanges: { 'cognito:username': `Okta_${ALICE}` } },
      403,
    ],
    ['a username without the provider', { sub: ALICE, claimChanges: { 'cognito:username': ALICE } }, 403],
    [
      'a Unicode case look-alike (Kelvin sign)',
      { sub: 'k00u', claimChanges: { 'cognito:username': 'Okta_\u212A00u' } },
      403,
    ],
    ['no username', { sub: ALICE, claimChanges: { 'cognito:username': undefined } }, 403],
    ['a numeric username', { sub: ALICE, claimChanges: { 'cognito:username': 42 } }, 403],
    [
      'no okta_sub claim (only the user-pool sub)',
      { claims: { sub: ALICE, token_use: 'id', aud: CLIENT_ID, 'cognito:username': `Okta_${ALICE}` } },
      403,
    ],
    ['a path in the sub', { sub: '../00uB' }, 403],
    ['a traversal inside the sub', { sub: '00uA/../00uB' }, 403],
    ['an empty sub', { sub: '' }, 403],
    ['a 65-character sub', { sub: 'a'.repeat(65) }, 403],
    ['a sub with a newline', { sub: '00uA\n' }, 403],
    ['a numeric sub', { sub: 42 }, 403],
    ['an array sub', { sub: [ALICE] }, 403],
  ])('refuses %s', (_name, options, status) => {
    expect(statusOf(() => callerSub(files(options), RULES))).toBe(status);
  });

  it('never echoes a claim in its refusal', () => {
    const hostile = 'mallory<script>';
    const result = refusal(() =>
      callerSub(files({ sub: BOB, claimChanges: { 'cognito:username': hostile, aud: CLIENT_ID } }), RULES),
    );
    expect(result).toEqual({ status: 403, message: expect.any(String) });
    expect(JSON.stringify(result)).not.toMatch(/mallory|00uBob/);
  });

  it('ignores identity claimed in headers', () => {
    const event = files({ sub: null, headers: { 'x-okta-sub': ALICE } });
    expect(statusOf(() => callerSub(event, RULES))).toBe(401);
  });
});
