/**
 * What a user is told when a download is refused because of the malware scan (README: Malware
 * scanning), in plain words. Route 3's API names the reason (409 ScanPending, 403 Blocked); on
 * routes 1 and 2 S3 says only 403, so the client reads the file's GuardDuty tag to tell which.
 */
export const SCAN_MESSAGES = {
  pending: 'This file is still being scanned for malware. Try again in a minute.',
  blocked: 'This file was blocked by the malware scan and cannot be downloaded. Ask your administrator.',
} as const;

const SCAN_STATUS_TAG = 'GuardDutyMalwareScanStatus';

/** A file's state in route 3's `GET /files` when the deployment scans (absent when it does not). */
export type ListedScanState = 'pending' | 'clean' | 'blocked';

/** What the file list shows beside a file: nothing for a clean file or without scanning. */
export function scanStateLabel(state: ListedScanState | undefined): string {
  if (state === 'pending') return 'still being scanned for malware';
  if (state === 'blocked') return 'blocked by the malware scan';
  return '';
}

/** The message for a presign API refusal, or undefined if it is not about the scan. */
export function presignRefusalMessage(status: number, error: unknown): string | undefined {
  if (status === 409 && error === 'ScanPending') return SCAN_MESSAGES.pending;
  if (status === 403 && error === 'Blocked') return SCAN_MESSAGES.blocked;
  return undefined;
}

/**
 * The message for an object S3 refused to a user who may read its tags: pending without the scan
 * tag, blocked with any result but NO_THREATS_FOUND; undefined when the scan is not the reason.
 */
export function taggedRefusalMessage(tags: readonly { Key?: string; Value?: string }[]): string | undefined {
  const status = tags.find((t) => t.Key === SCAN_STATUS_TAG)?.Value;
  if (status === undefined) return SCAN_MESSAGES.pending;
  return status === 'NO_THREATS_FOUND' ? undefined : SCAN_MESSAGES.blocked;
}
