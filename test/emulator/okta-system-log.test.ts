import { oktaSystemLog } from '../../emulator/services/okta-system-log';
import { nextLink, systemLogUrl } from '../../lambda/offboarding/reconcile-core';

/**
 * The Okta stand-in's System Log (`GET /api/v1/logs`, Okta's System Log API reference): the SSWS
 * token check, the query the reconciler sends (`filter` on eventType, `since`, `limit`), `until`,
 * and paging by the `Link` header's `after` cursor. No server: the handler is called directly.
 * The reconciler reads it over HTTP in test/journeys/offboarding.test.ts.
 */
const TOKEN = 'ssws-token-0123456789';
const ORG = 'http://127.0.0.1:9';
const T0 = new Date('2026-12-02T08:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function log(now = minutes(60)) {
  const systemLog = oktaSystemLog({ apiToken: TOKEN, now: () => now });
  // null: no Authorization header (undefined would take the default)
  const get = (url: string, authorization: string | null = `SSWS ${TOKEN}`) => {
    const reply = systemLog.handle({
      method: 'GET',
      url: new URL(url),
      authorization: authorization ?? undefined,
    });
    const body = JSON.parse(String(reply.body));
    return { status: reply.status, body, link: reply.headers?.link };
  };
  return { systemLog, get };
}

const other = (systemLog: ReturnType<typeof log>['systemLog'], at: Date) =>
  systemLog.record({
    eventType: 'user.session.start',
    displayMessage: 'User login to Okta',
    target: [{ id: '00uSomeone000000000a', type: 'User' }],
    at,
  });

describe('the API token', () => {
  test.each([
    ['no Authorization header', null],
    ['a wrong token', 'SSWS not-the-token'],
    ['the token without the SSWS scheme', TOKEN],
    ['the token as a bearer token', `Bearer ${TOKEN}`],
  ])('%s gets 401 E0000011 and no events', (_label, authorization) => {
    const { systemLog, get } = log();
    systemLog.deactivate('00uCarol000000000c3', minutes(1));
    const answer = get(`${ORG}/api/v1/logs`, authorization);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ errorCode: 'E0000011' });
    expect(Array.isArray(answer.body)).toBe(false);
  });
});

describe("the reconciler's query", () => {
  test('returns only the offboarding events since `since`, as LogEvents the reconciler parses', () => {
    const { systemLog, get } = log();
    systemLog.deactivate('00uEarly00000000000e', minutes(-30)); // before since
    other(systemLog, minutes(5));
    const carol = systemLog.deactivate('00uCarol000000000c3', minutes(10));
    const answer = get(systemLogUrl(ORG, minutes(0)));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([carol]);
    expect(answer.body[0]).toMatchObject({
      eventType: 'user.lifecycle.deactivate',
      target: [{ id: '00uCarol000000000c3', type: 'User' }],
    });
  });

  test('`until` bounds the other end, and a bounded request has no next link once all is read', () => {
    const { systemLog, get } = log();
    const first = systemLog.deactivate('00uA0000000000000001', minutes(1));
    systemLog.deactivate('00uB0000000000000002', minutes(20));
    const url = new URL(systemLogUrl(ORG, minutes(0)));
    url.searchParams.set('until', minutes(10).toISOString());
    const answer = get(url.toString());
    expect(answer.body).toEqual([first]);
    expect(nextLink(answer.link ?? null)).toBeUndefined();
    expect(answer.link).toContain('rel="self"');
  });

  test('pages of `limit` follow the next link to the end; a polling request always has one, empty at the end', () => {
    const { systemLog, get } = log();
    const logged = [1, 2, 3, 4, 5].map((i) => systemLog.deactivate(`00uUser00000000000${i}`, minutes(i)));
    const url = new URL(systemLogUrl(ORG, minutes(0)));
    url.searchParams.set('limit', '2');
    const seen: unknown[] = [];
    let next: string | undefined = url.toString();
    let pages = 0;
    while (next) {
      const page = get(next);
      pages++;
      seen.push(...page.body);
      next = page.body.length === 0 ? undefined : nextLink(page.link ?? null);
      expect(next === undefined || new URL(next).origin === ORG).toBe(true);
    }
    expect(seen).toEqual(logged);
    expect(pages).toBe(4); // 2 + 2 + 1, then the polling request's empty page
  });

  test('a later poll from the last next link sees what was logged since, and only that', () => {
    const { systemLog, get } = log();
    systemLog.deactivate('00uA0000000000000001', minutes(1));
    const first = get(systemLogUrl(ORG, minutes(0)));
    const later = systemLog.deactivate('00uB0000000000000002', minutes(2));
    expect(get(nextLink(first.link ?? null)!).body).toEqual([later]);
  });
});

describe('malformed or unmodelled queries', () => {
  test.each([
    ['limit=0', 400, 'E0000001'],
    ['limit=1001', 400, 'E0000001'],
    ['limit=ten', 400, 'E0000001'],
    ['since=yesterday', 400, 'E0000001'],
    ['until=2026-13-45T00:00:00Z', 400, 'E0000001'],
    ['after=not-a-cursor', 400, 'E0000001'],
    [`filter=${encodeURIComponent('eventType co "user"')}`, 400, 'E0000031'],
    [`filter=${encodeURIComponent('target.id eq "00u1"')}`, 400, 'E0000031'],
    ['q=carol', 501, 'E0000000'],
    ['sortOrder=DESCENDING', 501, 'E0000000'],
  ])('%s gets %s %s, never events', (query, status, errorCode) => {
    const { systemLog, get } = log();
    systemLog.deactivate('00uCarol000000000c3', minutes(1));
    const answer = get(`${ORG}/api/v1/logs?${query}`);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ errorCode });
  });

  test('the log is read-only: POST gets 405', () => {
    const { systemLog } = log();
    const reply = systemLog.handle({
      method: 'POST',
      url: new URL(`${ORG}/api/v1/logs`),
      authorization: `SSWS ${TOKEN}`,
    });
    expect(reply.status).toBe(405);
  });

  test('without a filter, every event in the window is returned (the default since is 7 days back)', () => {
    const { systemLog, get } = log();
    systemLog.deactivate('00uOld00000000000001', new Date(T0.getTime() - 8 * 24 * 3600_000));
    const recent = other(systemLog, minutes(1));
    expect(get(`${ORG}/api/v1/logs`).body).toEqual([recent]);
  });
});
