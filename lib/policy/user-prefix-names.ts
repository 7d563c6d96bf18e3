/*
 * The names every route agrees on, with no CDK import, so the verifier CLI can use them in its
 * bundle without pulling in aws-cdk-lib.
 */

import { DEFAULT_USERS_PREFIX } from '../validation/rules';

/** Every user's objects live under `users/<key>/` unless a construct's `usersPrefix` says otherwise. */
export const USERS_PREFIX = DEFAULT_USERS_PREFIX;

/** The principal tag that carries the Okta `sub` for routes 1 and 3. */
export const OKTA_SUB_TAG = 'okta_sub';

/** Policy variable resolving to the session's `okta_sub` principal tag. */
export const PRINCIPAL_TAG_KEY = `\${aws:PrincipalTag/${OKTA_SUB_TAG}}`;

/** Actions a user may take on objects under their own prefix, and nothing else. */
export const USER_OBJECT_ACTIONS = [
  's3:GetObject',
  // To see an object's malware-scan state (its GuardDutyMalwareScanStatus tag); never to set tags.
  's3:GetObjectTagging',
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
