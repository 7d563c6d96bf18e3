import { TEST_CLIENT_IDS, TEST_ISSUER } from '../support/config';
import { OidcIssuer, startOidcIssuer, VerifiedClaims } from '../../emulator/services/oidc-issuer';
import { decideTrust, identityPoliciesOf, sessionArnOf, trustPolicyOf } from '../../emulator/iam/simulate';
import { resolvedStack } from './stack-under-test';
import {
  identityPoolTrustContext,
  issuerKeyPrefix,
  webIdentityTrustContext,
} from '../../emulator/iam/web-identity-context';

/**
 * The trust policies of the synthesized template, asked with the claims of real tokens: signed by
 * a local OIDC issuer and verified before use, as STS and Cognito would.
 */
const { template, ids } = resolvedStack();
const prod = resolvedStack('prod');
const roleArn = (roleId: string, t = template) => t.getAtt(roleId, 'Arn');
const ALICE = '00uAAAAAAAAAAAAAAAA1';
const OTHER_CLIENT = '0oaSOMEOTHERapp00009';

let issuer: OidcIssuer;
const token = async (aud: string, sub = ALICE): Promise<VerifiedClaims> =>
  issuer.verify(await issuer.mintIdToken({ sub, aud, okta_teams: ':finance=rw:' }), aud);
/** The pool's principal-tag map, as the template declares it (tag key → claim). */
const principalTags = Object.values(template.resources).find(
  (r) => r.Type === 'AWS::Cognito::IdentityPoolPrincipalTag',
)!.Properties!.PrincipalTags as Record<string, string>;

beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(() => issuer?.stop());

describe('route 2: the web-identity role', () => {
  const ask = (claims: VerifiedClaims, principal = template.ref(ids.oidcProvider)) =>
    decideTrust({
      trustPolicy: trustPolicyOf(template, ids.webIdentityRole),
      action: 'sts:AssumeRoleWithWebIdentity',
      principal,
      roleArn: roleArn(ids.webIdentityRole),
      context: webIdentityTrustContext(claims, TEST_ISSUER),
    });

  test.each(TEST_CLIENT_IDS)('accepts an ID token for configured client %s', async (clientId) => {
    expect(await ask(await token(clientId))).toBe('Allowed');
  });

  test('refuses a token for another client id', async () => {
    expect(await ask(await token(OTHER_CLIENT))).toBe('ImplicitlyDenied');
  });

  test('refuses the right token through another OIDC provider', async () => {
    const other = `arn:aws:iam::123456789012:oidc-provider/evil.example/${issuerKeyPrefix(TEST_ISSUER)}`;
    expect(await ask(await token(TEST_CLIENT_IDS[0]), other)).toBe('ImplicitlyDenied');
  });
});

describe('route 1: the identity pool authenticated role', () => {
  const poolId = template.ref(ids.identityPool);
  const login = {
    identityPoolId: poolId,
    identityId: 'eu-west-1:0000-identity',
    providerName: issuerKeyPrefix(TEST_ISSUER),
    principalTags,
  };
  const ask = (
    action: 'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession',
    context: Record<string, unknown>,
  ) =>
    decideTrust({
      trustPolicy: trustPolicyOf(template, ids.identityPoolRole),
      action,
      principal: 'cognito-identity.amazonaws.com',
      roleArn: roleArn(ids.identityPoolRole),
      context: context as never,
    });

  test('an authenticated identity of this pool may assume the role and tag the session', async () => {
    const context = identityPoolTrustContext(await token(TEST_CLIENT_IDS[0]), login);
    expect(context['aws:RequestTag/okta_sub']).toBe(ALICE);
    expect(await ask('sts:AssumeRoleWithWebIdentity', context)).toBe('Allowed');
    expect(await ask('sts:TagSession', context)).toBe('Allowed');
  });

  test('the pool tags the session with the Okta sub, audience and team memberships', () => {
    expect(principalTags).toEqual({ okta_sub: 'sub', okta_aud: 'aud', okta_teams: 'okta_teams' });
  });

  test('a token for another app of a shared OIDC provider is refused: its okta_aud is no configured client id', async () => {
    // Cognito accepts any audience the IAM OIDC provider lists (open-id.html); an imported,
    // account-wide provider may list other Okta apps. The role's trust checks the tag itself.
    const context = identityPoolTrustContext(await token(OTHER_CLIENT), login);
    expect(context['aws:RequestTag/okta_aud']).toBe(OTHER_CLIENT);
    expect(await ask('sts:TagSession', context)).toBe('ImplicitlyDenied');
    for (const clientId of TEST_CLIENT_IDS) {
      expect(await ask('sts:TagSession', identityPoolTrustContext(await token(clientId), login))).toBe(
        'Allowed',
      );
    }
  });

  test('an identity of another pool is refused', async () => {
    const context = identityPoolTrustContext(await token(TEST_CLIENT_IDS[0]), {
      ...login,
      identityPoolId: 'eu-west-1:other-pool',
    });
    expect(await ask('sts:AssumeRoleWithWebIdentity', context)).toBe('ImplicitlyDenied');
    expect(await ask('sts:TagSession', context)).toBe('ImplicitlyDenied');
  });

  test('an unauthenticated identity is refused', async () => {
    const context = identityPoolTrustContext(await token(TEST_CLIENT_IDS[0]), {
      ...login,
      authenticated: false,
    });
    expect(await ask('sts:AssumeRoleWithWebIdentity', context)).toBe('ImplicitlyDenied');
  });

  test('a session without the okta_sub tag, or with other tags, is refused', async () => {
    const claims = await token(TEST_CLIENT_IDS[0]);
    const untagged = identityPoolTrustContext(claims, { ...login, principalTags: { okta_aud: 'aud' } });
    expect(untagged['aws:RequestTag/okta_sub']).toBeUndefined();
    expect(await ask('sts:TagSession', untagged)).toBe('ImplicitlyDenied');
    const extra = identityPoolTrustContext(claims, {
      ...login,
      principalTags: { ...principalTags, admin: 'sub' },
    });
    expect(await ask('sts:TagSession', extra)).toBe('ImplicitlyDenied');
  });
});

describe('route 3: the presign role', () => {
  const ask = (
    principal: string,
    context: Record<string, unknown>,
    action: 'sts:AssumeRole' | 'sts:TagSession' = 'sts:AssumeRole',
  ) =>
    decideTrust({
      trustPolicy: trustPolicyOf(template, ids.presignRole),
      action,
      principal,
      roleArn: roleArn(ids.presignRole),
      context: context as never,
      callerIdentityPolicies: identityPoliciesOf(template, ids.executionRole),
    });
  const lambdaSession = sessionArnOf(template, ids.executionRole, 'presign-fn');
  const functionId = Object.keys(template.resources).find(
    (id) => template.resources[id].Type === 'AWS::Lambda::Function' && id.startsWith('PresignApiHandler'),
  )!;
  /*
   * Lambda puts lambda:SourceFunctionArn into the request context of every AWS call made with the
   * function's credentials from its execution environment ("Using source function ARN to control
   * function access behavior", https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html).
   */
  const fromFunction = { 'lambda:SourceFunctionArn': template.getAtt(functionId, 'Arn') };
  const tagged = (value: string) => ({
    ...fromFunction,
    'aws:RequestTag/okta_sub': value,
    'aws:TagKeys': ['okta_sub'],
  });

  test('the function may assume it with the okta_sub tag', async () => {
    expect(await ask(lambdaSession, tagged(ALICE))).toBe('Allowed');
    expect(await ask(lambdaSession, tagged(ALICE), 'sts:TagSession')).toBe('Allowed');
  });

  test('without the tag, with an empty tag, or with other tags it may not', async () => {
    expect(await ask(lambdaSession, fromFunction)).toBe('ImplicitlyDenied');
    expect(await ask(lambdaSession, tagged(''))).toBe('ImplicitlyDenied');
    expect(
      await ask(
        lambdaSession,
        { ...tagged(ALICE), 'aws:RequestTag/role': 'admin', 'aws:TagKeys': ['okta_sub', 'role'] },
        'sts:TagSession',
      ),
    ).toBe('ImplicitlyDenied');
  });

  /*
   * STS lets a session tag value hold letters, digits, whitespace and _ . : / = + - @ (Tag.Value
   * pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]*, https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html).
   * An Okta id has only letters and digits (keys.ts also allows _ and -); the trust refuses the rest.
   */
  test.each(['00uX/../00uY', '00uX/', 'a*', 'a?', '00u.x', '00u:x', '00u=x', '00u+x', '00u@x', '00u x'])(
    'a tag value %j, which no Okta id has, is refused',
    async (value) => {
      expect(await ask(lambdaSession, tagged(value))).toBe('ImplicitlyDenied');
      expect(await ask(lambdaSession, tagged(value), 'sts:TagSession')).toBe('ImplicitlyDenied');
    },
  );

  test.each(['00u1a2b3c4D5e6F7g8h9', 'a', '00u_x-y'])(
    'a tag value %j an Okta id may have is allowed',
    async (value) => {
      expect(await ask(lambdaSession, tagged(value))).toBe('Allowed');
    },
  );

  test('the execution role’s credentials outside the function, or in another function, may not', async () => {
    const { 'lambda:SourceFunctionArn': _omitted, ...elsewhere } = tagged(ALICE);
    void _omitted;
    expect(await ask(lambdaSession, elsewhere)).toBe('ExplicitlyDenied');
    const other = template.getAtt(functionId, 'Arn').replace(/function:.*/, 'function:someone-else');
    expect(await ask(lambdaSession, { ...tagged(ALICE), 'lambda:SourceFunctionArn': other })).toBe(
      'ExplicitlyDenied',
    );
  });

  test('no other role may assume it, even tagged', async () => {
    expect(await ask(sessionArnOf(template, ids.webIdentityRole, 'x'), tagged(ALICE))).toBe(
      'ImplicitlyDenied',
    );
    expect(await ask(sessionArnOf(template, ids.identityPoolRole, 'x'), tagged(ALICE))).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('the Okta Workflows connector role', () => {
  const ask = (principal: string, externalId?: string) =>
    decideTrust({
      trustPolicy: trustPolicyOf(prod.template, prod.ids.workflowsRole),
      action: 'sts:AssumeRole',
      principal,
      roleArn: roleArn(prod.ids.workflowsRole, prod.template),
      context: externalId ? { 'sts:ExternalId': externalId } : {},
      // Cross-account: Okta's own side must allow the call too; assume it does.
      callerIdentityPolicies: [
        {
          name: 'okta-workflows-side',
          policy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Resource: roleArn(prod.ids.workflowsRole, prod.template),
              },
            ],
          },
        },
      ],
    });

  test('only the Okta Workflows account, only with the external id', async () => {
    expect(await ask('arn:aws:iam::999988887777:role/okta-workflows', 'test-external-id-1234')).toBe(
      'Allowed',
    );
    expect(await ask('arn:aws:iam::999988887777:role/okta-workflows', 'guessed-id')).toBe('ImplicitlyDenied');
    expect(await ask('arn:aws:iam::999988887777:role/okta-workflows')).toBe('ImplicitlyDenied');
    expect(await ask('arn:aws:iam::111111111111:role/someone', 'test-external-id-1234')).toBe(
      'ImplicitlyDenied',
    );
  });
});
