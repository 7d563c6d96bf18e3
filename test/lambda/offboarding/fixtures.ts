import type { OffboardingJob } from '../../../lambda/offboarding/okta-event';
import type { CopiedObject, ListedObject, MoveStore } from '../../../lambda/offboarding/move-core';

export const BOB = '00uBob000000000000b2';
export const SECRET = 'okta-hook-secret-0123456789abcdef';

/** An Okta System Log event as the event hook and the System Log API carry it. */
export function oktaEvent(
  sub: string,
  eventType = 'user.lifecycle.deactivate',
  // A well-formed uuid whatever the sub holds, so a hostile sub is refused for itself alone.
  uuid = `uuid-${sub.replace(/[^A-Za-z0-9]/g, 'x')}-${eventType.length}`,
) {
  return {
    uuid,
    published: '2026-12-02T04:00:00.000Z',
    eventType,
    actor: { id: '00uAdmin00000000000a', type: 'User', alternateId: 'admin@test.example' },
    target: [{ id: sub, type: 'User', alternateId: `${sub}@test.example`, displayName: 'Bob' }],
  };
}

/** An event-hook delivery body (Okta's event hooks guide, sample payload). */
export function delivery(events: unknown[], eventId = 'b5a188b9-5ece-4636-b041-482ffda96311'): string {
  return JSON.stringify({
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    source: 'https://test.okta.example/api/v1/eventHooks/whlrowfhy1hGEMDcj0g4',
    eventId,
    eventTime: '2026-12-02T04:00:01.000Z',
    contentType: 'application/json',
    data: { events },
  });
}

export const job = (sub = BOB): OffboardingJob => ({
  sub,
  eventUuid: `uuid-${sub}`,
  eventType: 'user.lifecycle.deactivate',
  source: 'hook',
});

interface Stored {
  body: Buffer;
  etag: string;
  movedFromEtag?: string;
}

/**
 * A bucket in memory behind the MoveStore interface, paging like ListObjectsV2 (sorted keys,
 * continuation after the last key listed). `failAfter` makes the n-th call of an operation throw,
 * as a crash would.
 */
export function memoryStore(pageSize = 2) {
  const objects = new Map<string, Stored>();
  const calls: string[] = [];
  let crashAt: { op: string; n: number } | undefined;
  const step = (op: string) => {
    calls.push(op);
    if (crashAt && crashAt.op === op && --crashAt.n === 0) throw new Error(`crash in ${op}`);
  };
  const store: MoveStore = {
    async list(prefix, token) {
      step('list');
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && (!token || k > token)).sort();
      const page = keys.slice(0, pageSize);
      const objectsOut: ListedObject[] = page.map((key) => ({
        key,
        size: objects.get(key)!.body.length,
        etag: objects.get(key)!.etag,
      }));
      return { objects: objectsOut, next: keys.length > pageSize ? page[page.length - 1] : undefined };
    },
    async head(key): Promise<CopiedObject | undefined> {
      step('head');
      const o = objects.get(key);
      return o && { size: o.body.length, movedFromEtag: o.movedFromEtag };
    },
    async copy(source, target) {
      step('copy');
      const o = objects.get(source.key);
      if (!o || o.etag !== source.etag) throw new Error('PreconditionFailed');
      objects.set(target, { body: Buffer.from(o.body), etag: `copy-${o.etag}`, movedFromEtag: o.etag });
    },
    async remove(key) {
      step('remove');
      objects.delete(key);
    },
  };
  return {
    store,
    objects,
    calls,
    put(key: string, body: string) {
      objects.set(key, { body: Buffer.from(body), etag: `etag-${key}-${body.length}` });
    },
    crash(op: string, n: number) {
      crashAt = { op, n };
    },
    contents(prefix: string) {
      return Object.fromEntries(
        [...objects].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k, v.body.toString()]),
      );
    },
  };
}
