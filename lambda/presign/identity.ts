import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PresignConfig } from './config';
import { forbidden, HttpError, isRecord } from './http';
import { isValidSub } from './keys';

/** What a caller's verified claims must show; the deployment sets both (see PresignConfig). */
export type IdentityRules = Pick<PresignConfig, 'identityProviderName' | 'allowedClientIds'>;

/**
 * The caller's Okta `sub`, from the claims the Cognito authorizer verified; nothing else.
 *
 * `custom:okta_sub` alone is not enough: Cognito requires app clients to have write access to
 * attributes an identity provider maps, so anyone holding a token with the
 * `aws.cognito.signin.user.admin` scope (a pool-local user, or a user of another app client)
 * could set it to a victim's sub with UpdateUserAttributes. It is trusted only when it agrees
 * with `cognito:username`, which Cognito sets to `<provider>_<idp user id>` and nobody can
 * change. The comparison ignores ASCII case because Cognito may lower-case federated usernames
 * (see aws-amplify/amplify-js#13844); Okta ids that differ only in case are not a practical risk.
 * The sub is returned as the attribute states it: that is Okta's `sub`, which routes 1 and 2 use.
 */
export function callerSub(event: APIGatewayProxyEvent, rules: IdentityRules): string {
  const authorizer: unknown = event.requestContext?.authorizer;
  const claims = isRecord(authorizer) ? authorizer.claims : undefined;
  if (!isRecord(claims)) throw new HttpError(401, 'Unauthorized', 'No verified identity');
  const claim = (name: string): unknown => (Object.hasOwn(claims, name) ? claims[name] : undefined);
  // Access tokens carry no custom attributes; real ID tokens always say `token_use: id`.
  if (claim('token_use') !== 'id') throw forbidden('An ID token is required');
  // No allow-list means any app client of the pool: the username check below still applies.
  const aud = claim('aud');
  if (rules.allowedClientIds.length > 0 && !rules.allowedClientIds.some((id) => id === aud)) {
    throw forbidden('The token was issued to an app client this API does not accept');
  }
  const sub = claim('custom:okta_sub');
  const username = claim('cognito:username');
  if (
    !isValidSub(sub) ||
    typeof username !== 'string' ||
    asciiLowerCase(username) !== asciiLowerCase(`${rules.identityProviderName}_${sub}`)
  ) {
    throw forbidden('The token does not identify an Okta user');
  }
  return sub;
}

/**
 * Lower-cases A-Z only. Full Unicode case mapping would let look-alikes match (the Kelvin sign
 * lower-cases to `k`); with this, any non-ASCII character in a username simply never matches.
 */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
