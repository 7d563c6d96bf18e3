import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { grantUserPrefixAccess } from './grant-user-prefix';
import { OKTA_SUB_TAG, PRINCIPAL_TAG_KEY, USERS_PREFIX, webIdentitySubKey } from './user-prefix-names';
import { userPrefixStatements } from './user-prefix-statements';

/**
 * The per-user access every route shares, as static methods so that every jsii language sees them
 * (functions and constants are TypeScript-only).
 */
export class UserPrefixPolicy {
  /** The folder every user's own prefix lives under. */
  public static readonly USERS_PREFIX = USERS_PREFIX;
  /** The principal tag that carries the Okta `sub` for routes 1 and 3. */
  public static readonly OKTA_SUB_TAG = OKTA_SUB_TAG;
  /** Policy variable resolving to the session's `okta_sub` principal tag: `${aws:PrincipalTag/okta_sub}`. */
  public static readonly PRINCIPAL_TAG_KEY = PRINCIPAL_TAG_KEY;

  /**
   * Objects under `<usersPrefix><key>/` and a listing limited to that prefix, and nothing else.
   *
   * @param bucketArn ARN of the data bucket (a token is fine)
   * @param keyExpression a single IAM policy variable naming the caller, e.g. `UserPrefixPolicy.PRINCIPAL_TAG_KEY`
   * @param usersPrefix the folder every user's prefix lives under (default `users/`)
   */
  public static statements(
    bucketArn: string,
    keyExpression: string,
    usersPrefix?: string,
  ): iam.PolicyStatement[] {
    return userPrefixStatements(bucketArn, keyExpression, usersPrefix);
  }

  /**
   * Grants `grantee` the per-user statements on `bucket` under `usersPrefix` (default `users/`) (and its KMS key through S3 for this
   * bucket only, if it has one).
   */
  public static grant(
    bucket: s3.IBucket,
    grantee: iam.IGrantable,
    keyExpression: string,
    usersPrefix?: string,
  ): iam.Grant {
    return grantUserPrefixAccess(bucket, grantee, keyExpression, usersPrefix);
  }

  /** The policy variable of a web-identity token's `sub` for an issuer, e.g. `${x.okta.com/oauth2/default:sub}`. */
  public static webIdentitySubKey(issuer: string): string {
    return webIdentitySubKey(issuer);
  }

  private constructor() {}
}
