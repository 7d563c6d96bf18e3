import { bucketPolicyOf, decide, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { principalTagContext } from '../../emulator/iam/web-identity-context';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { TEST_CLIENT_IDS, TEST_ISSUER } from '../support/config';
import type { VerifiedClaims } from '../../emulator/services/oidc-issuer';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import {
  clientAccepted,
  authenticatedRoleOf,
  authenticatedRoleTrust,
  OidcLogin,
  oidcLoginFor,
  principalTagProblems,
  sessionTagLimitProblems,
  sessionTagsFor,
} from '../../emulator/model/identity-pool-rules';
import { resourcesOfType } from '../../emulator/model/template-query';
import { membershipEntry, TeamFolder, teamsClaimValue } from '../../lib/policy/team-folder-names';

const ALICE = '00uIdentityPool00001';
/** The claims of a verified Okta ID token (verification itself: test/iam/oidc-issuer.test.ts). */
const oktaClaims = (aud: string, sub = ALICE, iss = TEST_ISSUER, okta_teams = ':') =>
  ({ sub, aud, iss, email: 'alice@example.com', okta_teams }) as unknown as VerifiedClaims;

/** The longest okta_teams claim an environment's configuration can put in a token: every group. */
const everyMembership = (env: { raw: { environments: Record<string, any> }; env: string }) =>
  teamsClaimValue(
    (env.raw.environments[env.env].teamFolders ?? []).map((t: TeamFolder) =>
      membershipEntry(t.folder ?? t.group, t.access),
    ),
  );

const loginOf = (template: ResolvedTemplate, issuer = TEST_ISSUER): OidcLogin => {
  const login = oidcLoginFor(template, issuer);
  if (!login) throw new Error('No login for the issuer');
  return login;
};

/** Route 1's own-prefix upload, with the session tags Cognito sets by the template's map. */
async function ownUpload(template: ResolvedTemplate, claims: VerifiedClaims) {
  const login = loginOf(template, claims.iss);
  const roleId = authenticatedRoleOf(template);
  const bucket = resourcesOfType(template, 'AWS::S3::Bucket').find((b) => b.id.startsWith('StorageData'))!;
  return decide({
    identityPolicies: identityPoliciesOf(template, roleId),
    resourcePolicy: bucketPolicyOf(template, bucket.id),
    action: 's3:PutObject',
    resource: `arn:${template.env.partition}:s3:::${template.ref(bucket.id)}/users/${claims.sub}/f.txt`,
    principal: sessionArnOf(template, roleId, 'CognitoIdentityCredentials'),
    context: {
      'aws:SecureTransport': 'true',
      's3:TlsVersion': '1.3',
      ...principalTagContext(sessionTagsFor(template, login, claims)),
    },
  });
}

describe.each(ENVIRONMENT_ROWS)('identity pool, %s', (_label, env) => {
  const template = environmentTemplate(env);
  const claimsFor = (aud: string) => oktaClaims(aud, ALICE, env.issuer);
  const login = () => loginOf(template, env.issuer);

  test('an Okta token’s Logins key is the issuer without https://, and maps to the pool’s provider', () => {
    const hostAndPath = env.issuer.replace('https://', '');
    expect(login().loginsKey).toBe(hostAndPath);
    expect(login().providerArn).toBe(`arn:aws:iam::${template.env.account}:oidc-provider/${hostAndPath}`);
  });

  test('aud is accepted for every configured client id and no other', () => {
    const accepted = (claims: VerifiedClaims) => clientAccepted(login().clientIds, claims);
    for (const clientId of env.clientIds) expect(accepted(claimsFor(clientId))).toBe(true);
    expect(accepted(claimsFor('0oaSOMEOTHERapp00009'))).toBe(false);
    expect(accepted(claimsFor([env.clientIds[0], 'other'] as never))).toBe(false);
  });

  // open-id.html: "If the azp parameter is present, check this value against listed client IDs".
  test('azp, when present, is checked before aud: a listed aud with an unlisted azp is refused', () => {
    const accepted = (azp: unknown) =>
      clientAccepted(login().clientIds, { ...claimsFor(env.clientIds[0]), azp });
    expect(accepted('0oaSOMEOTHERapp00009')).toBe(false);
    expect(accepted(null)).toBe(false);
    expect(accepted(env.clientIds[0])).toBe(true);
    expect(
      clientAccepted(login().clientIds, { ...claimsFor('0oaSOMEOTHERapp00009'), azp: env.clientIds[0] }),
    ).toBe(true);
  });

  test('the tags of a member of every group fit STS’s and Cognito’s limits', () => {
    const claims = oktaClaims(env.clientIds[0], ALICE, env.issuer, everyMembership(env));
    expect(sessionTagLimitProblems(template, login(), claims)).toEqual([]);
  });

  test('every principal tag the authenticated role reads is set by the map from a token claim', () => {
    expect(principalTagProblems(template, login().providerArn, claimsFor(env.clientIds[0]))).toEqual([]);
  });

  test('the authenticated role’s trust admits AssumeRoleWithWebIdentity and TagSession for the pool', async () => {
    expect(await authenticatedRoleTrust(template, login(), claimsFor(env.clientIds[0]))).toEqual({
      'sts:AssumeRoleWithWebIdentity': 'Allowed',
      'sts:TagSession': 'Allowed',
    });
  });

  test('the tags Cognito sets reach the user’s own prefix', async () => {
    expect(await ownUpload(template, claimsFor(env.clientIds[0]))).toBe('Allowed');
  });
});

const principalTagMap = (resources: Record<string, any>) =>
  resources[rawId(resources, 'AWS::Cognito::IdentityPoolPrincipalTag')].Properties;

describe('identity-pool rules fail on broken templates', () => {
  test('an issuer that is not the provider URL exactly has no login', () => {
    expect(oidcLoginFor(fixtureBase('dev'), `${TEST_ISSUER}/`)).toBeUndefined();
    const unlinked = brokenTemplate('dev', (resources) => {
      resources[rawId(resources, 'AWS::Cognito::IdentityPool')].Properties.OpenIdConnectProviderARNs = [];
    });
    expect(oidcLoginFor(unlinked, TEST_ISSUER)).toBeUndefined();
  });

  test('a map with defaults, or without the tag the role reads, is found', () => {
    const claims = oktaClaims(TEST_CLIENT_IDS[0]);
    const defaults = brokenTemplate('dev', (r) => (principalTagMap(r).UseDefaults = true));
    expect(principalTagProblems(defaults, loginOf(defaults).providerArn, claims)).toEqual([
      'the principal-tag map uses the defaults, not its PrincipalTags',
    ]);
    const renamed = brokenTemplate('dev', (r) => (principalTagMap(r).PrincipalTags = { oktaSub: 'sub' }));
    expect(principalTagProblems(renamed, loginOf(renamed).providerArn, claims)).toEqual([
      'the role reads aws:PrincipalTag/okta_sub, which the map does not set',
      'the role reads aws:PrincipalTag/okta_teams, which the map does not set',
    ]);
    const otherProvider = brokenTemplate(
      'dev',
      (r) => (principalTagMap(r).IdentityProviderName = 'test.okta.example'),
    );
    expect(principalTagProblems(otherProvider, loginOf(otherProvider).providerArn, claims)).toHaveLength(1);
  });

  test('a tag value too long, or with a comma, or more than 50 tags, break the limits', () => {
    const login = loginOf(fixtureBase('dev'));
    const long = oktaClaims(TEST_CLIENT_IDS[0], ALICE, TEST_ISSUER, `:${'a'.repeat(300)}=r:`);
    expect(sessionTagLimitProblems(fixtureBase('dev'), login, long)).toEqual([
      'tag okta_teams is 304 characters; a value holds at most 256',
    ]);
    const csv = oktaClaims(TEST_CLIENT_IDS[0], ALICE, TEST_ISSUER, 'finance,auditors');
    expect(sessionTagLimitProblems(fixtureBase('dev'), login, csv)).toEqual([
      'tag okta_teams has characters a session tag value cannot carry: "finance,auditors"',
    ]);
    const many = brokenTemplate('dev', (r) => {
      const map = principalTagMap(r).PrincipalTags;
      for (let i = 0; i < 50; i++) map[`extra_${i}`] = 'sub';
    });
    expect(sessionTagLimitProblems(many, loginOf(many), oktaClaims(TEST_CLIENT_IDS[0]))).toEqual([
      '53 session tags; STS takes at most 50',
    ]);
  });

  test('a trust without sts:TagSession refuses the tagged session', async () => {
    const template = brokenTemplate('dev', (resources) => {
      const role = resources[rawId(resources, 'AWS::IAM::Role', 'IdentityPoolAuthenticatedRole')];
      const document = role.Properties.AssumeRolePolicyDocument;
      document.Statement = document.Statement.filter(
        (s: { Action: string }) => s.Action !== 'sts:TagSession',
      );
    });
    expect(await authenticatedRoleTrust(template, loginOf(template), oktaClaims(TEST_CLIENT_IDS[0]))).toEqual(
      {
        'sts:AssumeRoleWithWebIdentity': 'Allowed',
        'sts:TagSession': 'ImplicitlyDenied',
      },
    );
  });

  test('a map that tags okta_sub with another claim does not reach the user’s prefix', async () => {
    const template = brokenTemplate('dev', (r) => (principalTagMap(r).PrincipalTags = { okta_sub: 'email' }));
    expect(await ownUpload(template, oktaClaims(TEST_CLIENT_IDS[0]))).toBe('ImplicitlyDenied');
  });
});
