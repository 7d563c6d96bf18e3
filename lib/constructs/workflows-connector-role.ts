import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from '../peer';
import { Construct } from 'constructs';
import { grantKeyThroughS3 } from '../policy/grant-key-through-s3';
import { throwIfProblems } from '../validation/problems';
import { AWS_ACCOUNT_ID, STS_EXTERNAL_ID } from '../validation/rules';

/** What Okta Workflows shows when an AWS S3 connection is created. */
export interface WorkflowsConnectorOptions {
  /** The AWS account id Okta Workflows shows for the connection (12 digits). */
  readonly accountId: string;
  /** The external id Okta Workflows shows for that connection. */
  readonly externalId: string;
}

export interface WorkflowsConnectorRoleProps extends WorkflowsConnectorOptions {
  /** The only bucket the connector may use. */
  readonly bucket: s3.IBucket;
}

/**
 * Object-level actions the Okta Workflows AWS S3 cards use: list, read, upload, delete and tag
 * objects. Okta's sample policy grants far more on `*` (creating and deleting buckets, ACLs,
 * versioning, object lock, retention bypass, deleting versions); a flow that automates files in an
 * existing bucket needs none of that, and a delete stays recoverable.
 */
export const WORKFLOWS_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:GetObjectTagging',
  's3:PutObjectTagging',
];
export const WORKFLOWS_BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketLocation'];

/** The role Okta Workflows' AWS S3 connector assumes, confined to one bucket. */
export class WorkflowsConnectorRole extends Construct {
  /** The role Okta Workflows assumes with the external id. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: WorkflowsConnectorRoleProps) {
    super(scope, id);
    const valid = (value: string, rule: RegExp) => Token.isUnresolved(value) || rule.test(value);
    throwIfProblems(
      this,
      [
        valid(props.accountId, AWS_ACCOUNT_ID) ? '' : 'accountId: must be a 12-digit account id',
        valid(props.externalId, STS_EXTERNAL_ID)
          ? ''
          : 'externalId: must be 2-1224 characters of [\\w+=,.@:/-]',
      ].filter(Boolean),
    );

    this.role = new iam.Role(this, 'Role', {
      description: 'Okta Workflows AWS S3 connector: object actions on one bucket',
      assumedBy: new iam.AccountPrincipal(props.accountId).withConditions({
        StringEquals: { 'sts:ExternalId': props.externalId },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: WORKFLOWS_BUCKET_ACTIONS, resources: [props.bucket.bucketArn] }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: WORKFLOWS_OBJECT_ACTIONS,
        resources: [props.bucket.arnForObjects('*')],
      }),
    );
    // Only as S3 uses the key for this bucket: `key.grant` would let the role decrypt directly.
    if (props.bucket.encryptionKey) grantKeyThroughS3(props.bucket, props.bucket.encryptionKey, this.role);
    NagSuppressions.addResourceSuppressions(this.role.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The connector automates files anywhere in this one bucket by design (e.g. provisioning folders for users); the wildcard is limited to its objects.',
        appliesTo: [{ regex: '/^Resource::<[A-Za-z0-9]+\\.Arn>\\/\\*$/' }],
      },
    ]);
  }
}
