import { parseHookDelivery, parseJob } from '../../../lambda/offboarding/okta-event';
import { BOB, delivery, oktaEvent } from './fixtures';

describe('an Okta event-hook delivery', () => {
  test('yields one job per offboarded person, for deactivation and deletion', () => {
    const parsed = parseHookDelivery(
      delivery([
        oktaEvent(BOB),
        oktaEvent('00uCarol00000000000c', 'user.lifecycle.delete.initiated'),
        oktaEvent('00uDave000000000000d', 'user.session.start'),
      ]),
    );
    expect(parsed).toEqual({
      eventId: 'b5a188b9-5ece-4636-b041-482ffda96311',
      jobs: [
        { sub: BOB, eventUuid: `uuid-${BOB}-25`, eventType: 'user.lifecycle.deactivate', source: 'hook' },
        {
          sub: '00uCarol00000000000c',
          eventUuid: 'uuid-00uCarol00000000000c-31',
          eventType: 'user.lifecycle.delete.initiated',
          source: 'hook',
        },
      ],
    });
  });

  test('names a person once when two events name them (deactivate, then delete)', () => {
    const parsed = parseHookDelivery(
      delivery([oktaEvent(BOB), oktaEvent(BOB, 'user.lifecycle.delete.initiated')]),
    );
    expect(parsed?.jobs.map((j) => j.sub)).toEqual([BOB]);
  });

  test.each([
    ['not JSON', '{'],
    ['not an event hook', JSON.stringify({ eventType: 'other', eventId: 'x', data: { events: [] } })],
    ['no events', delivery([])],
    ['an id that leaves the prefix', delivery([oktaEvent('../00uAlice')])],
    ['an id with a slash', delivery([oktaEvent('00uA/B')])],
    ['an empty id', delivery([oktaEvent('')])],
    [
      'two User targets',
      delivery([{ ...oktaEvent(BOB), target: [oktaEvent(BOB).target[0], oktaEvent('00uX').target[0]] }]),
    ],
    ['no target', delivery([{ ...oktaEvent(BOB), target: undefined }])],
    ['an event id with a slash', delivery([oktaEvent(BOB)], 'a/b')],
    ['a huge body', delivery([oktaEvent(BOB)]).padEnd(300 * 1024, ' ')],
  ])('is refused when it has %s', (_, body) => {
    expect(parseHookDelivery(body)).toBeUndefined();
  });
});

describe('a queued job', () => {
  test('is read back exactly, and nothing else is', () => {
    const job = { sub: BOB, eventUuid: 'u-1', eventType: 'user.lifecycle.deactivate', source: 'reconciler' };
    expect(parseJob(JSON.stringify(job))).toEqual(job);
    expect(parseJob(JSON.stringify({ ...job, sub: '../x' }))).toBeUndefined();
    expect(parseJob(JSON.stringify({ ...job, eventType: 'user.session.start' }))).toBeUndefined();
    expect(parseJob('nope')).toBeUndefined();
  });
});
