import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { grantKeyThroughS3 } from './grant-key-through-s3';

/**
 * Grants `grantee` each statement on `bucket`, plus the bucket's KMS key through S3 for this
 * bucket only when it has one: what every per-user and team grant does, in one place.
 */
export function grantStatementsOnBucket(
  bucket: s3.IBucket,
  grantee: iam.IGrantable,
  statements: readonly iam.PolicyStatement[],
): iam.Grant[] {
  const grants = statements.map((statement) =>
    iam.Grant.addToPrincipal({
      grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }),
  );
  if (bucket.encryptionKey) grants.push(grantKeyThroughS3(bucket, bucket.encryptionKey, grantee));
  return grants;
}

export function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x;
}
