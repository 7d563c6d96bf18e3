/**
 * Okta's event-hook delivery, as Okta documents it ("Event hooks", Okta developer docs,
 * https://developer.okta.com/docs/concepts/event-hooks/ and the event hooks API reference; read
 * from those pages' published samples, not probed against a live org): a POST whose JSON body holds
 * `eventType: "com.okta.event_hook"`, an `eventId` naming the delivery, and `data.events`, each a
 * System Log event (`uuid`, `eventType`, `published`, and `target`, whose entry of `type: "User"`
 * carries the Okta user id as `id`). The same events are what the System Log API returns, so the
 * reconciler reads them with the same function.
 */

/** The Okta events that offboard a person (Okta's event-types catalogue). */
export const OFFBOARDING_EVENT_TYPES = ['user.lifecycle.deactivate', 'user.lifecycle.delete.initiated'];

/**
 * An Okta user id as a key segment may hold it: Okta ids are letters and digits (`00u1a2b3c4...`);
 * anything that could leave `users/<sub>/` (`/`, `.`, `*`) or be empty is refused.
 */
export const OKTA_USER_ID = /^[A-Za-z0-9]{1,64}$/;

/** Okta event uuids and delivery ids: what a ledger key may hold. */
const EVENT_ID = /^[A-Za-z0-9-]{1,100}$/;

/** One person to offboard, from one Okta event. */
export interface OffboardingJob {
  /** The Okta user id: the `<sub>` of `users/<sub>/`. */
  readonly sub: string;
  /** The System Log event's `uuid`: the same in a hook delivery and in the System Log. */
  readonly eventUuid: string;
  readonly eventType: string;
  /** Where the job came from: the event hook or the reconciler. */
  readonly source: 'hook' | 'reconciler';
}

/** A delivery of the event hook, reduced to what offboarding needs. */
export interface HookDelivery {
  readonly eventId: string;
  /** The offboarding events of the delivery, one per person (other event types are left out). */
  readonly jobs: OffboardingJob[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The delivery in a hook request's body, or undefined when it is not one (not JSON, not an event
 * hook, no events, or an offboarding event without exactly one well-formed User target).
 */
export function parseHookDelivery(body: string | null | undefined): HookDelivery | undefined {
  if (!body || body.length > MAX_BODY_CHARS) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.eventType !== 'com.okta.event_hook') return undefined;
  const { eventId, data } = parsed;
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) return undefined;
  if (!isRecord(data) || !Array.isArray(data.events) || data.events.length === 0) return undefined;
  const jobs = offboardingJobs(data.events, 'hook');
  return jobs && { eventId, jobs };
}

/**
 * The offboarding jobs of a list of System Log events, one per person (the first event naming
 * them), or undefined if any offboarding event is malformed. Events of other types are ignored.
 */
export function offboardingJobs(
  events: unknown[],
  source: OffboardingJob['source'],
): OffboardingJob[] | undefined {
  const jobs = new Map<string, OffboardingJob>();
  for (const event of events) {
    if (!isRecord(event)) return undefined;
    const { uuid, eventType, target } = event;
    if (typeof eventType !== 'string') return undefined;
    if (!OFFBOARDING_EVENT_TYPES.includes(eventType)) continue;
    if (typeof uuid !== 'string' || !EVENT_ID.test(uuid) || !Array.isArray(target)) return undefined;
    const users = target.filter((t) => isRecord(t) && t.type === 'User');
    if (users.length !== 1) return undefined;
    const sub = (users[0] as Record<string, unknown>).id;
    if (typeof sub !== 'string' || !OKTA_USER_ID.test(sub)) return undefined;
    if (!jobs.has(sub)) jobs.set(sub, { sub, eventUuid: uuid, eventType, source });
  }
  return [...jobs.values()];
}

/** Okta's deliveries are small (a few events); anything far larger is not one. */
const MAX_BODY_CHARS = 256 * 1024;

/** A queued job, read back: undefined unless it is exactly what the hook or reconciler sends. */
export function parseJob(body: string): OffboardingJob | undefined {
  try {
    const job: unknown = JSON.parse(body);
    if (!isRecord(job)) return undefined;
    const { sub, eventUuid, eventType, source } = job;
    if (typeof sub !== 'string' || !OKTA_USER_ID.test(sub)) return undefined;
    if (typeof eventUuid !== 'string' || !EVENT_ID.test(eventUuid)) return undefined;
    if (typeof eventType !== 'string' || !OFFBOARDING_EVENT_TYPES.includes(eventType)) return undefined;
    if (source !== 'hook' && source !== 'reconciler') return undefined;
    return { sub, eventUuid, eventType, source };
  } catch {
    return undefined;
  }
}
