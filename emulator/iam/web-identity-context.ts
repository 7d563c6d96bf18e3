import type { VerifiedClaims } from '../services/oidc-issuer';
import type { RequestContext } from './simulate';

/**
 * Pure mappings from a verified Okta ID token to the IAM request context AWS builds from it.
 * Condition keys are named after the CONFIGURED issuer (e.g. `test.okta.example/oauth2/default`),
 * which is what the IAM OIDC provider and the policies name, never the local mock's URL.
 */

/** The issuer as IAM names its keys and OIDC provider: no scheme and no trailing slash. */
export function issuerKeyPrefix(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** One audience: IAM compares `<issuer>:aud` with a single client id; a multi-audience token is ambiguous. */
function singleAudience(claims: VerifiedClaims): string {
  const audiences = [claims.aud].flat();
  if (audiences.length !== 1) throw new Error(`Expected one audience, got ${JSON.stringify(claims.aud)}`);
  return audiences[0];
}

/**
 * Route 2, `sts:AssumeRoleWithWebIdentity` on the web-identity role: IAM exposes the token's
 * `aud` and `sub` as `<issuer>:aud` and `<issuer>:sub`. (`amr` is only a key for Cognito, so an
 * Okta `amr` claim never reaches the trust policy.)
 */
export function webIdentityTrustContext(claims: VerifiedClaims, issuer: string): RequestContext {
  const prefix = issuerKeyPrefix(issuer);
  return { [`${prefix}:aud`]: singleAudience(claims), [`${prefix}:sub`]: claims.sub };
}

/**
 * Route 2, requests made with the web-identity session: the same claim keys stay available to the
 * role's permission policies, which is what lets them use `${<issuer>:sub}`. "For OIDC providers,
 * use the fully qualified URL of the OIDC provider with the sub context key" in policies granting
 * per-user folders ("Identify users with OIDC federation",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc_user-id.html).
 */
export function webIdentitySessionContext(claims: VerifiedClaims, issuer: string): RequestContext {
  return webIdentityTrustContext(claims, issuer);
}

export interface IdentityPoolLogin {
  /** The identity pool id (`<region>:<uuid>`), which Cognito puts in `aud`. */
  readonly identityPoolId: string;
  /** The Cognito identity id (`<region>:<uuid>`), which Cognito puts in `sub`: not the Okta sub. */
  readonly identityId: string;
  /** The login provider the token came from, as named in the Logins map (the issuer host/path). */
  readonly providerName: string;
  /** Principal-tag map of the pool: tag key → token claim. Defaults to `{ okta_sub: 'sub' }`. */
  readonly principalTags?: Readonly<Record<string, string>>;
  /** False for a guest identity, whose `amr` says `unauthenticated`. Defaults to true. */
  readonly authenticated?: boolean;
}

const DEFAULT_PRINCIPAL_TAGS = { okta_sub: 'sub' };

/**
 * Route 1, the `sts:AssumeRoleWithWebIdentity` (and `sts:TagSession`) Cognito makes for the
 * authenticated role. Cognito signs its own token, so the keys are `cognito-identity.amazonaws.com:*`:
 * `aud` = pool id, `sub` = identity id, `amr` = ['authenticated', <provider>]. The pool's principal-tag
 * map turns claims into session tags, so the request also carries `aws:RequestTag/<tag>` and `aws:TagKeys`.
 */
export function identityPoolTrustContext(claims: VerifiedClaims, login: IdentityPoolLogin): RequestContext {
  const authenticated = login.authenticated ?? true;
  const tags = authenticated ? sessionTags(claims, login.principalTags ?? DEFAULT_PRINCIPAL_TAGS) : {};
  return {
    'cognito-identity.amazonaws.com:aud': login.identityPoolId,
    'cognito-identity.amazonaws.com:sub': login.identityId,
    'cognito-identity.amazonaws.com:amr': authenticated
      ? ['authenticated', login.providerName]
      : ['unauthenticated'],
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
    ...(Object.keys(tags).length > 0 ? { 'aws:TagKeys': Object.keys(tags) } : {}),
  };
}

/** Route 1 (and route 3's presign role), requests made with the session: its tags are principal tags. */
export function principalTagContext(tags: Readonly<Record<string, string>>): RequestContext {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:PrincipalTag/${key}`, value]));
}

/** The session tags a principal-tag map yields from the claims; a missing claim is an error, not an empty tag. */
export function sessionTags(
  claims: VerifiedClaims,
  principalTags: Readonly<Record<string, string>> = DEFAULT_PRINCIPAL_TAGS,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(principalTags).map(([tag, claim]) => {
      const value = claims[claim];
      if (typeof value !== 'string' || value === '')
        throw new Error(`Claim ${claim} for tag ${tag} is missing`);
      return [tag, value];
    }),
  );
}
