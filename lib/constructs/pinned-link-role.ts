import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { NagSuppressions } from '../peer';
import { grantKeyThroughS3 } from '../policy/grant-key-through-s3';
import { pinnedVersionStatements } from '../policy/pinned-version-statements';

export interface PinnedLinkRoleProps {
  /** The data bucket. */
  readonly bucket: s3.IBucket;
  /** The presign function's execution role: the only principal that may assume this role. */
  readonly trustedRole: iam.IRole;
  /** The folder users' prefixes live under. */
  readonly usersPrefix: string;
  /** The folder team folders live under. */
  readonly teamsPrefix: string;
}

/**
 * The role whose sessions sign pinned share links (`version: 'pinned'`): user routes deliberately
 * have no version access, so a link to one object version is signed by this role instead, with a
 * session policy naming that version alone (lambda/presign/sharing/pinned-sessions.ts).
 *
 * - Trust: only the presign function's execution role, `sts:AssumeRole` alone (no tags, no other
 *   principal). The execution role's own policy denies the call from anywhere but the function
 *   (`PresignApi`'s source-function guard names this role too).
 * - Permissions: `s3:GetObjectVersion` under the users and teams prefixes and, with SSE-KMS,
 *   `kms:Decrypt` of the bucket's key only through S3 for this bucket: what a versioned GET needs
 *   ("GetObject ... must have kms:Decrypt", SSE-KMS,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html), without the
 *   `kms:GenerateDataKey` an upload needs.
 * - Sessions last one hour at most (role chaining caps them there anyway); the function asks for
 *   the 15-minute minimum.
 */
export class PinnedLinkRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PinnedLinkRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      description:
        'Pinned share links: s3:GetObjectVersion, narrowed per visit to one version by a session policy',
      assumedBy: new iam.ArnPrincipal(props.trustedRole.roleArn),
      maxSessionDuration: Duration.hours(1),
    });
    for (const statement of pinnedVersionStatements(
      props.bucket.bucketArn,
      props.usersPrefix,
      props.teamsPrefix,
    )) {
      this.role.addToPrincipalPolicy(statement);
    }
    if (props.bucket.encryptionKey) {
      grantKeyThroughS3(props.bucket, props.bucket.encryptionKey, this.role, ['kms:Decrypt']);
    }
    NagSuppressions.addResourceSuppressions(this.role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Pinned share links: object versions under the users and teams prefixes, read only; every session is narrowed by a session policy to the one object version its link names, and only the presign function may assume the role.',
        appliesTo: [props.usersPrefix, props.teamsPrefix].map((prefix) => ({
          regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\*$/`,
        })),
      },
    ]);
  }
}
