import { memoryLedger } from '../../../lambda/offboarding/ledger';
import { eventKey } from '../../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../../lambda/offboarding/okta-event';
import { nextLink, reconcile, ReconcileDeps, systemLogUrl } from '../../../lambda/offboarding/reconcile-core';
import { BOB, oktaEvent } from './fixtures';

const ORG = 'https://test.okta.example';
const NOW = new Date('2026-12-02T04:00:00.000Z');

/** A System Log in memory: pages of events, each answered with a next link while there are more. */
function systemLog(pages: unknown[][], origin = ORG) {
  const requests: { url: string; authorization: string | null }[] = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    const page = Number(new URL(url).searchParams.get('after') ?? 0);
    const headers = new Headers({ 'content-type': 'application/json' });
    headers.set('link', `<${origin}/api/v1/logs?after=${page + 1}>; rel="next"`);
    return new Response(JSON.stringify(pages[page] ?? []), { status: 200, headers });
  }) as typeof fetch;
  return { fake, requests };
}

function deps(fake: typeof fetch, overrides: Partial<ReconcileDeps> = {}) {
  const queued: OffboardingJob[] = [];
  const ledger = memoryLedger();
  const d: ReconcileDeps = {
    orgUrl: ORG,
    apiToken: async () => 'ssws-token',
    fetch: fake,
    ledger,
    enqueue: async (job) => void queued.push(job),
    now: () => NOW,
    lookbackMinutes: 120,
    ...overrides,
  };
  return { d, queued, ledger };
}

describe('reconciling with Okta’s System Log', () => {
  test('asks for both offboarding event types since the lookback, with the API token', async () => {
    const { fake, requests } = systemLog([[]]);
    await reconcile(deps(fake).d);
    const url = new URL(requests[0].url);
    expect(url.origin + url.pathname).toBe(`${ORG}/api/v1/logs`);
    expect(url.searchParams.get('filter')).toBe(
      'eventType eq "user.lifecycle.deactivate" or eventType eq "user.lifecycle.delete.initiated"',
    );
    expect(url.searchParams.get('since')).toBe('2026-12-02T02:00:00.000Z');
    expect(requests[0].authorization).toBe('SSWS ssws-token');
  });

  test('queues every person the hook missed, across pages, and skips events already taken', async () => {
    const carol = '00uCarol00000000000c';
    const { fake } = systemLog([[oktaEvent(BOB)], [oktaEvent(carol, 'user.lifecycle.delete.initiated')]]);
    const { d, queued, ledger } = deps(fake);
    await ledger.claim(eventKey(oktaEvent(BOB).uuid)); // the hook had it
    const result = await reconcile(d);
    expect(result).toEqual({ pages: 3, events: 2, queued: [carol] });
    expect(queued).toEqual([expect.objectContaining({ sub: carol, source: 'reconciler' })]);
    // A second run finds nothing new.
    expect((await reconcile(d)).queued).toEqual([]);
  });

  test('never follows a next link to another origin (the token stays with the org)', async () => {
    const { fake, requests } = systemLog(
      [[oktaEvent(BOB)], [oktaEvent('00uEve0000000000000e')]],
      'https://evil.example',
    );
    const { d, queued } = deps(fake);
    await reconcile(d);
    expect(requests).toHaveLength(1);
    expect(queued.map((j) => j.sub)).toEqual([BOB]);
  });

  test('fails loudly on an error answer or a malformed event, queuing nothing from that page', async () => {
    const failing = (async () => new Response('{}', { status: 401 })) as typeof fetch;
    await expect(reconcile(deps(failing).d)).rejects.toThrow('answered 401');
    const { fake } = systemLog([[oktaEvent('../x')]]);
    const { d, queued } = deps(fake);
    await expect(reconcile(d)).rejects.toThrow('malformed');
    expect(queued).toEqual([]);
  });

  test('an event it cannot queue is released, so the next run queues it', async () => {
    const { fake } = systemLog([[oktaEvent(BOB)]]);
    const { d, queued } = deps(fake, {
      enqueue: async () => {
        throw new Error('queue down');
      },
    });
    await expect(reconcile(d)).rejects.toThrow('queue down');
    const retry = await reconcile({ ...d, enqueue: async (job) => void queued.push(job) });
    expect(retry.queued).toEqual([BOB]);
  });

  test('reads Link headers as RFC 8288 writes them', () => {
    expect(nextLink('<https://a/self>; rel="self", <https://a/next?after=1>; rel="next"')).toBe(
      'https://a/next?after=1',
    );
    expect(nextLink('<https://a/self>; rel="self"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
    expect(systemLogUrl(ORG, NOW)).toContain('limit=1000');
  });
});
