/*
 * The names of GuardDuty Malware Protection for S3 that the policies, the presign Lambda, the
 * quarantine Lambda and the verifier agree on, with no CDK import.
 */

/**
 * The object tag GuardDuty writes after a scan when the plan's tagging is on
 * (https://docs.aws.amazon.com/guardduty/latest/ug/monitor-enable-s3-object-tagging-malware-protection.html).
 */
export const SCAN_STATUS_TAG = 'GuardDutyMalwareScanStatus';

/**
 * The values of that tag
 * (https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html).
 * Only `NO_THREATS_FOUND` makes an object readable; an object without the tag is still pending.
 */
export const SCAN_RESULTS = [
  'NO_THREATS_FOUND',
  'THREATS_FOUND',
  'UNSUPPORTED',
  'ACCESS_DENIED',
  'FAILED',
] as const;

export type ScanResult = (typeof SCAN_RESULTS)[number];

/** The one value that opens an object to users. */
export const CLEAN_SCAN_RESULT: ScanResult = 'NO_THREATS_FOUND';

/** The condition key of an object's existing tag, as S3 evaluates it for GetObject. */
export const EXISTING_SCAN_TAG_KEY = `s3:ExistingObjectTag/${SCAN_STATUS_TAG}`;

/** Where the quarantine handler moves objects GuardDuty found threats in. No user grant reaches it. */
export const QUARANTINE_PREFIX = 'quarantine/';

/**
 * What a user sees of a file: `pending` (no tag yet), `clean`, or `blocked` (any other result:
 * threats found, or a scan that could not finish, which stays unreadable until an administrator
 * acts).
 */
export type ScanState = 'pending' | 'clean' | 'blocked';

/**
 * What each documented result means to a user. `UNSUPPORTED` (GuardDuty could not scan the object,
 * e.g. too large or an unsupported archive), `ACCESS_DENIED` (GuardDuty could not read it) and
 * `FAILED` leave the object unreadable, as the bucket policy opens only `NO_THREATS_FOUND`, until an
 * administrator rescans or releases it: blocked, like a threat.
 */
export const SCAN_STATE_OF_RESULT: Readonly<Record<ScanResult, ScanState>> = {
  NO_THREATS_FOUND: 'clean',
  THREATS_FOUND: 'blocked',
  UNSUPPORTED: 'blocked',
  ACCESS_DENIED: 'blocked',
  FAILED: 'blocked',
};

/**
 * The state of an object from its tag value (`undefined`: no tag). A value GuardDuty does not
 * document is blocked too: the bucket policy keeps it unreadable.
 */
export function scanStateOf(tagValue: string | undefined): ScanState {
  if (tagValue === undefined) return 'pending';
  const documented = Object.prototype.hasOwnProperty.call(SCAN_STATE_OF_RESULT, tagValue);
  return documented ? SCAN_STATE_OF_RESULT[tagValue as ScanResult] : 'blocked';
}
