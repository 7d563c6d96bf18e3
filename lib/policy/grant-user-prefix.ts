import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from '../peer';
import { IConstruct } from 'constructs';
import { grantStatementsOnBucket, isConstruct } from './grant-statements';
import { USERS_PREFIX } from './user-prefix-names';
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
  usersPrefix: string = USERS_PREFIX,
): iam.Grant {
  const grants = grantStatementsOnBucket(
    bucket,
    grantee,
    userPrefixStatements(bucket.bucketArn, keyExpression, usersPrefix),
  );
  if (isConstruct(grantee)) {
    acknowledgeUserPrefixWildcard(
      grantee.node.tryFindChild('DefaultPolicy') ?? grantee,
      keyExpression,
      usersPrefix,
    );
  }
  return grants.reduce((all, grant) => all.combine(grant));
}

/**
 * The cdk-nag IAM5 finding for `<bucket ARN>/users/<keyExpression>/*`, and only that one.
 * cdk-nag prints a policy variable `${x}` as `<x>`.
 */
export function userPrefixWildcardFinding(
  keyExpression: string,
  usersPrefix: string = USERS_PREFIX,
): { regex: string } {
  const asNagPrints = `${usersPrefix}${keyExpression.replace(/^\$\{(.*)\}$/, '<$1>')}/*`;
  const escaped = asNagPrints.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return { regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${escaped}$/` };
}

function acknowledgeUserPrefixWildcard(scope: IConstruct, keyExpression: string, usersPrefix: string) {
  NagSuppressions.addResourceSuppressions(scope, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Per-user object access: the wildcard is confined to users/<caller>/ by a policy variable that IAM fills in from the signed-in identity, so each session reaches only its own prefix.',
      appliesTo: [userPrefixWildcardFinding(keyExpression, usersPrefix)],
    },
  ]);
}
