import * as fc from 'fast-check';
import { handleHookRequest, REFUSED } from '../../../lambda/offboarding/hook-core';
import { memoryLedger } from '../../../lambda/offboarding/ledger';
import type { OffboardingJob } from '../../../lambda/offboarding/okta-event';
import { OKTA_USER_ID } from '../../../lambda/offboarding/okta-event';
import { delivery, oktaEvent, SECRET } from './fixtures';

/*
 * The hook against generated strangers: any method, any Authorization value but the secret, any body
 * (JSON of the right shape with hostile ids, or noise) gets exactly the one 403 and queues nothing;
 * with the secret, whatever is queued names a well-formed Okta id, and nothing is ever a 5xx.
 */

const hostileId = fc.oneof(
  fc.string(),
  fc.constantFrom('..', '../00uAlice', '00u/x', '00u*', '', ' ', '00u\u0000', 'a'.repeat(65)),
);
const body = fc.oneof(
  fc.string(),
  fc.json(),
  hostileId.map((id) => delivery([oktaEvent(id)])),
  fc.tuple(hostileId, fc.string()).map(([id, eventId]) => delivery([oktaEvent(id)], eventId)),
  fc.constant(delivery([oktaEvent('00uValid000000000001')])),
);

test('without the secret: always the one 403, nothing queued, nothing claimed', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      fc.option(fc.string().filter((s) => s !== SECRET)),
      body,
      async (method, authorization, requestBody) => {
        const queued: OffboardingJob[] = [];
        const ledger = memoryLedger();
        const answer = await handleHookRequest(
          { method, headers: authorization === null ? {} : { authorization }, body: requestBody },
          {
            secret: async () => SECRET,
            ledger,
            enqueue: async (j) => void queued.push(j),
            log: () => undefined,
          },
        );
        expect(answer).toEqual(REFUSED);
        expect(queued).toEqual([]);
        expect(ledger.keys.size).toBe(0);
      },
    ),
    { numRuns: 300 },
  );
});

test('with the secret: a 200 or the 403, and only well-formed ids are queued', async () => {
  let queuedRuns = 0;
  await fc.assert(
    fc.asyncProperty(body, async (requestBody) => {
      const queued: OffboardingJob[] = [];
      const answer = await handleHookRequest(
        { method: 'POST', headers: { authorization: SECRET }, body: requestBody },
        {
          secret: async () => SECRET,
          ledger: memoryLedger(),
          enqueue: async (j) => void queued.push(j),
          log: () => undefined,
        },
      );
      expect([200, 403]).toContain(answer.statusCode);
      if (answer.statusCode === 403) expect(queued).toEqual([]);
      for (const job of queued) expect(job.sub).toMatch(OKTA_USER_ID);
      if (queued.length) queuedRuns++;
    }),
    { numRuns: 300 },
  );
  // The generator reaches the accepting path too, so the property is not vacuous.
  expect(queuedRuns).toBeGreaterThan(10);
});
