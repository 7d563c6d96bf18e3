/**
 * Okta's System Log API as the Okta stand-in serves it: `GET /api/v1/logs`, the endpoint the
 * offboarding reconciler (lambda/offboarding/reconcile-core.ts) reads to catch event-hook
 * deliveries that were lost. After Okta's System Log API reference
 * (https://developer.okta.com/docs/reference/api/system-log/ and the management API's "List all
 * System Log events", https://developer.okta.com/docs/api/openapi/okta-management/management/tag/SystemLog/):
 *
 * - the answer is a JSON array of LogEvent objects (`uuid`, `published`, `eventType`, `actor`,
 *   `target`, `outcome`, ...), oldest first (`sortOrder` ASCENDING, the default);
 * - `since` (default: 7 days before `until`) and `until` (default: now) bound `published`;
 * - `filter` is a SCIM filter expression; here only `eventType eq "<type>"` clauses joined by
 *   `or` (what the reconciler sends) are understood, anything else is a 400;
 * - `limit` (default 100, at most 1000) is the page size, and the `Link` header carries
 *   `rel="self"` and `rel="next"`; the next link adds the `after` cursor;
 * - a request without `until` is a polling request: its next link is always given, and following
 *   it later returns what was logged since (empty when nothing was); a bounded request (with
 *   `until`) has a next link only while events remain;
 * - the API token is sent as `Authorization: SSWS <token>`; a missing or wrong token gets 401
 *   `E0000011` "Invalid token provided".
 *
 * Not modelled (501): `q`, `sortOrder=DESCENDING`, OAuth 2.0 access tokens (`okta.logs.read`),
 * rate limits (429). Error codes other than E0000011 are this stand-in's choice (README, Limits).
 */
import { randomUUID } from 'crypto';
import type { Reply } from './loopback-server';

export const SYSTEM_LOG_PATH = '/api/v1/logs';

/** The parts of a LogEvent the stand-in records (Okta's LogEvent object). */
export interface LogEvent {
  readonly uuid: string;
  readonly published: string;
  readonly eventType: string;
  readonly version: '0';
  readonly severity: 'INFO';
  readonly displayMessage: string;
  readonly actor: { readonly id: string; readonly type: string; readonly alternateId: string };
  readonly outcome: { readonly result: 'SUCCESS' };
  readonly target: readonly { readonly id: string; readonly type: string; readonly alternateId?: string }[];
}

export interface SystemLogRequest {
  readonly method: string;
  /** The request's URL as the client sent it (scheme, host and port name the org in links). */
  readonly url: URL;
  readonly authorization: string | undefined;
}

export interface OktaSystemLog {
  readonly events: readonly LogEvent[];
  /** Logs an event now (or `at`), as Okta does when an administrator acts. */
  record(event: Pick<LogEvent, 'eventType' | 'displayMessage' | 'target'> & { at?: Date }): LogEvent;
  /** A person deactivated by an administrator: `user.lifecycle.deactivate` with them as target. */
  deactivate(userId: string, at?: Date): LogEvent;
  handle(request: SystemLogRequest): Reply;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const WEEK_MS = 7 * 24 * 3600_000;
const LOCAL_ADMIN = { id: '00uLocalAdmin0000000', type: 'User', alternateId: 'admin@local.test' };

export function oktaSystemLog(options: { apiToken: string; now?: () => Date }): OktaSystemLog {
  const now = options.now ?? (() => new Date());
  const events: LogEvent[] = [];

  function record(event: Pick<LogEvent, 'eventType' | 'displayMessage' | 'target'> & { at?: Date }) {
    const logged: LogEvent = {
      uuid: randomUUID(),
      published: (event.at ?? now()).toISOString(),
      eventType: event.eventType,
      version: '0',
      severity: 'INFO',
      displayMessage: event.displayMessage,
      actor: LOCAL_ADMIN,
      outcome: { result: 'SUCCESS' },
      target: event.target,
    };
    events.push(logged);
    return logged;
  }

  function handle({ method, url, authorization }: SystemLogRequest): Reply {
    if (method !== 'GET')
      return oktaError(405, 'E0000022', `The endpoint does not support the ${method} method`);
    if (!authorization || authorization !== `SSWS ${options.apiToken}`)
      return oktaError(401, 'E0000011', 'Invalid token provided');
    const query = parseQuery(url.searchParams, now());
    if ('status' in query) return query;
    const { since, until, polling, limit, types, after } = query;
    // `after` is the position of the last event a page returned: the log only grows, so a later
    // poll from it sees exactly what was logged since.
    const matching = events
      .map((event, position) => ({ event, position }))
      .filter(({ event, position }) => {
        const published = Date.parse(event.published);
        return (
          position > after &&
          published >= since.getTime() &&
          published <= until.getTime() &&
          (types === undefined || types.includes(event.eventType))
        );
      });
    const page = matching.slice(0, limit);
    const last = page.length > 0 ? page[page.length - 1].position : after;
    const links = [`<${url.toString()}>; rel="self"`];
    if (polling || matching.length > page.length) {
      const next = new URL(url.toString());
      next.searchParams.set('after', cursorOf(last));
      links.push(`<${next.toString()}>; rel="next"`);
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/json', link: links.join(', ') },
      body: JSON.stringify(page.map(({ event }) => event)),
    };
  }

  return {
    events,
    record,
    deactivate: (userId, at) =>
      record({
        eventType: 'user.lifecycle.deactivate',
        displayMessage: 'Deactivate Okta user',
        target: [{ id: userId, type: 'User', alternateId: `${userId}@local.test` }],
        at,
      }),
    handle,
  };
}

interface SystemLogQuery {
  readonly since: Date;
  readonly until: Date;
  /** No `until`: a polling request, whose next link is always given. */
  readonly polling: boolean;
  readonly limit: number;
  /** The event types `filter` names; undefined without a filter. */
  readonly types?: readonly string[];
  /** The position after which to answer; -1 from the start. */
  readonly after: number;
}

const FILTER_CLAUSE = /^eventType\s+eq\s+"([A-Za-z0-9_.-]+)"$/i;

/** The query, or the 400 (or 501) that a malformed (or unmodelled) one gets. */
export function parseQuery(params: URLSearchParams, now: Date): SystemLogQuery | Reply {
  for (const name of ['q', 'sortOrder']) {
    if (params.has(name) && !(name === 'sortOrder' && params.get(name) === 'ASCENDING'))
      return oktaError(501, 'E0000000', `Not modelled locally: ${name}=${params.get(name)}`);
  }
  const time = (name: string) => {
    const value = params.get(name);
    if (value === null) return undefined;
    const parsed = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
      ? new Date(value)
      : undefined;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
  };
  const until = time('until');
  const since = time('since');
  if (until === null || since === null)
    return oktaError(400, 'E0000001', 'Api validation failed: since and until are ISO 8601 timestamps');
  const limitText = params.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_LIMIT)
    return oktaError(400, 'E0000001', `Api validation failed: limit is 1 to ${MAX_LIMIT}`);
  let types: string[] | undefined;
  const filter = params.get('filter');
  if (filter !== null) {
    types = [];
    const body = filter.trim().replace(/^\((.*)\)$/, '$1');
    for (const clause of body.split(/\s+or\s+/i)) {
      const match = FILTER_CLAUSE.exec(
        clause
          .trim()
          .replace(/^\((.*)\)$/, '$1')
          .trim(),
      );
      if (!match) return oktaError(400, 'E0000031', `Invalid search criteria (locally: ${clause.trim()})`);
      types.push(match[1]);
    }
  }
  const afterText = params.get('after');
  const after = afterText === null ? -1 : positionOf(afterText);
  if (after === undefined) return oktaError(400, 'E0000001', 'Api validation failed: after');
  const end = until ?? now;
  return {
    since: since ?? new Date(end.getTime() - WEEK_MS),
    until: end,
    polling: !until,
    limit,
    types,
    after,
  };
}

/** An opaque cursor, as Okta's `after` is: the position of the last event answered. */
const cursorOf = (position: number) => Buffer.from(`p${position}`).toString('base64url');
function positionOf(cursor: string): number | undefined {
  const match = /^p(-1|\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Okta's error body ("Error codes", https://developer.okta.com/docs/reference/error-codes/). */
function oktaError(status: number, errorCode: string, errorSummary: string): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      errorCode,
      errorSummary,
      errorLink: errorCode,
      errorId: randomUUID(),
      errorCauses: [],
    }),
  };
}
