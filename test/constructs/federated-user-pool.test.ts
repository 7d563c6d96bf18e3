import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FederatedUserPool } from '../../lib/constructs/federated-user-pool';
import { TEST_ISSUER } from '../support/config';
import { synthesizedTemplate } from '../support/template-cache';

let template: Template;
let resources: Record<string, any>;
beforeAll(() => {
  template = synthesizedTemplate();
  resources = template.toJSON().Resources;
});

const only = (type: string) => {
  const found = Object.entries(resources).filter(([, r]) => r.Type === type);
  expect(found).toHaveLength(1);
  return { id: found[0][0], ...found[0][1] };
};

describe('FederatedUserPool', () => {
  test('has self sign-up off and a mutable custom:okta_sub attribute', () => {
    const pool = only('AWS::Cognito::UserPool').Properties;
    expect(pool.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
    expect(pool.Schema).toEqual([
      {
        AttributeDataType: 'String',
        Mutable: true,
        Name: 'okta_sub',
        StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
      },
    ]);
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
      AttributeMapping: { okta_sub: 'sub', email: 'email' },
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

  test('no token the client can obtain may rewrite custom:okta_sub', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    // UpdateUserAttributes needs an access token with this scope; the client can never get one.
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    expect(client.AllowedOAuthScopes).not.toContain('aws.cognito.signin.user.admin');
    // Password, SRP and custom sign-in (whose tokens always carry that scope) are off, explicitly:
    // an absent list would mean Cognito's defaults, which include SRP and custom auth.
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    // Cognito refuses federated sign-in unless mapped attributes are client-writable, so the
    // write list is exactly the mapped attributes and nothing more.
    const mapped = Object.keys(only('AWS::Cognito::UserPoolIdentityProvider').Properties.AttributeMapping)
      .map((a) => (a === 'email' ? a : `custom:${a}`))
      .sort();
    expect([...client.WriteAttributes].sort()).toEqual(mapped);
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
          issuer: TEST_ISSUER,
          oktaClientId: 'abcdefgh12',
          oktaClientSecretName: 's',
          callbackUrls: [],
          logoutUrls: [],
          domainPrefix: 'my-cognito-files',
        }),
    ).toThrow(
      'FederatedUserPool: callbackUrls must name at least one URL; logoutUrls must name at least one URL; domainPrefix must be 1-63 of a-z 0-9 - and not contain "aws", "amazon" or "cognito"',
    );
  });
});
