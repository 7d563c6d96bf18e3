import {
  CallerSessions,
  roleSessionName,
  SAFETY_MARGIN_SECONDS,
  SESSION_DURATION_SECONDS,
} from '../../lambda/presign/credentials';
import { ALICE, BOB, ROLE_ARN, stubSts } from './support/fakes';

const URL_EXPIRY = 300;

function setup(options: { lifetimeSeconds?: number; maxCallers?: number } = {}) {
  let nowMs = Date.parse('2026-05-01T12:00:00Z');
  const now = () => new Date(nowMs);
  const sts = stubSts(now, options.lifetimeSeconds);
  const sessions = new CallerSessions({
    sts,
    roleArn: ROLE_ARN,
    urlExpirySeconds: URL_EXPIRY,
    now,
    maxCallers: options.maxCallers,
  });
  return { sts, sessions, advance: (seconds: number) => (nowMs += seconds * 1000) };
}

describe('CallerSessions', () => {
  it('assumes the presign role once per caller, tagged with the caller’s okta_sub', async () => {
    const { sts, sessions } = setup();
    const credentials = await sessions.credentialsFor(ALICE);
    expect(credentials).toMatchObject({ accessKeyId: 'S3RVER', sessionToken: 'stub-session-1' });
    expect(sts.calls).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: `okta-${ALICE}`,
        DurationSeconds: SESSION_DURATION_SECONDS,
        Tags: [{ Key: 'okta_sub', Value: ALICE }],
      },
    ]);
  });

  it('never hands one caller’s session to another', async () => {
    const { sts, sessions } = setup();
    const alice = await sessions.credentialsFor(ALICE);
    const bob = await sessions.credentialsFor(BOB);
    expect(bob.sessionToken).not.toBe(alice.sessionToken);
    expect(sts.calls.map((c) => c.Tags?.[0].Value)).toEqual([ALICE, BOB]);
  });

  it('tags a team member’s session with okta_teams as well, and keys sessions by sub and memberships', async () => {
    const { sts, sessions } = setup();
    const member = await sessions.credentialsFor(ALICE, undefined, ':finance=rw:');
    expect(sts.calls[0].Tags).toEqual([
      { Key: 'okta_sub', Value: ALICE },
      { Key: 'okta_teams', Value: ':finance=rw:' },
    ]);
    // Same sub, other memberships (left finance): a new session, never the one tagged finance.
    const left = await sessions.credentialsFor(ALICE, undefined, ':');
    expect(left.sessionToken).not.toBe(member.sessionToken);
    expect(sts.calls[1].Tags).toEqual([
      { Key: 'okta_sub', Value: ALICE },
      { Key: 'okta_teams', Value: ':' },
    ]);
    expect(await sessions.credentialsFor(ALICE, undefined, ':finance=rw:')).toBe(member);
    expect(sts.calls).toHaveLength(2);
  });

  it('reuses a session while it outlives a new URL by the safety margin, then refreshes', async () => {
    const { sts, sessions, advance } = setup();
    const first = await sessions.credentialsFor(ALICE);
    const lastReuse = SESSION_DURATION_SECONDS - URL_EXPIRY - SAFETY_MARGIN_SECONDS;
    advance(lastReuse);
    expect(await sessions.credentialsFor(ALICE)).toBe(first);
    advance(1);
    const second = await sessions.credentialsFor(ALICE);
    expect(second).not.toBe(first);
    expect(sts.calls).toHaveLength(2);
    expect(second.expiration.getTime() - first.expiration.getTime()).toBe((lastReuse + 1) * 1000);
  });

  it('refuses a session too short to outlive the URLs it would sign', async () => {
    const { sessions } = setup({ lifetimeSeconds: URL_EXPIRY + SAFETY_MARGIN_SECONDS - 1 });
    await expect(sessions.credentialsFor(ALICE)).rejects.toThrow('too short');
  });

  it('forgets the least recently used caller beyond its bound', async () => {
    const { sts, sessions } = setup({ maxCallers: 2 });
    await sessions.credentialsFor('00uA');
    await sessions.credentialsFor('00uB');
    await sessions.credentialsFor('00uA'); // now B is the least recently used
    await sessions.credentialsFor('00uC');
    expect(sessions.size).toBe(2);
    await sessions.credentialsFor('00uA');
    await sessions.credentialsFor('00uB');
    expect(sts.calls.map((c) => c.Tags?.[0].Value)).toEqual(['00uA', '00uB', '00uC', '00uB']);
  });

  it('fails, and caches nothing, when STS returns no credentials', async () => {
    const sessions = new CallerSessions({
      sts: { send: async () => ({ $metadata: {} }) },
      roleArn: ROLE_ARN,
      urlExpirySeconds: URL_EXPIRY,
    });
    await expect(sessions.credentialsFor(ALICE)).rejects.toThrow('no credentials');
    expect(sessions.size).toBe(0);
  });
});

describe('roleSessionName', () => {
  it.each([
    ['00u1a2b3c4D5e6F7g8h9', 'okta-00u1a2b3c4D5e6F7g8h9'],
    ['a', 'okta-a'],
    ['x'.repeat(64), `okta-${'x'.repeat(59)}`],
  ])('names %s’s session %s, within STS’s rules', (sub, expected) => {
    expect(roleSessionName(sub)).toBe(expected);
    expect(roleSessionName(sub)).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
