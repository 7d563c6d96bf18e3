/**
 * Cognito identity pools (route 1), read from a synthesized (resolved) template: which login the
 * pool accepts for an Okta ID token, which session tags Cognito sets from it, and whether the
 * authenticated role's trust admits the call Cognito then makes to STS.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { decideTrust, identityPoliciesOf, trustPolicyOf, type Decision } from '../iam/simulate';
import type { VerifiedClaims } from '../services/oidc-issuer';
import { identityPoolTrustContext, sessionTags } from '../iam/web-identity-context';
import { asList, FoundResource, resourceNamed, resourcesOfType } from './template-query';

export function identityPoolOf(template: ResolvedTemplate): FoundResource {
  const pools = resourcesOfType(template, 'AWS::Cognito::IdentityPool');
  if (pools.length !== 1) throw new Error(`Expected one identity pool, found ${pools.length}`);
  return pools[0];
}

export interface OidcLogin {
  /** The `Logins` map key for the provider: its issuer without `https://`. */
  readonly loginsKey: string;
  /** The IAM OIDC provider's ARN, as the pool lists it in `OpenIdConnectProviderARNs`. */
  readonly providerArn: string;
  /** The provider's `ClientIdList`: the `aud` values it accepts. */
  readonly clientIds: readonly string[];
}

/**
 * Rule: a token from `issuer` has a login in the pool. "Setting up an OIDC provider as an identity
 * pool IdP" (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html): the provider
 * is an IAM OIDC provider linked to the pool, and the app puts the token in the `Logins` map under
 * the provider's name, its URL without `https://` (as in the ARN IAM gives the provider,
 * `arn:aws:iam::<account>:oidc-provider/<host/path>`, "Create an OpenID Connect (OIDC) identity
 * provider in IAM", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html).
 * The provider's URL must be the token's `iss` exactly (same page: it corresponds to the `iss` claim).
 * Returns undefined when the pool has no provider for the issuer.
 */
export function oidcLoginFor(template: ResolvedTemplate, issuer: string): OidcLogin | undefined {
  const pool = identityPoolOf(template);
  for (const arn of asList(pool.props.OpenIdConnectProviderARNs).map(String)) {
    const provider = resourceNamed(template, 'AWS::IAM::OIDCProvider', arn);
    const url = provider ? String(provider.props.Url) : undefined;
    if (url !== issuer) continue;
    const loginsKey = url.replace(/^https:\/\//, '');
    if (!arn.endsWith(`:oidc-provider/${loginsKey}`)) continue;
    return { loginsKey, providerArn: arn, clientIds: asList(provider!.props.ClientIdList).map(String) };
  }
  return undefined;
}

/**
 * Rule: the token was issued to one of the provider's client ids. "If the azp parameter is present,
 * check this value against listed client IDs in your OpenId Connect provider. If the azp parameter
 * is not present, check the aud parameter against listed client IDs" ("Setting up an OIDC provider
 * as an identity pool IdP", https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html);
 * IAM "checks the aud claim of the token against the client IDs" (CreateOpenIDConnectProvider,
 * ClientIDList, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html).
 * `aud` is taken as one client id (Okta's ID tokens carry one).
 */
export function clientAccepted(
  clientIds: readonly string[],
  claims: { readonly aud?: unknown; readonly azp?: unknown },
): boolean {
  if (claims.azp !== undefined) return typeof claims.azp === 'string' && clientIds.includes(claims.azp);
  const audiences = [claims.aud].flat();
  return audiences.length === 1 && typeof audiences[0] === 'string' && clientIds.includes(audiences[0]);
}

/**
 * The principal-tag map of the pool for a provider. "When Amazon Cognito requests credentials, it
 * sets the value of the principal tag to the value of the user's claim" (AWS::Cognito::IdentityPoolPrincipalTag,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-identitypoolprincipaltag.html);
 * `UseDefaults` replaces the map with Cognito's default one. Which `IdentityProviderName` an IAM
 * OIDC provider is known by is not documented (see UNDOCUMENTED).
 */
export function principalTagMapOf(template: ResolvedTemplate, identityProviderName: string) {
  const poolId = template.ref(identityPoolOf(template).id);
  const maps = resourcesOfType(template, 'AWS::Cognito::IdentityPoolPrincipalTag').filter(
    (m) => m.props.IdentityPoolId === poolId && m.props.IdentityProviderName === identityProviderName,
  );
  if (maps.length !== 1) return undefined;
  return {
    useDefaults: maps[0].props.UseDefaults === true,
    tags: (maps[0].props.PrincipalTags ?? {}) as Record<string, string>,
  };
}

/** The authenticated role the pool hands out (`IdentityPoolRoleAttachment.Roles.authenticated`). */
export function authenticatedRoleOf(template: ResolvedTemplate): string {
  const poolId = template.ref(identityPoolOf(template).id);
  const attachment = resourcesOfType(template, 'AWS::Cognito::IdentityPoolRoleAttachment').find(
    (a) => a.props.IdentityPoolId === poolId,
  );
  const arn = (attachment?.props.Roles as { authenticated?: string } | undefined)?.authenticated;
  const role = resourceNamed(template, 'AWS::IAM::Role', arn);
  if (!role) throw new Error('The identity pool has no authenticated role of this template');
  return role.id;
}

/** Every principal tag the role's permission policies read (`${aws:PrincipalTag/<key>}`). */
export function principalTagsReadBy(template: ResolvedTemplate, roleId: string): string[] {
  const text = JSON.stringify(identityPoliciesOf(template, roleId));
  return [...new Set([...text.matchAll(/aws:PrincipalTag\/([\w+=,.@:-]+)/g)].map((m) => m[1]))];
}

/**
 * Rule: every principal tag the authenticated role reads is set by the map, from a claim the token
 * has; with `UseDefaults` the custom map is not used at all.
 */
export function principalTagProblems(
  template: ResolvedTemplate,
  identityProviderName: string,
  claims: VerifiedClaims,
): string[] {
  const map = principalTagMapOf(template, identityProviderName);
  if (!map) return [`no principal-tag map for ${identityProviderName}`];
  if (map.useDefaults) return ['the principal-tag map uses the defaults, not its PrincipalTags'];
  const problems: string[] = [];
  for (const tag of principalTagsReadBy(template, authenticatedRoleOf(template))) {
    const claim = map.tags[tag];
    if (claim === undefined)
      problems.push(`the role reads aws:PrincipalTag/${tag}, which the map does not set`);
    else if (typeof claims[claim] !== 'string')
      problems.push(`tag ${tag} maps claim ${claim}, which the token lacks`);
  }
  return problems;
}

/**
 * The trust decisions for the call Cognito makes for the authenticated role: AssumeRoleWithWebIdentity
 * with its own token, plus sts:TagSession for the mapped tags ("Using attributes for access
 * control", https://docs.aws.amazon.com/cognito/latest/developerguide/using-afac-with-cognito-identity.html:
 * the role's trust must allow sts:TagSession; Cognito's token carries aud = pool id and amr with
 * `authenticated`, "Role trust and permissions", https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html).
 */
export async function authenticatedRoleTrust(
  template: ResolvedTemplate,
  login: OidcLogin,
  claims: VerifiedClaims,
): Promise<Record<'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession', Decision>> {
  const roleId = authenticatedRoleOf(template);
  const map = principalTagMapOf(template, login.providerArn);
  const context = identityPoolTrustContext(claims, {
    identityPoolId: template.ref(identityPoolOf(template).id),
    identityId: `${template.env.region}:00000000-0000-4000-8000-000000000001`,
    providerName: login.loginsKey,
    principalTags: map?.tags ?? {},
  });
  const ask = (action: 'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession') =>
    decideTrust({
      trustPolicy: trustPolicyOf(template, roleId),
      action,
      principal: 'cognito-identity.amazonaws.com',
      roleArn: template.getAtt(roleId, 'Arn'),
      context,
    });
  return {
    'sts:AssumeRoleWithWebIdentity': await ask('sts:AssumeRoleWithWebIdentity'),
    'sts:TagSession': await ask('sts:TagSession'),
  };
}

/** The session tags Cognito sets for the claims, by the template's map. */
export function sessionTagsFor(template: ResolvedTemplate, login: OidcLogin, claims: VerifiedClaims) {
  const map = principalTagMapOf(template, login.providerArn);
  return map && !map.useDefaults ? sessionTags(claims, map.tags) : {};
}

/**
 * AWS's limits on what the pool passes to STS, for the claims of one token:
 * - at most 50 session tags, keys of at most 128 characters, values of at most 256, each of
 *   letters, digits, spaces and `_ . : / = + - @`, and no value beginning `aws:` (IAM,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html and
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html#id_tags_rules_creating);
 * - claim names of the map together at most 460 bytes ("the aggregated character limit for all
 *   attributes is 460 bytes", https://docs.aws.amazon.com/cognito/latest/developerguide/using-afac-with-cognito-identity-pools.html).
 */
export function sessionTagLimitProblems(
  template: ResolvedTemplate,
  login: OidcLogin,
  claims: VerifiedClaims,
): string[] {
  const map = principalTagMapOf(template, login.providerArn);
  if (!map || map.useDefaults) return [];
  const problems: string[] = [];
  const tags = Object.entries(sessionTags(claims, map.tags));
  if (tags.length > 50) problems.push(`${tags.length} session tags; STS takes at most 50`);
  const claimBytes = Object.values(map.tags).reduce((n, claim) => n + Buffer.byteLength(claim), 0);
  if (claimBytes > 460) problems.push(`the map's claim names take ${claimBytes} bytes; Cognito allows 460`);
  for (const [key, value] of tags) {
    if (key.length > 128) problems.push(`tag key ${key} is longer than 128 characters`);
    if (value.length > 256)
      problems.push(`tag ${key} is ${value.length} characters; a value holds at most 256`);
    if (!/^[\p{L}\p{N} _.:/=+\-@]*$/u.test(value) || value.startsWith('aws:'))
      problems.push(`tag ${key} has characters a session tag value cannot carry: ${JSON.stringify(value)}`);
  }
  return problems;
}
