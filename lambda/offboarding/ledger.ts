/**
 * The offboarding ledger: which hook deliveries and which Okta events were already taken, so a
 * replayed delivery is refused and an event the hook queued is not queued again by the reconciler.
 */
export interface Ledger {
  /** Records `key` unless it exists; false when it already did (an atomic create). */
  claim(key: string): Promise<boolean>;
  /** Forgets `key`: what was claimed could not be queued, so a retry must be taken. */
  release(key: string): Promise<void>;
}

export const deliveryKey = (eventId: string) => `deliveries/${eventId}`;
export const eventKey = (eventUuid: string) => `events/${eventUuid}`;

/** A ledger in memory, with the same semantics: for tests and the local stack. */
export function memoryLedger(): Ledger & { readonly keys: Set<string> } {
  const keys = new Set<string>();
  return {
    keys,
    claim: async (key) => (keys.has(key) ? false : (keys.add(key), true)),
    release: async (key) => void keys.delete(key),
  };
}
