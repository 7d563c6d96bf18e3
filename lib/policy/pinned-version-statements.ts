import * as iam from 'aws-cdk-lib/aws-iam';
import { assertUsersPrefix } from './user-prefix-statements';
import { PINNED_VERSION_ACTION } from './pinned-version-session-policy';

export * from './pinned-version-session-policy';

/**
 * The pinned-link role's own permissions: reading object versions (`s3:GetObjectVersion`, the
 * action S3 requires when a GET or HEAD names a `versionId`: "you must have the
 * s3:GetObjectVersion permission to access a specific version of an object", GetObject,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html) under the users and teams
 * prefixes, and nothing else: no current-version read, no write, no listing, no other prefix. Every
 * session narrows this to one version with `pinnedVersionSessionPolicy`; the role itself is
 * assumable only by the presign function's role.
 */
export function pinnedVersionStatements(
  bucketArn: string,
  usersPrefix: string,
  teamsPrefix: string,
): iam.PolicyStatement[] {
  assertUsersPrefix(usersPrefix);
  assertUsersPrefix(teamsPrefix);
  return [
    new iam.PolicyStatement({
      actions: [PINNED_VERSION_ACTION],
      resources: [`${bucketArn}/${usersPrefix}*`, `${bucketArn}/${teamsPrefix}*`],
    }),
  ];
}
