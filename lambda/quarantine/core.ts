/**
 * Moves an object GuardDuty found threats in out of every user's reach, once, however often the
 * event arrives: copy the infected version to `quarantine/`, verify the copy, then delete that
 * version from its folder. Pure: S3 and the log are injected (handler.ts gives the real ones).
 */
import { QUARANTINE_PREFIX } from '../../lib/policy/scan-status-names';

/**
 * The fields of the "GuardDuty Malware Protection Object Scan Result" event used here
 * (https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html).
 */
export interface ScanResultEvent {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly id?: unknown;
  readonly detail?: {
    readonly s3ObjectDetails?: {
      bucketName?: unknown;
      objectKey?: unknown;
      versionId?: unknown;
      eTag?: unknown;
      s3Throttled?: unknown;
    };
    readonly scanResultDetails?: { scanResultStatus?: unknown; threats?: unknown };
  };
}

export interface ObjectVersion {
  readonly key: string;
  /** `null` for an object written while the bucket was unversioned. */
  readonly versionId: string;
}

/** What a HEAD tells us of a version: its size, and the metadata a quarantine copy carries. */
export interface VersionFacts {
  readonly size: number;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
}

export interface QuarantineStore {
  /** HeadObject of one version; undefined when it does not exist (any more). */
  head(key: string, versionId?: string): Promise<VersionFacts | undefined>;
  /** CopyObject of `source` to `destinationKey`, tags copied, metadata replaced with `metadata`. */
  copy(
    source: ObjectVersion,
    destinationKey: string,
    facts: VersionFacts,
    metadata: Record<string, string>,
  ): Promise<void>;
  /** DeleteObject of exactly that version (never a delete marker that would hide a newer one). */
  deleteVersion(source: ObjectVersion): Promise<void>;
}

export type QuarantineOutcome = 'quarantined' | 'already-quarantined' | 'ignored' | 'source-missing';

export interface QuarantineLog {
  readonly outcome: QuarantineOutcome;
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  readonly quarantineKey?: string;
  readonly threats?: string[];
  /** The user whose folder held it (`users/<sub>/...`), or the team folder. */
  readonly owner?: string;
  readonly eventId?: string;
  readonly reason?: string;
}

export interface QuarantineDeps {
  readonly bucket: string;
  readonly store: QuarantineStore;
  readonly log: (entry: QuarantineLog) => void;
  /** Prefixes objects are quarantined from (users/, teams/): never anything else, never quarantine/. */
  readonly protectedPrefixes: readonly string[];
}

/** Metadata keys the copy carries: where it came from and why. */
export const QUARANTINE_METADATA = {
  source: 'quarantined-from-key',
  version: 'quarantined-from-version',
  threats: 'quarantine-threats',
} as const;

/** `quarantine/<version>/<key>`: two infected versions of one key never collide. */
export function quarantineKeyOf({ key, versionId }: ObjectVersion): string {
  return `${QUARANTINE_PREFIX}${versionId}/${key}`;
}

export async function quarantine(event: ScanResultEvent, deps: QuarantineDeps): Promise<QuarantineLog> {
  const { store, log } = deps;
  const parsed = parseEvent(event, deps);
  if ('reason' in parsed) {
    const entry: QuarantineLog = { outcome: 'ignored', reason: parsed.reason, eventId: eventIdOf(event) };
    log(entry);
    return entry;
  }
  const { source, threats } = parsed;
  const quarantineKey = quarantineKeyOf(source);
  const base = {
    bucket: deps.bucket,
    key: source.key,
    versionId: source.versionId,
    quarantineKey,
    threats,
    owner: ownerOf(source.key),
    eventId: eventIdOf(event),
  };
  const facts = await store.head(source.key, source.versionId);
  if (!facts) {
    // Delivered again after the move finished, or the version is gone: the copy says which.
    const copy = await store.head(quarantineKey);
    const entry: QuarantineLog =
      copy && isCopyOf(copy, source)
        ? { ...base, outcome: 'already-quarantined' }
        : {
            ...base,
            outcome: 'source-missing',
            reason: 'the infected version is gone and no quarantine copy exists',
          };
    log(entry);
    if (entry.outcome === 'source-missing')
      throw new Error(`Quarantine of ${source.key} (${source.versionId}): ${entry.reason}`);
    return entry;
  }
  const metadata = {
    ...facts.metadata,
    [QUARANTINE_METADATA.source]: source.key,
    [QUARANTINE_METADATA.version]: source.versionId,
    [QUARANTINE_METADATA.threats]: threats.join(',').slice(0, 512),
  };
  const existing = await store.head(quarantineKey);
  if (!existing || !isCopyOf(existing, source) || existing.size !== facts.size) {
    await store.copy(source, quarantineKey, facts, metadata);
  }
  const copied = await store.head(quarantineKey);
  if (!copied || !isCopyOf(copied, source) || copied.size !== facts.size) {
    throw new Error(
      `Quarantine of ${source.key} (${source.versionId}): the copy did not verify; the original is kept`,
    );
  }
  await store.deleteVersion(source);
  const entry: QuarantineLog = { ...base, outcome: 'quarantined' };
  log(entry);
  return entry;
}

function isCopyOf(facts: VersionFacts, source: ObjectVersion): boolean {
  return (
    facts.metadata[QUARANTINE_METADATA.source] === source.key &&
    facts.metadata[QUARANTINE_METADATA.version] === source.versionId
  );
}

function parseEvent(
  event: ScanResultEvent,
  deps: QuarantineDeps,
): { source: ObjectVersion; threats: string[] } | { reason: string } {
  if (
    event.source !== 'aws.guardduty' ||
    event['detail-type'] !== 'GuardDuty Malware Protection Object Scan Result'
  )
    return { reason: 'not a GuardDuty Malware Protection Object Scan Result event' };
  const object = event.detail?.s3ObjectDetails;
  const result = event.detail?.scanResultDetails;
  if (result?.scanResultStatus !== 'THREATS_FOUND') return { reason: 'the scan found no threats' };
  if (object?.bucketName !== deps.bucket) return { reason: 'another bucket' };
  const key = object.objectKey;
  if (typeof key !== 'string' || key.length === 0) return { reason: 'no object key' };
  if (!deps.protectedPrefixes.some((p) => key.startsWith(p)) || key.startsWith(QUARANTINE_PREFIX))
    return { reason: 'outside the users and team folders' };
  const versionId = typeof object.versionId === 'string' && object.versionId ? object.versionId : 'null';
  const threats = Array.isArray(result.threats)
    ? result.threats.map((t) => String((t as { name?: unknown })?.name ?? 'unnamed')).slice(0, 20)
    : [];
  return { source: { key, versionId }, threats };
}

function ownerOf(key: string): string {
  return key.split('/').slice(0, 2).join('/');
}

function eventIdOf(event: ScanResultEvent): string | undefined {
  return typeof event.id === 'string' ? event.id : undefined;
}
