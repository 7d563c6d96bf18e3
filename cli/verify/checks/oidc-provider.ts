import { GetOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { issuerHostAndPath } from '../../../lib/policy/user-prefix-names';
import { CheckResult, guarded, verdict } from '../check';
import { listOutput, Outputs } from '../outputs';

/** Routes 1 and 2: IAM trusts the Okta issuer for the configured client ids. */
export async function oidcProviderChecks(client: IAMClient, o: Outputs): Promise<CheckResult[]> {
  return guarded('oidc-provider', `provider ${o.OidcProviderArn}`, async () => {
    const provider = await client.send(
      new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: o.OidcProviderArn }),
    );
    // IAM returns the URL without its scheme (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetOpenIDConnectProvider.html).
    const url = issuerHostAndPath(provider.Url ?? '');
    const wanted = listOutput(o.OktaClientIds);
    const audiences = provider.ClientIDList ?? [];
    const missing = wanted.filter((id) => !audiences.includes(id));
    return [
      verdict(
        'oidc-provider.url',
        url === issuerHostAndPath(o.OktaIssuer),
        issuerHostAndPath(o.OktaIssuer),
        url || 'none',
        'The provider federates another issuer than okta.issuer: tokens from the configured issuer are refused. Deploy with the right issuer, or import the provider of this issuer.',
      ),
      verdict(
        'oidc-provider.audiences',
        missing.length === 0,
        `includes ${wanted.join(', ')}`,
        audiences.join(', ') || 'none',
        `Client ids ${missing.join(', ')} are not audiences of the provider, so their ID tokens are refused by STS and the identity pool. With oidcProvider: 'import', add them to the existing provider (aws iam add-client-id-to-open-id-connect-provider).`,
      ),
    ];
  });
}
