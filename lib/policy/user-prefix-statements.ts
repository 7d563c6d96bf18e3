import * as iam from 'aws-cdk-lib/aws-iam';

import { isUsersPrefix } from '../validation/rules';
import { PRINCIPAL_TAG_KEY, USER_OBJECT_ACTIONS, USERS_PREFIX } from './user-prefix-names';

export * from './user-prefix-names';

/**
 * The single source of per-user S3 access for every route: objects under `users/<key>/` and a
 * listing limited to that prefix. The slash after the key matters: without it user `00uA` would
 * reach `users/00uAB/`. Versions, ACLs, other prefixes and the bucket root are never granted, so
 * a delete only adds a delete marker that an administrator can undo. Statements carry no Sid, so
 * one principal can be granted several buckets without duplicate ids.
 *
 * @param bucketArn ARN of the data bucket (a token is fine: it carries the stack's partition)
 * @param keyExpression an IAM policy variable naming the user, e.g. {@link PRINCIPAL_TAG_KEY}
 */
export function userPrefixStatements(
  bucketArn: string,
  keyExpression: string,
  usersPrefix: string = USERS_PREFIX,
): iam.PolicyStatement[] {
  assertPolicyVariable(keyExpression);
  assertUsersPrefix(usersPrefix);
  const prefix = `${usersPrefix}${keyExpression}/`;
  return [
    new iam.PolicyStatement({
      actions: [...USER_OBJECT_ACTIONS],
      resources: [`${bucketArn}/${prefix}*`],
    }),
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      conditions: { StringLike: { 's3:prefix': [prefix, `${prefix}*`] } },
    }),
  ];
}

/** The users prefix must be a plain folder path: anything else would widen or misplace every grant. */
export function assertUsersPrefix(usersPrefix: string): void {
  if (!isUsersPrefix(usersPrefix)) {
    throw new Error(
      `usersPrefix must be folder segments each ending in "/", such as "users/", got "${usersPrefix}"`,
    );
  }
}

/**
 * The key must be exactly one policy variable: anything else (a literal, a `*`, two variables)
 * would name another prefix than the caller's own, or many.
 */
export function assertPolicyVariable(keyExpression: string): void {
  if (!/^\$\{[A-Za-z0-9_.:/-]+\}$/.test(keyExpression)) {
    throw new Error(
      `keyExpression must be a single IAM policy variable such as ${PRINCIPAL_TAG_KEY}, got "${keyExpression}"`,
    );
  }
}
