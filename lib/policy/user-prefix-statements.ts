import * as iam from 'aws-cdk-lib/aws-iam';

/** Every user's objects live under `users/<key>/`. */
export const USERS_PREFIX = 'users/';

/** The principal tag that carries the Okta `sub` for routes 1 and 3. */
export const OKTA_SUB_TAG = 'okta_sub';

/** Policy variable resolving to the session's `okta_sub` principal tag. */
export const PRINCIPAL_TAG_KEY = `\${aws:PrincipalTag/${OKTA_SUB_TAG}}`;

/** Actions a user may take on objects under their own prefix, and nothing else. */
export const USER_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

/** Policy variable resolving to the web-identity token's `sub` for an issuer such as `https://x.okta.com/oauth2/default`. */
export function webIdentitySubKey(issuer: string): string {
  return `\${${issuerHostAndPath(issuer)}:sub}`;
}

/** The issuer as IAM names its condition keys: no scheme, e.g. `x.okta.com/oauth2/default`. */
export function issuerHostAndPath(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/+$/, '');
}

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
export function userPrefixStatements(bucketArn: string, keyExpression: string): iam.PolicyStatement[] {
  assertPolicyVariable(keyExpression);
  const prefix = `${USERS_PREFIX}${keyExpression}/`;
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
