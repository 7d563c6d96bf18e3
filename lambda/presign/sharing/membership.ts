import { calling } from '../faults';
import type { CallerTeams } from '../teams';
import type { SharingStore } from './store';

/** Creators whose last write this container remembers, so a busy user costs one write per sign-in. */
const REMEMBERED_CREATORS = 1000;

/**
 * Keeps each caller's last-seen team memberships in the sharing table, for visits to their team
 * folder links (a visit has no token of the creator to read memberships from). The record is the
 * memberships believed on the caller's request and the Okta sign-in time they rest on, so a visit
 * applies the same bound as route 3: a membership older than `teamMembershipMaxAgeSeconds` since
 * the creator's sign-in no longer counts. Written only when either changes.
 */
export function membershipRecorder(store: SharingStore, maxAgeSeconds: number) {
  const written = new Map<string, string>();
  return async (sub: string, teams: CallerTeams): Promise<void> => {
    if (teams.authTime === undefined || teams.tag === undefined) return;
    const mark = `${teams.tag}@${teams.authTime}`;
    if (written.get(sub) === mark) return;
    await calling('dynamodb', () =>
      store.putMembership(
        { sub, teams: teams.tag as string, seenAt: teams.authTime as number },
        (teams.authTime as number) + maxAgeSeconds,
      ),
    );
    written.delete(sub);
    written.set(sub, mark);
    if (written.size > REMEMBERED_CREATORS) written.delete(written.keys().next().value as string);
  };
}

/** The store, with every failure tagged as DynamoDB's (so it is logged as a fault and busy is a 503). */
export function faultsTaggedStore(store: SharingStore): SharingStore {
  const tagged = Object.entries(store).map(([name, call]) => [
    name,
    (...args: unknown[]) =>
      calling('dynamodb', () => (call as (...a: unknown[]) => Promise<unknown>)(...args)),
  ]);
  return Object.fromEntries(tagged) as SharingStore;
}
