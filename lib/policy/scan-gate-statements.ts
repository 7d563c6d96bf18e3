import * as iam from 'aws-cdk-lib/aws-iam';
import { CLEAN_SCAN_RESULT, EXISTING_SCAN_TAG_KEY } from './scan-status-names';

export * from './scan-status-names';

/** Actions that read an object's content: the ones gated on a clean scan. */
export const CONTENT_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectVersion'];

/** Every action that changes or removes an existing object's tags. Only the scanner may. */
export const TAG_CHANGE_ACTIONS = [
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
];

/**
 * The bucket-policy denials that keep users' hands off anything GuardDuty has not called clean,
 * for the principals of every user route (`principals`). Administrators, the scanner's role and
 * the quarantine handler are not named, so they keep what their own policies give them, as
 * GuardDuty's role must (https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection-s3-iam-policy-prerequisite.html).
 *
 * - `DenyReadUntilScannedClean`: GetObject and GetObjectVersion unless the object's (or version's)
 *   `GuardDutyMalwareScanStatus` tag is `NO_THREATS_FOUND`. `s3:ExistingObjectTag/<key>` is the
 *   tag of the object the request names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html);
 *   with a negated operator a key that is absent makes the condition true
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
 *   so an object not scanned yet, with no tag at all, is denied too. HeadObject is authorized as
 *   GetObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), so it is denied
 *   as well.
 * - `DenyScanTagChanges`: no user changes or removes tags, on any version.
 * - `DenyTagsAtUpload`: no tags in an upload request. `s3:RequestObjectTagKeys` holds the keys of
 *   the tags a request sets: `x-amz-tagging` on PutObject and CreateMultipartUpload (both
 *   authorized as s3:PutObject), CopyObject with `x-amz-tagging-directive: REPLACE`, and a POST
 *   form's `tagging` field (https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html).
 *   `Null: false` means "the request names tags", so untagged uploads pass. A CopyObject with the
 *   default `COPY` directive names no tags but copies the source's, which writes them with
 *   s3:PutObjectTagging (AWS Knowledge Center, s3-troubleshoot-copy-between-buckets): a tag change
 *   `DenyScanTagChanges` refuses. So users copy with `REPLACE` and no tags, and the copy is scanned.
 */
export function scanGateStatements(
  objectsArn: string,
  principals: readonly iam.IPrincipal[],
): iam.PolicyStatement[] {
  if (principals.length === 0) throw new Error('scanGateStatements: give the principals of every user route');
  const deny = (sid: string, actions: string[], conditions?: Record<string, Record<string, string>>) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [...principals],
      actions,
      resources: [objectsArn],
      conditions,
    });
  return [
    deny('DenyReadUntilScannedClean', CONTENT_READ_ACTIONS, {
      StringNotEquals: { [EXISTING_SCAN_TAG_KEY]: CLEAN_SCAN_RESULT },
    }),
    deny('DenyScanTagChanges', TAG_CHANGE_ACTIONS),
    deny('DenyTagsAtUpload', ['s3:PutObject'], { Null: { 's3:RequestObjectTagKeys': 'false' } }),
  ];
}
