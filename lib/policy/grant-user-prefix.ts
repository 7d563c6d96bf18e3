import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { userPrefixStatements } from './user-prefix-statements';

/**
 * Gives a principal the per-user statements on a bucket (and use of its KMS key through S3 for
 * this bucket only, if it has one), and acknowledges the one cdk-nag finding this necessarily
 * raises: the object wildcard under the user's own prefix.
 */
export function grantUserPrefixAccess(
  bucket: s3.IBucket,
  grantee: iam.IGrantable,
  keyExpression: string,
): iam.Grant {
  const grants = userPrefixStatements(bucket.bucketArn, keyExpression).map((statement) =>
    iam.Grant.addToPrincipal({
      grantee,
      actions: statement.actions,
      resourceArns: statement.resources,
      conditions: statement.conditions,
    }),
  );
  if (bucket.encryptionKey) grants.push(grantKeyThroughS3(bucket, bucket.encryptionKey, grantee));
  if (isConstruct(grantee)) {
    acknowledgeUserPrefixWildcard(grantee.node.tryFindChild('DefaultPolicy') ?? grantee, keyExpression);
  }
  return grants.reduce((all, grant) => all.combine(grant));
}

/**
 * Users need the bucket's key for SSE-KMS, but only as S3 uses it for this bucket: never to
 * decrypt or generate data keys directly. With a bucket key the encryption context is the bucket
 * ARN, without one it is the object ARN.
 */
function grantKeyThroughS3(bucket: s3.IBucket, key: kms.IKey, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    resourceArns: [key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `s3.${Stack.of(bucket).region}.${Stack.of(bucket).urlSuffix}` },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, `${bucket.bucketArn}/*`] },
    },
  });
}

/**
 * The cdk-nag IAM5 finding for `<bucket ARN>/users/<keyExpression>/*`, and only that one.
 * cdk-nag prints a policy variable `${x}` as `<x>`.
 */
export function userPrefixWildcardFinding(keyExpression: string): { regex: string } {
  const asNagPrints = `users/${keyExpression.replace(/^\$\{(.*)\}$/, '<$1>')}/*`;
  const escaped = asNagPrints.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${escaped}$/` };
}

function acknowledgeUserPrefixWildcard(scope: IConstruct, keyExpression: string) {
  NagSuppressions.addResourceSuppressions(scope, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Per-user object access: the wildcard is confined to users/<caller>/ by a policy variable that IAM fills in from the signed-in identity, so each session reaches only its own prefix.',
      appliesTo: [userPrefixWildcardFinding(keyExpression)],
    },
  ]);
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && 'node' in x;
}
