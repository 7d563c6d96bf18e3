import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PresignConfig } from './config';
import { forbidden, isRecord } from './http';
import { isValidSub } from './keys';
import { authorizerClaims, verifiedPayload } from './token-binding';

/** What a caller's verified claims must show; the deployment sets both (see PresignConfig). */
export type IdentityRules = Pick<PresignConfig, 'identityProviderName' | 'allowedClientIds'>;

/**
 * The caller's Okta `sub`: the `userId` of the `identities` entry for the Okta provider, in the
 * ID token API Gateway verified. Cognito writes `identities` when the user signs in through the
 * provider, and no client or user can change it; user-pool attributes (`custom:*`, `email`) are
 * writable by app clients and are never read here.
 *
 * The flattened `identities` claim the authorizer passes is not JSON, so the value comes from the
 * token's own payload, which `verifiedPayload` binds to the verified claims first.
 */
export function callerSub(event: APIGatewayProxyEvent, rules: IdentityRules): string {
  const claims = authorizerClaims(event);
  const payload = verifiedPayload(event, claims);
  // Access tokens carry no `identities`; real ID tokens always say `token_use: id`.
  if (payload.token_use !== 'id') throw forbidden('An ID token is required');
  // No allow-list means any app client of the pool.
  if (rules.allowedClientIds.length > 0 && !rules.allowedClientIds.some((id) => id === payload.aud)) {
    throw forbidden('The token was issued to an app client this API does not accept');
  }
  const entries = Array.isArray(payload.identities) ? payload.identities : [];
  const okta = entries.filter((e) => isRecord(e) && e.providerName === rules.identityProviderName);
  const userId = okta.length === 1 ? (okta[0] as Record<string, unknown>).userId : undefined;
  // Cognito names a federated user `<provider>_<idp user id>`; a token whose username disagrees
  // with its own identities entry is not one Cognito issued for a federated sign-in. Compared up
  // to ASCII case: real pools lower-case the whole federated username, the IdP's sub included
  // (`okta_00uabc…` in captured tokens; aws-amplify/amplify-js#13844), while the entry's `userId`
  // keeps the sub's case, so the prefix key comes from `userId` alone.
  if (
    !isValidSub(userId) ||
    typeof payload['cognito:username'] !== 'string' ||
    asciiLowerCase(payload['cognito:username']) !== asciiLowerCase(`${rules.identityProviderName}_${userId}`)
  ) {
    throw forbidden('The token does not identify an Okta user');
  }
  return userId;
}

/**
 * Lower-cases A-Z only. Full Unicode case mapping would let look-alikes match (the Kelvin sign
 * lower-cases to `k`); with this, any non-ASCII character in a username simply never matches.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
