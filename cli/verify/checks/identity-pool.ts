import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  GetIdentityPoolRolesCommand,
  GetPrincipalTagAttributeMapCommand,
} from '@aws-sdk/client-cognito-identity';
import { issuerHostAndPath, OKTA_SUB_TAG } from '../../../lib/policy/user-prefix-names';
import { CAUSES } from '../causes';
import { CheckResult, guarded, verdict } from '../check';
import { listOutput, Outputs } from '../outputs';
import { TEAMS_CLAIM } from '../../../lib/policy/team-folder-names';

/** The session tag the pool's role trust checks against the client ids (lib's OKTA_AUD_TAG, without CDK). */
const OKTA_AUD_TAG = 'okta_aud';

/**
 * The tags the pool must map: `okta_sub` and `okta_aud`, and `okta_teams` when the TeamFolders
 * output lists folders (none when it says `none`; either when an older stack lacks the output).
 */
function expectedTags(o: Outputs): { required: Record<string, string>; optional: Record<string, string> } {
  const required: Record<string, string> = { [OKTA_SUB_TAG]: 'sub', [OKTA_AUD_TAG]: 'aud' };
  const teams = { [TEAMS_CLAIM]: TEAMS_CLAIM };
  const folders = o.TeamFolders === undefined ? undefined : listOutput(o.TeamFolders.replace(/^none$/, ''));
  if (folders?.length) return { required: { ...required, ...teams }, optional: {} };
  return { required, optional: folders ? {} : teams };
}

const describeTags = (o: Outputs) => {
  const { required, optional } = expectedTags(o);
  const list = (tags: Record<string, string>) =>
    Object.entries(tags)
      .map(([k, v]) => `${k} <- ${v}`)
      .join(', ');
  return `${list(required)}${Object.keys(optional).length ? ` (${list(optional)} allowed)` : ''}, UseDefaults false`;
};

/** Route 1: the pool admits only Okta-authenticated users, into the stack's role, tagged with their sub. */
export async function identityPoolChecks(client: CognitoIdentityClient, o: Outputs): Promise<CheckResult[]> {
  const IdentityPoolId = o.IdentityPoolId;
  return [
    ...(await guarded('identity-pool.settings', 'unauthenticated off, classic flow off', async () => {
      const pool = await client.send(new DescribeIdentityPoolCommand({ IdentityPoolId }));
      const providers = pool.OpenIdConnectProviderARNs ?? [];
      return [
        verdict(
          'identity-pool.unauthenticated',
          pool.AllowUnauthenticatedIdentities === false,
          'AllowUnauthenticatedIdentities false',
          `AllowUnauthenticatedIdentities ${pool.AllowUnauthenticatedIdentities}`,
          'Guests can get credentials from this pool. Set allowUnauthenticatedIdentities: false (the UserIdentityPool default) and redeploy.',
        ),
        verdict(
          'identity-pool.classic-flow',
          pool.AllowClassicFlow !== true,
          'AllowClassicFlow false',
          `AllowClassicFlow ${pool.AllowClassicFlow ?? false}`,
          'The basic (classic) flow lets clients call STS without the principal tags; turn it off and redeploy.',
        ),
        verdict(
          'identity-pool.oidc-provider',
          providers.includes(o.OidcProviderArn),
          `OpenIdConnectProviderARNs includes ${o.OidcProviderArn}`,
          providers.join(', ') || 'none',
          `The pool does not federate this stack's OIDC provider. ${CAUSES.loginsKey}`,
        ),
      ];
    })),
    ...(await guarded('identity-pool.authenticated-role', 'the stack role attached', async () => {
      const { Roles = {}, RoleMappings = {} } = await client.send(
        new GetIdentityPoolRolesCommand({ IdentityPoolId }),
      );
      const expected = o.IdentityPoolRoleArn;
      const mappings = Object.keys(RoleMappings);
      const ok = expected ? Roles.authenticated === expected : Boolean(Roles.authenticated);
      return [
        verdict(
          'identity-pool.authenticated-role',
          ok && mappings.length === 0,
          `authenticated = ${expected ?? 'a role'}, no role mappings`,
          `authenticated = ${Roles.authenticated ?? 'none'}, role mappings: ${mappings.join(', ') || 'none'}`,
          "Signed-in users do not get the stack's authenticated role (or role mappings may pick another). Redeploy the stack; remove role mappings added by hand.",
        ),
      ];
    })),
    ...(await principalTagCheck(client, o)),
  ];
}

/**
 * The principal-tag map must be keyed by the name Cognito looks up for the provider. For an OIDC
 * provider the stack uses its ARN; AWS's documentation does not say which name is expected, so on a
 * miss the check also tries the issuer's host and path and says where a map was found.
 */
async function principalTagCheck(client: CognitoIdentityClient, o: Outputs): Promise<CheckResult[]> {
  const check = 'identity-pool.principal-tags';
  const lookUp = async (IdentityProviderName: string) => {
    try {
      const map = await client.send(
        new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: o.IdentityPoolId, IdentityProviderName }),
      );
      return { name: IdentityProviderName, tags: map.PrincipalTags ?? {}, useDefaults: map.UseDefaults };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  const EXPECTED_TAGS = describeTags(o);
  const { required, optional } = expectedTags(o);
  return guarded(check, EXPECTED_TAGS, async () => {
    const map = await lookUp(o.OidcProviderArn);
    const describe = (m: NonNullable<typeof map>) =>
      `${
        Object.entries(m.tags)
          .map(([k, v]) => `${k} <- ${v}`)
          .join(', ') || 'no tags'
      }, UseDefaults ${m.useDefaults}`;
    const exact = (m: typeof map) =>
      m !== undefined &&
      m.useDefaults === false &&
      Object.entries(required).every(([k, v]) => m.tags[k] === v) &&
      Object.entries(m.tags).every(([k, v]) => required[k] === v || optional[k] === v);
    if (exact(map))
      return [verdict(check, true, `${EXPECTED_TAGS} for ${o.OidcProviderArn}`, describe(map!), '')];
    const other = await lookUp(issuerHostAndPath(o.OktaIssuer)).catch(() => undefined);
    const elsewhere =
      other && Object.keys(other.tags).length
        ? ` A map was found under provider name "${other.name}" (${describe(other)}): Cognito may expect that name; set principalTagProviderName to it.`
        : '';
    return [
      verdict(
        check,
        false,
        `${EXPECTED_TAGS} for ${o.OidcProviderArn}`,
        map ? describe(map) : 'no map for this provider name',
        `${CAUSES.noPrincipalTag}${elsewhere}`,
      ),
    ];
  });
}
