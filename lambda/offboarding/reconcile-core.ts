import { enqueueOrRelease } from './hook-core';
import type { Ledger } from './ledger';
import { eventKey } from './ledger';
import { OFFBOARDING_EVENT_TYPES, OffboardingJob, offboardingJobs } from './okta-event';

/**
 * Okta does not guarantee an event hook's delivery: it retries once, and a delivery that fails
 * twice is lost (Okta's event hooks guide, "Timeout and retry"). The reconciler reads the same
 * events from the System Log API on a schedule (`GET /api/v1/logs` with `filter`, `since` and
 * `limit`, paged by the `Link: <...>; rel="next"` header; Okta's System Log API reference) and
 * queues every event the ledger has not seen.
 */

export interface ReconcileDeps {
  /** `https://<org>.okta.com`: the org the token belongs to; no other origin gets the token. */
  readonly orgUrl: string;
  readonly apiToken: () => Promise<string>;
  readonly fetch: typeof fetch;
  readonly ledger: Ledger;
  readonly enqueue: (job: OffboardingJob) => Promise<void>;
  readonly now: () => Date;
  /** How far back each run reads. Longer than the schedule, so a failed run is caught up. */
  readonly lookbackMinutes: number;
}

export interface ReconcileResult {
  readonly pages: number;
  readonly events: number;
  /** Okta user ids queued by this run: events the hook missed. */
  readonly queued: string[];
}

/** Okta's largest page of the System Log. */
const PAGE_LIMIT = 1000;
/** A run stops after this many pages and says so; the next run reads the rest. */
const MAX_PAGES = 20;

export function systemLogUrl(orgUrl: string, since: Date): string {
  const filter = OFFBOARDING_EVENT_TYPES.map((t) => `eventType eq "${t}"`).join(' or ');
  const url = new URL('/api/v1/logs', orgUrl);
  url.searchParams.set('filter', filter);
  url.searchParams.set('since', since.toISOString());
  url.searchParams.set('limit', String(PAGE_LIMIT));
  return url.toString();
}

export async function reconcile(deps: ReconcileDeps): Promise<ReconcileResult> {
  const origin = new URL(deps.orgUrl).origin;
  const since = new Date(deps.now().getTime() - deps.lookbackMinutes * 60_000);
  const token = await deps.apiToken();
  let url: string | undefined = systemLogUrl(deps.orgUrl, since);
  let pages = 0;
  let events = 0;
  const queued: string[] = [];
  while (url && pages < MAX_PAGES) {
    const response: Response = await deps.fetch(url, {
      headers: { Authorization: `SSWS ${token}`, Accept: 'application/json' },
      redirect: 'error',
    });
    if (response.status !== 200) throw new Error(`Okta System Log answered ${response.status}`);
    const body: unknown = await response.json();
    if (!Array.isArray(body)) throw new Error('Okta System Log answered something other than a list');
    pages++;
    events += body.length;
    const jobs = offboardingJobs(body, 'reconciler');
    if (!jobs) throw new Error('Okta System Log returned a malformed offboarding event');
    for (const job of jobs) {
      if (!(await deps.ledger.claim(eventKey(job.eventUuid)))) continue;
      await enqueueOrRelease(job, deps);
      queued.push(job.sub);
    }
    // Okta's polling pages end with a next link that returns nothing new; an empty page ends the run.
    const next: string | undefined = body.length === 0 ? undefined : nextLink(response.headers.get('link'));
    url = next && new URL(next).origin === origin ? next : undefined;
  }
  return { pages, events, queued };
}

/** The `rel="next"` URL of a Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}
