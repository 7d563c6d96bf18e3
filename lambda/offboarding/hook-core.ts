import { createHash, timingSafeEqual } from 'crypto';
import { Ledger, deliveryKey, eventKey } from './ledger';
import { OffboardingJob, parseHookDelivery } from './okta-event';

/** The parts of an API Gateway proxy request the hook reads. */
export interface HookRequest {
  readonly method: string;
  /** Header names in lower case; a header sent twice is refused. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: string | null;
}

export interface HookResponse {
  readonly statusCode: number;
  readonly body: string;
}

export interface HookDeps {
  /** The shared secret: the value Okta sends in the `Authorization` header. */
  readonly secret: () => Promise<string>;
  readonly ledger: Ledger;
  readonly enqueue: (job: OffboardingJob) => Promise<void>;
  readonly log: (entry: HookLog) => void;
}

/** One line per request: never the body or the header's value. */
export interface HookLog {
  readonly outcome: 'verified' | 'queued' | 'refused' | 'failed';
  /** Why a request was refused or failed, for operators only (never in the answer). */
  readonly reason?: string;
  readonly eventId?: string;
  /** The people queued (Okta user ids), and the events already taken. */
  readonly subs?: string[];
  readonly skippedEvents?: string[];
}

/**
 * Every refusal is this one answer, whatever the reason (wrong or missing secret, malformed body,
 * replayed delivery, wrong method): a stranger learns nothing from it.
 */
export const REFUSED: HookResponse = { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) };
/** Queuing failed: Okta retries a delivery that is not answered 2xx (once, per its docs). */
export const UNAVAILABLE: HookResponse = {
  statusCode: 503,
  body: JSON.stringify({ message: 'Service Unavailable' }),
};

/** Okta's challenge values are short tokens; anything else is not echoed. */
const CHALLENGE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * The event hook. Okta verifies an endpoint once with a GET carrying
 * `x-okta-verification-challenge`, and expects `{"verification": <that value>}` back (Okta's event
 * hooks guide, "One-time verification request"). Every later delivery is a POST with the
 * `Authorization` value configured on the hook. A delivery is answered as soon as its jobs are
 * queued: Okta waits at most 3 seconds for an answer (same guide, "Timeout and retry").
 */
export async function handleHookRequest(request: HookRequest, deps: HookDeps): Promise<HookResponse> {
  const refuse = (reason: string, eventId?: string): HookResponse => {
    deps.log({ outcome: 'refused', reason, eventId });
    return REFUSED;
  };
  const authorization = singleHeader(request, 'authorization');
  if (request.method === 'GET') {
    // Okta's docs do not say that the verification request carries the Authorization header
    // (unverified), so the challenge is answered on its own: echoing a short token triggers nothing.
    const challenge = singleHeader(request, 'x-okta-verification-challenge');
    if (!challenge || !CHALLENGE.test(challenge)) return refuse('no or malformed challenge');
    deps.log({ outcome: 'verified' });
    return { statusCode: 200, body: JSON.stringify({ verification: challenge }) };
  }
  if (request.method !== 'POST') return refuse(`method ${request.method}`);
  let secret: string;
  try {
    secret = await deps.secret();
  } catch (error) {
    deps.log({ outcome: 'failed', reason: `secret: ${errorName(error)}` });
    return UNAVAILABLE;
  }
  if (!authorization || !sameSecret(authorization, secret)) return refuse('wrong or missing secret');
  const delivery = parseHookDelivery(request.body);
  if (!delivery) return refuse('malformed delivery');
  const { eventId, jobs } = delivery;
  try {
    if (!(await deps.ledger.claim(deliveryKey(eventId)))) return refuse('replayed delivery', eventId);
  } catch (error) {
    deps.log({ outcome: 'failed', reason: `ledger: ${errorName(error)}`, eventId });
    return UNAVAILABLE;
  }
  const queued: string[] = [];
  const skipped: string[] = [];
  try {
    for (const job of jobs) {
      // An event the reconciler (or an earlier delivery) already queued is not queued again.
      if (!(await deps.ledger.claim(eventKey(job.eventUuid)))) {
        skipped.push(job.eventUuid);
        continue;
      }
      await enqueueOrRelease(job, deps);
      queued.push(job.sub);
    }
  } catch (error) {
    // Okta retries the same delivery once: it must not be refused as a replay then.
    await deps.ledger.release(deliveryKey(eventId)).catch(() => undefined);
    deps.log({ outcome: 'failed', reason: `queue: ${errorName(error)}`, eventId, subs: queued });
    return UNAVAILABLE;
  }
  deps.log({ outcome: 'queued', eventId, subs: queued, skippedEvents: skipped });
  return { statusCode: 200, body: JSON.stringify({ queued: queued.length }) };
}

/** Queues a claimed job; if that fails, the claim is released so that a retry can take it. */
export async function enqueueOrRelease(
  job: OffboardingJob,
  deps: Pick<HookDeps, 'ledger' | 'enqueue'>,
): Promise<void> {
  try {
    await deps.enqueue(job);
  } catch (error) {
    await deps.ledger.release(eventKey(job.eventUuid)).catch(() => undefined);
    throw error;
  }
}

/**
 * A constant-time comparison of the header with the secret: both are hashed first, so neither
 * their contents nor their lengths show in the time it takes.
 */
export function sameSecret(given: string, secret: string): boolean {
  if (!secret) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(secret));
}

/** The header's one value; undefined if absent or sent more than once. */
function singleHeader(request: HookRequest, name: string): string | undefined {
  const values = Object.entries(request.multiValueHeaders ?? {})
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, v]) => v ?? []);
  if (values.length > 1) return undefined;
  const found = Object.entries(request.headers).filter(([key]) => key.toLowerCase() === name);
  return found.length === 1 ? found[0][1] : undefined;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
