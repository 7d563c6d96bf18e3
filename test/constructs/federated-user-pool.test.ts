import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FederatedUserPool } from '../../lib/constructs/federated-user-pool';
import { IdentityPoolAudiences, OktaFederation } from '../../lib/constructs/okta-federation';
import { TEST_ISSUER } from '../support/config';
import { only as onlyIn } from '../support/resources';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import { attributeMappingProblems, writeAttributeProblems } from '../../emulator/model/cognito-federation';

/** The construct alone in a bare stack, with explicit props and every default left unset. */
let template: Template;
beforeAll(() => {
  const stack = new Stack();
  new FederatedUserPool(stack, 'UserPool', {
    federation: federationIn(stack),
    webClientId: '0oaTESTweb0000000003',
    webClientSecretName: 'test/okta-web-client-secret',
    callbackUrls: ['https://files.test.example/callback'],
    logoutUrls: ['https://files.test.example/'],
    domainPrefix: 'test-files-dev',
  });
  template = Template.fromStack(stack);
});

const federationIn = (stack: Stack) =>
  OktaFederation.fromProviderArn(
    stack,
    'Okta',
    'arn:aws:iam::111122223333:oidc-provider/test.okta.example/oauth2/default',
    {
      issuer: TEST_ISSUER,
      clientIds: ['abcdefgh12'],
      identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER,
    },
  );

const only = (type: string) => onlyIn(template, type);

describe('FederatedUserPool', () => {
  test('has self sign-up off and no custom attributes (the Okta sub arrives in identities)', () => {
    const pool = only('AWS::Cognito::UserPool').Properties;
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Schema).toBeUndefined();
  });

  /*
   * Cognito's standard attributes ("User pool attributes", https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html);
   * any other mapping key must be `custom:<name>` of an attribute in the pool's schema
   * (AWS::Cognito::UserPoolIdentityProvider AttributeMapping). CDK copies custom keys unchanged
   * (aws-cdk issue 26820), so a key without `custom:` would silently map nothing.
   */
  const STANDARD_ATTRIBUTES = [
    'address',
    'birthdate',
    'email',
    'family_name',
    'gender',
    'given_name',
    'locale',
    'middle_name',
    'name',
    'nickname',
    'phone_number',
    'picture',
    'preferred_username',
    'profile',
    'updated_at',
    'website',
    'zoneinfo',
  ];
  test('maps only attributes Cognito can store: standard ones, or custom: plus a schema attribute', () => {
    const mapping = only('AWS::Cognito::UserPoolIdentityProvider').Properties.AttributeMapping;
    const schema = (only('AWS::Cognito::UserPool').Properties.Schema ?? []).map(
      (a: any) => `custom:${a.Name}`,
    );
    for (const key of Object.keys(mapping)) {
      expect([key, STANDARD_ATTRIBUTES.includes(key) || schema.includes(key)]).toEqual([key, true]);
    }
    expect(mapping).toEqual({ email: 'email' });
  });

  test('federates Okta with the client secret as a Secrets Manager dynamic reference', () => {
    const idp = only('AWS::Cognito::UserPoolIdentityProvider').Properties;
    expect(idp).toMatchObject({
      ProviderName: 'Okta',
      ProviderType: 'OIDC',
      ProviderDetails: {
        client_id: '0oaTESTweb0000000003',
        client_secret: '{{resolve:secretsmanager:test/okta-web-client-secret:SecretString:::}}',
        oidc_issuer: TEST_ISSUER,
        authorize_scopes: 'openid email profile',
      },
    });
  });

  test('no literal secret appears anywhere in the template', () => {
    const json = JSON.stringify(template.toJSON());
    const secretLike = [
      ...json.matchAll(/"(client_secret|ClientSecret|[A-Za-z]*[Ss]ecret[A-Za-z]*)":"([^"]*)"/g),
    ].map((m) => [m[1], m[2]]);
    expect(secretLike).toEqual([
      ['client_secret', '{{resolve:secretsmanager:test/okta-web-client-secret:SecretString:::}}'],
    ]);
    expect(json).not.toMatch(/GenerateSecret":true/);
  });

  test('the app client allows only Okta, the code flow and no client secret', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    const idp = only('AWS::Cognito::UserPoolIdentityProvider');
    expect(client).toMatchObject({
      GenerateSecret: false,
      SupportedIdentityProviders: [{ Ref: idp.id }],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: ['https://files.test.example/callback'],
      LogoutURLs: ['https://files.test.example/'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.AllowedOAuthFlows).not.toContain('implicit');
  });

  test('the app client follows its identity provider by the Ref alone, with no redundant DependsOn', () => {
    const client = only('AWS::Cognito::UserPoolClient');
    const idp = only('AWS::Cognito::UserPoolIdentityProvider');
    // The Ref orders the creation; a DependsOn on top is what cfn-lint's W3005 flags.
    expect(client.Properties.SupportedIdentityProviders).toEqual([{ Ref: idp.id }]);
    expect(client.DependsOn).toBeUndefined();
  });

  test('no token the client can obtain may rewrite user attributes', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    // UpdateUserAttributes needs an access token with this scope; the client can never get one.
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    expect(client.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    // Password, SRP and custom sign-in (whose tokens always carry that scope) are off, explicitly:
    // an absent list would mean Cognito's defaults, which include SRP and custom auth.
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('the client may write every mapped attribute and nothing else', () => {
    // An app client that allows an IdP must be able to write every attribute mapped from it, or
    // federated sign-in fails (UserPoolClientType.WriteAttributes, Cognito API reference).
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    const mapped = Object.keys(only('AWS::Cognito::UserPoolIdentityProvider').Properties.AttributeMapping);
    expect([...client.WriteAttributes].sort()).toEqual(mapped.sort());
    expect([...client.ReadAttributes].sort()).toEqual(mapped.sort());
  });

  test('ID tokens live one hour by default', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    expect(client).toMatchObject({ IdTokenValidity: 60, TokenValidityUnits: { IdToken: 'minutes' } });
  });

  test('has a hosted domain with the configured prefix', () => {
    expect(only('AWS::Cognito::UserPoolDomain').Properties.Domain).toBe('test-files-dev');
  });

  test('is retained by default', () => {
    expect(only('AWS::Cognito::UserPool').DeletionPolicy).toBe('Retain');
  });

  test('validates its props, naming each', () => {
    const stack = new Stack(new App(), 'S');
    expect(
      () =>
        new FederatedUserPool(stack, 'P', {
          federation: federationIn(stack),
          webClientId: 'abcdefgh12',
          webClientSecretName: 's',
          callbackUrls: [],
          logoutUrls: [],
          domainPrefix: 'my-cognito-files',
          providerName: 'Okta_2',
          idTokenValidity: Duration.minutes(4),
        }),
    ).toThrow(
      'FederatedUserPool at S/P: callbackUrls: must name at least one URL; logoutUrls: must name at least one URL; domainPrefix: must be 1-63 of a-z 0-9 - and not contain "aws", "amazon" or "cognito"; providerName: must be 3-32 characters, no whitespace, no _ after the first (Cognito ProviderName); idTokenValidity: must be 5 minutes to 1 day',
    );
  });

  test.each([
    [Duration.minutes(5), 5],
    [Duration.days(1), 1440],
  ])("accepts an ID-token lifetime of %s at the edges of Cognito's range", (validity, minutes) => {
    const stack = new Stack(new App(), 'S');
    new FederatedUserPool(stack, 'P', {
      federation: federationIn(stack),
      webClientId: 'abcdefgh12',
      webClientSecretName: 's',
      callbackUrls: ['https://files.example.com/cb'],
      logoutUrls: ['https://files.example.com/'],
      domainPrefix: 'my-files',
      idTokenValidity: validity,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolClient', {
      IdTokenValidity: minutes,
    });
    const other = new Stack(new App(), 'T');
    expect(
      () =>
        new FederatedUserPool(other, 'P', {
          federation: federationIn(other),
          webClientId: 'abcdefgh12',
          webClientSecretName: 's',
          callbackUrls: ['https://files.example.com/cb'],
          logoutUrls: ['https://files.example.com/'],
          domainPrefix: 'my-files',
          idTokenValidity: Duration.minutes(1441),
        }),
    ).toThrow('idTokenValidity: must be 5 minutes to 1 day');
  });
});

/*
 * Team memberships for route 3: Okta's `okta_teams` claim mapped to a custom attribute. Custom
 * attributes are keyed `custom:<name>` in AttributeMapping (CDK copies the key unchanged, aws-cdk
 * issue 26820); the attribute must be mutable for Cognito to rewrite it at every federated sign-in
 * (SchemaAttributeType, Cognito API reference); the client must read it for it to reach the ID
 * token and write it for sign-in to work at all (UserPoolClientType.ReadAttributes/WriteAttributes).
 */
describe('FederatedUserPool with mapTeamsClaim', () => {
  let teams: Template;
  beforeAll(() => {
    const stack = new Stack(new App(), 'Teams');
    new FederatedUserPool(stack, 'UserPool', {
      federation: federationIn(stack),
      webClientId: '0oaTESTweb0000000003',
      webClientSecretName: 'test/okta-web-client-secret',
      callbackUrls: ['https://files.test.example/callback'],
      logoutUrls: ['https://files.test.example/'],
      domainPrefix: 'test-files-dev',
      mapTeamsClaim: true,
    });
    teams = Template.fromStack(stack);
  });

  test('the pool has a mutable okta_teams of up to 256 characters, a session tag’s limit', () => {
    expect(onlyIn(teams, 'AWS::Cognito::UserPool').Properties.Schema).toEqual([
      {
        Name: 'okta_teams',
        AttributeDataType: 'String',
        Mutable: true,
        StringAttributeConstraints: { MinLength: '1', MaxLength: '256' },
      },
    ]);
  });

  test('the provider maps custom:okta_teams from the Okta claim okta_teams, with its prefix', () => {
    const resolved = resolveTemplate(teams.toJSON());
    expect(onlyIn(teams, 'AWS::Cognito::UserPoolIdentityProvider').Properties.AttributeMapping).toEqual({
      email: 'email',
      'custom:okta_teams': 'okta_teams',
    });
    expect(attributeMappingProblems(resolved)).toEqual([]);
  });

  test('the client reads and writes exactly the mapped attributes, okta_teams included', () => {
    const client = onlyIn(teams, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client.ReadAttributes).toEqual(['custom:okta_teams', 'email']);
    expect(client.WriteAttributes).toEqual(['custom:okta_teams', 'email']);
    expect(writeAttributeProblems(resolveTemplate(teams.toJSON()))).toEqual([]);
  });

  test('compensating control: no token of the client may call UpdateUserAttributes on it', () => {
    // UpdateUserAttributes needs an access token with aws.cognito.signin.user.admin; the client's
    // OAuth scopes exclude it and the flows whose tokens carry it (SRP, password, custom) are off.
    const client = onlyIn(teams, 'AWS::Cognito::UserPoolClient').Properties;
    expect(client.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('is off by default: no custom attribute, nothing but email mapped', () => {
    expect(only('AWS::Cognito::UserPool').Properties.Schema).toBeUndefined();
    expect(only('AWS::Cognito::UserPoolIdentityProvider').Properties.AttributeMapping).toEqual({
      email: 'email',
    });
  });
});
