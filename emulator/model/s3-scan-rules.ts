/**
 * GuardDuty Malware Protection for S3 and the object-tag conditions a scan gate relies on, as the
 * AWS documentation states them. The rules are checked against the synthesized template and the
 * IAM simulator in test/aws-model/s3-scan.test.ts, each with a broken fixture.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import type { RequestContext } from '../iam/simulate';
import { EXISTING_SCAN_TAG_KEY, SCAN_STATUS_TAG } from '../../lib/policy/scan-status-names';
import { resourcesOfType } from './template-query';

/**
 * Actions for which S3 puts the existing object's tags into the request context as
 * `s3:ExistingObjectTag/<key>` (Service Authorization Reference for Amazon S3, "Actions defined by
 * Amazon S3", the condition-keys column,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html; and
 * "Tagging and access control policies",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html). For any other
 * action the key is absent. The simulator agrees: `decide` throws when a key is not one of the
 * action's, and test/iam/scan-states.test.ts passes the key for each of these.
 */
export const EXISTING_TAG_ACTIONS = [
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectTagging',
  's3:GetObjectVersionTagging',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
  's3:DeleteObjectTagging',
  's3:DeleteObjectVersionTagging',
] as const;

/**
 * The context S3 adds for an object whose tags are `tags`: `s3:ExistingObjectTag/<key>` per tag,
 * only on the actions that carry it.
 */
export function existingTagContext(action: string, tags: Readonly<Record<string, string>>): RequestContext {
  if (!(EXISTING_TAG_ACTIONS as readonly string[]).includes(action)) return {};
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`s3:ExistingObjectTag/${k}`, v]));
}

/** An object GuardDuty scanned and found clean: its tag, in the context of a request on it. */
export function scannedCleanContext(action: string): RequestContext {
  return existingTagContext(action, { [SCAN_STATUS_TAG]: 'NO_THREATS_FOUND' });
}

export { EXISTING_SCAN_TAG_KEY };

/**
 * Whether GuardDuty tags the objects of `bucketName` after a scan: a `MalwareProtectionPlan` on
 * the bucket with `Actions.Tagging.Status` `ENABLED`. Without it, no object ever gets the tag
 * (AWS::GuardDuty::MalwareProtectionPlan CFNTagging, "Indicates whether or not you chose GuardDuty
 * to add a predefined tag to the scanned S3 object",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-guardduty-malwareprotectionplan-cfntagging.html),
 * and a bucket policy gated on it would lock every user out for good.
 */
export function tagsScannedObjects(template: ResolvedTemplate, bucketName: string): boolean {
  return resourcesOfType(template, 'AWS::GuardDuty::MalwareProtectionPlan').some((plan) => {
    const p = plan.props as {
      ProtectedResource?: { S3Bucket?: { BucketName?: unknown } };
      Actions?: { Tagging?: { Status?: unknown } };
    };
    return (
      p.ProtectedResource?.S3Bucket?.BucketName === bucketName && p.Actions?.Tagging?.Status === 'ENABLED'
    );
  });
}

/**
 * The prefixes a plan scans: objects outside them are never tagged by new-upload scans
 * (CFNProtectedResource S3Bucket ObjectPrefixes, "the prefixes of the objects you want GuardDuty
 * to scan", up to 5,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-guardduty-malwareprotectionplan-s3bucket.html).
 * An empty list means the whole bucket.
 */
export function scannedPrefixes(template: ResolvedTemplate, bucketName: string): string[] | undefined {
  const plan = resourcesOfType(template, 'AWS::GuardDuty::MalwareProtectionPlan').find(
    (p) =>
      (p.props as { ProtectedResource?: { S3Bucket?: { BucketName?: unknown } } }).ProtectedResource?.S3Bucket
        ?.BucketName === bucketName,
  );
  if (!plan) return undefined;
  return [((plan.props as any).ProtectedResource.S3Bucket.ObjectPrefixes ?? []) as string[]].flat();
}

/**
 * The event GuardDuty sends to EventBridge's default bus when it finishes scanning an object, in
 * the documented shape ("Monitoring S3 object scans with Amazon EventBridge",
 * https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html):
 * source `aws.guardduty`, detail type `GuardDuty Malware Protection Object Scan Result`, the
 * object in `detail.s3ObjectDetails` and the result in `detail.scanResultDetails`.
 */
export function scanResultEvent(
  bucket: string,
  key: string,
  scanResultStatus: string,
  versionId = 'v1',
  id = '72c7d362-737a-6dce-fc78-9e27a0171419',
): Record<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': 'GuardDuty Malware Protection Object Scan Result',
    source: 'aws.guardduty',
    account: '111122223333',
    time: '2024-02-28T01:01:01Z',
    region: 'us-east-1',
    resources: ['arn:aws:guardduty:us-east-1:111122223333:malware-protection-plan/b4c7f464ab3a4EXAMPLE'],
    detail: {
      schemaVersion: '1.0',
      scanStatus: 'COMPLETED',
      resourceType: 'S3_OBJECT',
      s3ObjectDetails: {
        bucketName: bucket,
        objectKey: key,
        eTag: 'ASIAI44QH8DHBEXAMPLE',
        versionId,
        s3Throttled: false,
      },
      scanResultDetails: {
        scanResultStatus,
        threats: scanResultStatus === 'THREATS_FOUND' ? [{ name: 'EICAR-Test-File (not a virus)' }] : null,
      },
    },
  };
}
