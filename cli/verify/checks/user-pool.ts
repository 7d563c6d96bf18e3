import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CheckResult, guarded, skip, verdict } from '../check';
import { listOutput, Outputs } from '../outputs';

const SCOPES = ['email', 'openid', 'profile'];
/** The attributes the Okta provider maps: the client must read and write exactly these. */
const MAPPED_ATTRIBUTES = ['email'];
/**
 * With team folders, also the memberships route 3 reads (`custom:okta_teams`, mapped from Okta's
 * `okta_teams`): the client must write it for federated sign-in to work and read it so it reaches
 * the ID token (UserPoolClientType, Cognito API reference).
 */
const MAPPED_WITH_TEAMS = [...MAPPED_ATTRIBUTES, 'custom:okta_teams'];
/** Seconds per TokenValidityUnits value; Cognito's default unit for ID tokens is hours. */
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
const sameSet = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());

/**
 * Lifetime of the client's ID tokens in minutes: `IdTokenValidity` in `TokenValidityUnits.IdToken`,
 * hours when no unit is set (TokenValidityUnitsType,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html).
 */
export function idTokenMinutes(c: { IdTokenValidity?: number; TokenValidityUnits?: { IdToken?: string } }) {
  if (c.IdTokenValidity === undefined) return undefined;
  return (c.IdTokenValidity * UNIT_SECONDS[c.TokenValidityUnits?.IdToken ?? 'hours']) / 60;
}

/**
 * Route 3's app client as designed: a public client for the code flow (with PKCE) through Okta
 * only, no password or SRP flows, and no `aws.cognito.signin.user.admin` scope, whose tokens could
 * rewrite the user's attributes (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
 */
export async function userPoolChecks(
  client: CognitoIdentityProviderClient,
  o: Outputs,
): Promise<CheckResult[]> {
  return guarded('user-pool-client', `client ${o.UserPoolClientId}`, async () => {
    const { UserPoolClient: c = {} } = await client.send(
      new DescribeUserPoolClientCommand({ UserPoolId: o.UserPoolId, ClientId: o.UserPoolClientId }),
    );
    const flows = c.AllowedOAuthFlows ?? [];
    const scopes = c.AllowedOAuthScopes ?? [];
    const authFlows = c.ExplicitAuthFlows ?? [];
    const providers = c.SupportedIdentityProviders ?? [];
    return [
      verdict(
        'user-pool-client.flows',
        sameSet(flows, ['code']) &&
          c.AllowedOAuthFlowsUserPoolClient === true &&
          sameSet(authFlows, ['ALLOW_REFRESH_TOKEN_AUTH']),
        'OAuth flows: code; auth flows: ALLOW_REFRESH_TOKEN_AUTH only',
        `OAuth flows: ${flows.join(', ') || 'none'}; auth flows: ${authFlows.join(', ') || 'Cognito defaults'}`,
        'The app client allows more than the code flow: implicit grants leak tokens in URLs, and SRP/password/custom flows issue tokens with the admin scope. Redeploy the stack.',
      ),
      verdict(
        'user-pool-client.scopes',
        sameSet(scopes, SCOPES),
        SCOPES.join(', '),
        scopes.join(', ') || 'none',
        "The app client's scopes changed; aws.cognito.signin.user.admin lets a token rewrite user attributes. Redeploy the stack.",
      ),
      verdict(
        'user-pool-client.public',
        c.ClientSecret === undefined && sameSet(providers, [o.UserPoolProviderName]),
        `no client secret; identity providers: ${o.UserPoolProviderName}`,
        `${c.ClientSecret === undefined ? 'no client secret' : 'has a client secret'}; identity providers: ${providers.join(', ') || 'none'}`,
        'The client is not the public Okta-only client: a COGNITO provider allows local passwords, and a secret cannot be kept in a browser. Redeploy the stack.',
      ),
      verdict(
        'user-pool-client.attributes',
        [MAPPED_ATTRIBUTES, MAPPED_WITH_TEAMS].some(
          (mapped) => sameSet(c.WriteAttributes ?? [], mapped) && sameSet(c.ReadAttributes ?? [], mapped),
        ),
        `reads and writes ${MAPPED_ATTRIBUTES.join(', ')} only (and custom:okta_teams with team folders)`,
        `reads ${(c.ReadAttributes ?? []).join(', ') || 'every attribute'}; writes ${(c.WriteAttributes ?? []).join(', ') || 'every writable attribute'}`,
        "The client's attributes differ from the Okta mapping: without write access to a mapped attribute federated sign-in fails, and anything more is beyond the design (a custom:okta_sub is a leftover of the old route 3: the API reads the caller from the identities claim). Redeploy the stack.",
      ),
      tokenLifetime(c, o),
      verdict(
        'user-pool-client.revocation',
        c.EnableTokenRevocation === true,
        'EnableTokenRevocation true',
        `EnableTokenRevocation ${c.EnableTokenRevocation ?? false}`,
        "Token revocation is off, so a revoked or signed-out user's refresh token keeps minting ID tokens. Redeploy the stack.",
      ),
      verdict(
        'user-pool-client.callbacks',
        sameSet(c.CallbackURLs ?? [], listOutput(o.CallbackUrls)),
        listOutput(o.CallbackUrls).join(', '),
        (c.CallbackURLs ?? []).join(', ') || 'none',
        'Callback URLs differ from the configuration: an extra URL can receive authorization codes. Redeploy the stack.',
      ),
    ];
  });
}

/** The ID-token lifetime the presign API accepts, as configured (userPool.idTokenValidityMinutes). */
function tokenLifetime(c: Parameters<typeof idTokenMinutes>[0], o: Outputs): CheckResult {
  const check = 'user-pool-client.id-token-lifetime';
  const configured = o.IdTokenValidityMinutes;
  if (!configured)
    return skip(
      check,
      'the configured lifetime',
      'The outputs file has no IdTokenValidityMinutes output: redeploy the current stack.',
    );
  const minutes = idTokenMinutes(c);
  return verdict(
    check,
    minutes === Number(configured),
    `${configured} minutes`,
    minutes === undefined ? 'not set (Cognito default: 60 minutes)' : `${minutes} minutes`,
    'ID tokens live longer or shorter than userPool.idTokenValidityMinutes: a signed-out user keeps presign access until the ID token expires. Redeploy the stack.',
  );
}
