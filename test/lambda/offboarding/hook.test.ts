import {
  handleHookRequest,
  HookDeps,
  HookLog,
  REFUSED,
  sameSecret,
} from '../../../lambda/offboarding/hook-core';
import { memoryLedger } from '../../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../../lambda/offboarding/okta-event';
import { BOB, delivery, oktaEvent, SECRET } from './fixtures';

function hook(overrides: Partial<HookDeps> = {}) {
  const queued: OffboardingJob[] = [];
  const logs: HookLog[] = [];
  const ledger = memoryLedger();
  const deps: HookDeps = {
    secret: async () => SECRET,
    ledger,
    enqueue: async (job) => void queued.push(job),
    log: (entry) => logs.push(entry),
    ...overrides,
  };
  const post = (body: string | null, authorization: string | null = SECRET) =>
    handleHookRequest(
      { method: 'POST', headers: authorization === null ? {} : { authorization }, body },
      deps,
    );
  return { deps, queued, logs, ledger, post };
}

describe('the one-time verification', () => {
  test('echoes Okta’s challenge as {"verification": ...}', async () => {
    const { deps } = hook();
    const answer = await handleHookRequest(
      { method: 'GET', headers: { 'x-okta-verification-challenge': 'X3VwXzBrPx7PnbDYZi0c' }, body: null },
      deps,
    );
    expect(answer).toEqual({ statusCode: 200, body: '{"verification":"X3VwXzBrPx7PnbDYZi0c"}' });
  });

  test.each([
    ['no challenge', {}],
    ['a challenge with markup', { 'x-okta-verification-challenge': '<script>' }],
    ['an empty challenge', { 'x-okta-verification-challenge': '' }],
  ])('refuses a GET with %s, as every refusal', async (_, headers) => {
    const { deps } = hook();
    expect(await handleHookRequest({ method: 'GET', headers, body: null }, deps)).toEqual(REFUSED);
  });
});

describe('a delivery', () => {
  test('with the secret queues the person and answers 200', async () => {
    const { post, queued, logs } = hook();
    const answer = await post(delivery([oktaEvent(BOB)]));
    expect(answer.statusCode).toBe(200);
    expect(queued.map((j) => j.sub)).toEqual([BOB]);
    expect(logs).toEqual([
      expect.objectContaining({ outcome: 'queued', subs: [BOB], eventId: expect.any(String) }),
    ]);
  });

  test('naming a person whose event was already queued (by the reconciler) is answered, not queued again', async () => {
    const { post, queued } = hook();
    await post(delivery([oktaEvent(BOB)], 'delivery-1'));
    const second = await post(delivery([oktaEvent(BOB)], 'delivery-2'));
    expect(second.statusCode).toBe(200);
    expect(queued).toHaveLength(1);
  });

  test('that cannot be queued answers 503 and can be retried by Okta with the same id', async () => {
    let fail = true;
    const { post, queued } = hook({
      enqueue: async (job) => {
        if (fail) throw Object.assign(new Error('down'), { name: 'ServiceUnavailable' });
        queued.push(job);
      },
    });
    expect((await post(delivery([oktaEvent(BOB)]))).statusCode).toBe(503);
    fail = false;
    expect((await post(delivery([oktaEvent(BOB)]))).statusCode).toBe(200);
    expect(queued.map((j) => j.sub)).toEqual([BOB]);
  });
});

describe('hostile requests: one uniform 403, nothing queued', () => {
  const body = delivery([oktaEvent(BOB)]);
  test.each([
    ['no Authorization header', body, null],
    ['a wrong secret', body, 'okta-hook-secret-0123456789abcdeX'],
    ['the secret with a prefix', body, `Bearer ${SECRET}`],
    ['the secret as a prefix', body, SECRET.slice(0, -1)],
    ['an empty secret', body, ''],
    ['a malformed body', '{"eventType":', SECRET],
    ['no body', null, SECRET],
    ['a body of another shape', JSON.stringify([oktaEvent(BOB)]), SECRET],
    ['a traversal in the user id', delivery([oktaEvent('..')]), SECRET],
  ])('%s', async (_, requestBody, authorization) => {
    const { post, queued, ledger } = hook();
    expect(await post(requestBody, authorization)).toEqual(REFUSED);
    expect(queued).toEqual([]);
    expect(ledger.keys.size).toBe(0);
  });

  test('a replayed delivery (same eventId, valid secret) is refused the second time', async () => {
    const { post, queued, logs } = hook();
    expect((await post(body)).statusCode).toBe(200);
    expect(await post(body)).toEqual(REFUSED);
    expect(queued).toHaveLength(1);
    expect(logs.at(-1)).toEqual(expect.objectContaining({ outcome: 'refused', reason: 'replayed delivery' }));
  });

  test('the Authorization header sent twice is refused', async () => {
    const { deps, queued } = hook();
    const answer = await handleHookRequest(
      {
        method: 'POST',
        headers: { authorization: SECRET },
        multiValueHeaders: { authorization: [SECRET, SECRET] },
        body,
      },
      deps,
    );
    expect(answer).toEqual(REFUSED);
    expect(queued).toEqual([]);
  });

  test.each(['PUT', 'DELETE', 'PATCH'])('method %s is refused', async (method) => {
    const { deps, queued } = hook();
    expect(await handleHookRequest({ method, headers: { authorization: SECRET }, body }, deps)).toEqual(
      REFUSED,
    );
    expect(queued).toEqual([]);
  });

  test('an unset (empty) secret refuses everything, even an empty header', async () => {
    const { post, queued } = hook({ secret: async () => '' });
    expect(await post(body, '')).toEqual(REFUSED);
    expect(queued).toEqual([]);
  });

  test('the log says why; the answer never does', async () => {
    const { post, logs } = hook();
    const wrong = await post(body, 'nope');
    const malformed = await post('{', SECRET);
    expect(wrong).toEqual(malformed);
    expect(logs.map((l) => l.reason)).toEqual(['wrong or missing secret', 'malformed delivery']);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });
});

describe('the secret comparison', () => {
  test('is exact', () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret(`${SECRET} `, SECRET)).toBe(false);
    expect(sameSecret(SECRET.toUpperCase(), SECRET)).toBe(false);
    expect(sameSecret('', '')).toBe(false);
  });
});

test('a secret that cannot be read is a logged 503, never a crash (Okta retries once)', async () => {
  const { post, queued, logs } = hook({
    secret: async () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    },
  });
  expect((await post(delivery([oktaEvent(BOB)]))).statusCode).toBe(503);
  expect(queued).toEqual([]);
  expect(logs).toEqual([{ outcome: 'failed', reason: 'secret: ThrottlingException' }]);
});
