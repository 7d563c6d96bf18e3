import type { OffboardingJob } from './okta-event';
import { parseJob } from './okta-event';
import { movePrefix, MoveResult, MoveStore } from './move-core';

export interface MoverDeps {
  readonly store: MoveStore;
  readonly usersPrefix: string;
  readonly offboardedPrefix: string;
  readonly log: (entry: Record<string, unknown>, error?: boolean) => void;
  readonly now?: () => number;
  /**
   * Revokes the person's share links and file requests, where sharing is on; resolves to how many
   * it revoked (none the second time).
   */
  readonly revokeSharing?: (sub: string) => Promise<number>;
}

/** Where a person's files go: `<offboardedPrefix><sub>/`, beside nothing any user route reaches. */
export function offboardedPrefixOf(offboardedPrefix: string, sub: string): string {
  return `${offboardedPrefix}${sub}/`;
}

/** Moves one person's prefix; logs what it moved, attributable to the person and the Okta event. */
export async function offboard(job: OffboardingJob, deps: MoverDeps): Promise<MoveResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const from = `${deps.usersPrefix}${job.sub}/`;
  const to = offboardedPrefixOf(deps.offboardedPrefix, job.sub);
  try {
    // First, so that no file request fills the folder again while, or after, it is emptied.
    const revokedShares = deps.revokeSharing ? await deps.revokeSharing(job.sub) : undefined;
    const result = await movePrefix(from, to, deps.store);
    deps.log({
      outcome: 'moved',
      ...(revokedShares === undefined ? {} : { revokedShares }),
      sub: job.sub,
      eventUuid: job.eventUuid,
      eventType: job.eventType,
      source: job.source,
      from,
      to,
      ...result,
      millis: now() - started,
    });
    return result;
  } catch (error) {
    deps.log(
      {
        outcome: 'failed',
        sub: job.sub,
        eventUuid: job.eventUuid,
        from,
        to,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      },
      true,
    );
    throw error;
  }
}

/** An SQS batch: each message one job; the failed ones are returned for SQS to deliver again. */
export async function moveBatch(
  records: readonly { messageId: string; body: string }[],
  deps: MoverDeps,
): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    const job = parseJob(record.body);
    if (!job) {
      // Never sent by the hook or the reconciler: kept for an operator, in the dead-letter queue.
      deps.log({ outcome: 'failed', messageId: record.messageId, error: 'malformed job' }, true);
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await offboard(job, deps);
    } catch {
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
