import { PRESIGN_ENV, readConfig } from '../../lambda/presign/config';
import { callerSub } from '../../lambda/presign/identity';
import {
  authorize,
  methodAuthorizationOf,
  proxyEvent,
} from '../../emulator/model/apigateway-cognito-authorizer';
import {
  federatedIdTokenClaims,
  federatedUsername,
  signWithPool,
  testUserPool,
} from '../../emulator/model/cognito-id-token';
import {
  attributeMappingProblems,
  clientsAllowing,
  oidcProviderOf,
  teamsAttributeProblems,
  writeAttributeProblems,
} from '../../emulator/model/cognito-federation';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import { lambdaEnvironment, presignFunctionOf } from '../../emulator/model/lambda-rules';
import { resourcesOfType } from '../../emulator/model/template-query';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';

const OKTA_SUB = '00uFederated00000001';
/** One RSA key pair for every pool here: generating one takes a tenth of a second. */
const POOL_KEYS = testUserPool();

/** A custom attribute `okta_sub` in the pool's schema, mapped from `sub` under the key given. */
const withCustomMapping = (key: string, writable: string[] = ['email']) =>
  brokenTemplate('dev', (resources) => {
    const pool = resources[rawId(resources, 'AWS::Cognito::UserPool')];
    pool.Properties.Schema = [{ Name: 'okta_sub', AttributeDataType: 'String', Mutable: true }];
    const idp = resources[rawId(resources, 'AWS::Cognito::UserPoolIdentityProvider')];
    idp.Properties.AttributeMapping = { email: 'email', [key]: 'sub' };
    resources[rawId(resources, 'AWS::Cognito::UserPoolClient')].Properties.WriteAttributes = writable;
  });

describe.each(ENVIRONMENT_ROWS)('Cognito federation, %s', (_label, env) => {
  const template = environmentTemplate(env);

  test('every attribute-mapping key is a standard attribute or custom:<schema attribute>', () => {
    expect(Object.keys(oidcProviderOf(template).props.AttributeMapping as object)).not.toHaveLength(0);
    expect(attributeMappingProblems(template)).toEqual([]);
  });

  test('every client that allows the Okta provider may write every mapped attribute', () => {
    expect(clientsAllowing(template, oidcProviderOf(template))).not.toHaveLength(0);
    expect(writeAttributeProblems(template)).toEqual([]);
  });

  test('with team folders on, custom:okta_teams is mapped from okta_teams, mutable, read and written by the client', () => {
    expect(teamsAttributeProblems(template)).toEqual([]);
  });

  test('a federated Okta user’s ID token passes the authorizer and the Lambda reads its Okta sub', () => {
    expect(presignSubFor(template)).toBe(OKTA_SUB);
  });
});

/**
 * The dev template with team folders turned on in the presign function, and the user pool set up
 * for them (`pool`, `mapping`, `client` say how far): the fixtures of the team-attribute rule.
 */
const withTeamFolders = (setup: { schema?: object | false; mappingKey?: string | false; client?: boolean }) =>
  brokenTemplate('dev', (resources) => {
    const fn = resources[rawId(resources, 'AWS::Lambda::Function', 'PresignApiHandler')];
    fn.Properties.Environment.Variables.TEAM_FOLDERS = 'finance=rw,finance=r';
    const pool = resources[rawId(resources, 'AWS::Cognito::UserPool')];
    delete pool.Properties.Schema;
    if (setup.schema !== false) {
      pool.Properties.Schema = [
        {
          Name: 'okta_teams',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MaxLength: '256', MinLength: '1' },
          ...setup.schema,
        },
      ];
    }
    const idp = resources[rawId(resources, 'AWS::Cognito::UserPoolIdentityProvider')];
    idp.Properties.AttributeMapping = { email: 'email' };
    if (setup.mappingKey !== false) {
      idp.Properties.AttributeMapping = {
        email: 'email',
        [setup.mappingKey ?? 'custom:okta_teams']: 'okta_teams',
      };
    }
    const client = resources[rawId(resources, 'AWS::Cognito::UserPoolClient')];
    client.Properties.ReadAttributes = ['email'];
    client.Properties.WriteAttributes = ['email'];
    if (setup.client !== false) {
      client.Properties.ReadAttributes = ['custom:okta_teams', 'email'];
      client.Properties.WriteAttributes = ['custom:okta_teams', 'email'];
    }
  });

describe('Cognito federation rules fail on broken templates', () => {
  test('team folders with the attribute mapped, mutable, read and written by the client are accepted', () => {
    expect(teamsAttributeProblems(withTeamFolders({}))).toEqual([]);
  });

  test('mutation proof: team folders on, but the user pool never maps okta_teams (the claim reaches no token)', () => {
    expect(
      teamsAttributeProblems(withTeamFolders({ schema: false, mappingKey: false, client: false })),
    ).toEqual([
      expect.stringMatching(/UserPoolOkta.* does not map custom:okta_teams from the Okta claim okta_teams/),
      expect.stringMatching(/UserPool.* has no custom attribute okta_teams/),
      expect.stringMatching(/UserPoolWebClient.* allows Okta but its ReadAttributes lack custom:okta_teams/),
      expect.stringMatching(/UserPoolWebClient.* allows Okta but its WriteAttributes lack custom:okta_teams/),
    ]);
  });

  test('okta_teams mapped without custom: is found by both rules', () => {
    const template = withTeamFolders({ mappingKey: 'okta_teams' });
    expect(teamsAttributeProblems(template)).toEqual([
      expect.stringContaining('does not map custom:okta_teams'),
    ]);
    expect(attributeMappingProblems(template)).toEqual([expect.stringContaining('the key needs its prefix')]);
  });

  test('an immutable or too short okta_teams is found', () => {
    expect(teamsAttributeProblems(withTeamFolders({ schema: { Mutable: false } }))).toEqual([
      expect.stringContaining('okta_teams is not mutable'),
    ]);
    expect(
      teamsAttributeProblems(
        withTeamFolders({ schema: { StringAttributeConstraints: { MaxLength: '64' } } }),
      ),
    ).toEqual([expect.stringContaining('okta_teams holds fewer than 256 characters')]);
  });

  test('mutation proof (defect 1): okta_sub mapped without custom: maps nothing', () => {
    expect(attributeMappingProblems(withCustomMapping('okta_sub', ['email', 'custom:okta_sub']))).toEqual([
      expect.stringContaining(
        'maps "okta_sub", which is neither a standard attribute nor a custom attribute of the pool (the pool has custom:okta_sub',
      ),
    ]);
  });

  test('custom:okta_sub with the attribute in the schema is accepted', () => {
    expect(
      attributeMappingProblems(withCustomMapping('custom:okta_sub', ['email', 'custom:okta_sub'])),
    ).toEqual([]);
  });

  test('a mapped attribute the client may not write is found', () => {
    const template = withCustomMapping('custom:okta_sub', ['email']);
    expect(writeAttributeProblems(template)).toEqual([
      expect.stringMatching(/UserPoolWebClient.* allows Okta but may not write "custom:okta_sub"/),
    ]);
  });

  test('without WriteAttributes a client may write standard attributes only', () => {
    const template = brokenTemplate('dev', (resources) => {
      delete resources[rawId(resources, 'AWS::Cognito::UserPoolClient')].Properties.WriteAttributes;
      // Only the standard mapping: dev's team folders also map custom:okta_teams.
      resources[rawId(resources, 'AWS::Cognito::UserPoolIdentityProvider')].Properties.AttributeMapping = {
        email: 'email',
      };
    });
    expect(writeAttributeProblems(template)).toEqual([]);
    const custom = withCustomMapping('custom:okta_sub', undefined as never);
    delete (custom.resources[resourcesOfType(custom, 'AWS::Cognito::UserPoolClient')[0].id].Properties as any)
      .WriteAttributes;
    expect(writeAttributeProblems(custom)).toHaveLength(1);
  });

  test.each([
    ['cognito:username of another provider', { 'cognito:username': `Other_${OKTA_SUB}` }],
    ['no identities claim', { identities: undefined }],
  ])('a token with %s is refused by the Lambda (403)', (_what, changes) => {
    expect(() => presignSubFor(fixtureBase('dev'), changes)).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  // Real pools lower-case the whole federated username and keep `identities[].userId` as the IdP sent
  // it (captured tokens; aws-amplify/amplify-js#13844): the prefix key is still the sub's own case.
  test('a username lower-cased as real pools issue it still yields the Okta sub in its own case', () => {
    const template = fixtureBase('dev');
    const providerName = String(oidcProviderOf(template).props.ProviderName);
    const lowerCased = federatedUsername({ providerName, oktaSub: OKTA_SUB, usernameForm: 'lower-cased' });
    expect(lowerCased).toBe(`${providerName}_${OKTA_SUB}`.toLowerCase());
    expect(lowerCased).not.toContain(OKTA_SUB);
    expect(presignSubFor(template, { 'cognito:username': lowerCased })).toBe(OKTA_SUB);
  });

  // The methods have no scopes, so API Gateway takes only ID tokens (apigateway-enable-cognito-user-pool.html).
  test('a token with token_use access is refused by the authorizer (401), before the Lambda', () => {
    expect(() => presignSubFor(fixtureBase('dev'), { token_use: 'access' })).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });

  test('a Lambda told another provider name refuses the federated user (403)', () => {
    const template = brokenTemplate('dev', (resources) => {
      const fn = resources[rawId(resources, 'AWS::Lambda::Function', 'PresignApiHandler')];
      fn.Properties.Environment.Variables[PRESIGN_ENV.identityProviderName] = 'OktaOther';
    });
    expect(() => presignSubFor(template)).toThrow(expect.objectContaining({ status: 403 }));
  });
});

/**
 * An Okta user signs in through the template's user-pool provider and app client; the pool issues
 * an ID token (cognito-id-token.ts), the template's authorizer lets it through
 * (apigateway-cognito-authorizer.ts), and the real identity code, configured by the template's
 * environment variables through the real config reader, reads the caller's Okta sub.
 */
function presignSubFor(template: ResolvedTemplate, changes: Record<string, unknown> = {}): string {
  const idp = oidcProviderOf(template);
  const [client] = clientsAllowing(template, idp);
  const poolId = String(idp.props.UserPoolId);
  const pool = { ...POOL_KEYS, region: template.env.region, poolId, keyId: `${poolId}-key-1` };
  const now = Math.floor(Date.now() / 1000);
  const claims = federatedIdTokenClaims(pool, {
    oktaSub: OKTA_SUB,
    providerName: String(idp.props.ProviderName),
    clientId: template.ref(client.id),
    issuedAt: now - 5,
  });
  const token = signWithPool(pool, { ...claims, ...changes });
  const method = resourcesOfType(template, 'AWS::ApiGateway::Method').find(
    (m) => m.props.HttpMethod === 'POST',
  )!;
  const decision = authorize(`Bearer ${token}`, methodAuthorizationOf(template, method.id, [pool]), now);
  if (!decision.allowed)
    throw Object.assign(new Error('The authorizer refused the token'), { status: decision.status });
  const event = proxyEvent({
    method: 'POST',
    resource: '/uploads',
    headers: [['Authorization', `Bearer ${token}`]],
    body: '{}',
    claims: decision.claims,
  });
  return callerSub(event, readConfig(lambdaEnvironment(template, presignFunctionOf(template))));
}
