/**
 * A stand-in for GuardDuty Malware Protection for S3 on the local S3 server: what the stack's plan
 * does to a new object, and the tags S3 puts into a request's IAM context.
 *
 * - A new object under a scanned prefix gets the `GuardDutyMalwareScanStatus` tag once its scan
 *   ends: `THREATS_FOUND` for a file holding the EICAR anti-malware test file, `NO_THREATS_FOUND`
 *   for anything else (GuardDuty's result values and the tag, "S3 object scan result" and
 *   "Tagging scanned objects" in the GuardDuty guide, cited in emulator/model/s3-scan-rules.ts).
 *   `delayMs` 0 ends the scan before the upload's answer, so tests need not wait; a person
 *   trying `npm run local` sees "still being scanned" for a moment.
 * - `tagsOf` reads an object's tags, which S3 adds to the context of the actions that carry
 *   `s3:ExistingObjectTag/<key>` (emulator/model/s3-scan-rules.ts).
 *
 * The EICAR file's text is never written in this repository (antivirus on a developer's machine
 * would flag it): a scan looks for the part of it that names it, which no scanner flags alone.
 */
import { GetObjectCommand, GetObjectTaggingCommand, PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import { SCAN_STATUS_TAG } from '../../lib/policy/scan-status-names';
import { administratorClient } from './s3-server';
import type { ObjectVersions } from './object-versions';

/** The words inside the EICAR test file that name it, assembled here so no file holds them whole. */
const EICAR_NAME = ['EICAR', 'STANDARD', 'ANTIVIRUS', 'TEST', 'FILE'].join('-');

const statusOf = (body: Buffer): ScanResult['status'] =>
  body.includes(EICAR_NAME) ? 'THREATS_FOUND' : 'NO_THREATS_FOUND';

export interface ScannerStandInOptions {
  /** The local S3 server, reached with its own administrator key. */
  readonly s3Endpoint: string;
  readonly bucket: string;
  /** The plan's prefixes; empty for the whole bucket. */
  readonly prefixes: readonly string[];
  /** How long a scan takes. @default 0: done before the upload is answered */
  readonly delayMs?: number;
  /**
   * Told each result once the object is tagged, as GuardDuty sends its result to EventBridge
   * ("Monitoring S3 object scans with Amazon EventBridge", GuardDuty user guide).
   */
  readonly onResult?: (result: ScanResult) => void;
  /**
   * The S3 front's versions: a scan reads and tags the version its upload made, even once a newer
   * upload replaced it (GuardDuty scans "a new version of an existing S3 object", GuardDuty user guide).
   */
  readonly versions?: ObjectVersions;
}

/** One finished scan: the object, the version the upload made, and GuardDuty's result value. */
export interface ScanResult {
  readonly key: string;
  readonly versionId?: string;
  readonly status: 'THREATS_FOUND' | 'NO_THREATS_FOUND';
}

export interface ScannerStandIn {
  /** Scans a new object (the version its upload made), if under a scanned prefix; with no delay, before it resolves. */
  scanNewObject(key: string, versionId?: string): Promise<void>;
  /** The object's tags; none for a missing object. */
  tagsOf(key: string): Promise<Record<string, string>>;
  /** Waits for scans still running (with a delay). */
  settle(): Promise<void>;
  /** Lets go of the connection to the local S3 server. */
  close(): void;
}

export function scannerStandIn(options: ScannerStandInOptions): ScannerStandIn {
  const client = administratorClient(options.s3Endpoint);
  const running = new Set<Promise<void>>();
  const Bucket = options.bucket;

  async function scan(key: string, versionId?: string): Promise<void> {
    const kept = versionId === undefined ? undefined : options.versions?.find(key, versionId);
    // A version deleted before its scan ended is not scanned.
    if (versionId !== undefined && options.versions && !kept) return;
    if (kept && options.versions?.current(key) !== kept) {
      const status = statusOf(kept.body);
      kept.tags = { ...kept.tags, [SCAN_STATUS_TAG]: status };
      return options.onResult?.({ key, versionId, status });
    }
    const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
    const status = statusOf(Buffer.from((await object.Body?.transformToByteArray()) ?? []));
    const existing = await tagsOf(key);
    const TagSet = Object.entries({ ...existing, [SCAN_STATUS_TAG]: status }).map(([Key, Value]) => ({
      Key,
      Value,
    }));
    await client.send(new PutObjectTaggingCommand({ Bucket, Key: key, Tagging: { TagSet } }));
    options.onResult?.({ key, versionId, status });
  }

  async function tagsOf(key: string): Promise<Record<string, string>> {
    try {
      const { TagSet = [] } = await client.send(new GetObjectTaggingCommand({ Bucket, Key: key }));
      return Object.fromEntries(TagSet.map((t) => [t.Key ?? '', t.Value ?? '']));
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return {};
      throw error;
    }
  }

  return {
    async scanNewObject(key, versionId) {
      const scanned =
        options.prefixes.length === 0 || options.prefixes.some((prefix) => key.startsWith(prefix));
      if (!scanned) return;
      if (!options.delayMs) return scan(key, versionId);
      const later = new Promise<void>((resolve) => setTimeout(resolve, options.delayMs))
        .then(() => scan(key, versionId))
        .catch((error) => console.error(`scanner stand-in: ${key}: ${String(error)}`))
        .finally(() => running.delete(later));
      running.add(later);
    },
    tagsOf,
    async settle() {
      await Promise.all([...running]);
    },
    close: () => client.destroy(),
  };
}
