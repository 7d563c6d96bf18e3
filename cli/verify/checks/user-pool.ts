import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CheckResult, guarded, verdict } from '../check';
import { listOutput, Outputs } from '../outputs';

const SCOPES = ['email', 'openid', 'profile'];
const sameSet = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...new Set(a)].sort()) === JSON.stringify([...new Set(b)].sort());

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
        'user-pool-client.callbacks',
        sameSet(c.CallbackURLs ?? [], listOutput(o.CallbackUrls)),
        listOutput(o.CallbackUrls).join(', '),
        (c.CallbackURLs ?? []).join(', ') || 'none',
        'Callback URLs differ from the configuration: an extra URL can receive authorization codes. Redeploy the stack.',
      ),
    ];
  });
}
