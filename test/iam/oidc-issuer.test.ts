import { OidcIssuer, startOidcIssuer } from '../../emulator/services/oidc-issuer';
import { decideTrust } from '../../emulator/iam/simulate';
import {
  identityPoolTrustContext,
  issuerKeyPrefix,
  principalTagContext,
  sessionTags,
  webIdentityTrustContext,
} from '../../emulator/iam/web-identity-context';

const CONFIGURED_ISSUER = 'https://test.okta.example/oauth2/default';
const CLIENT = '0oaTESTspa0000000001';
const SUB = '00uAAAAAAAAAAAAAAAA1';

let issuer: OidcIssuer;

beforeAll(async () => {
  issuer = await startOidcIssuer();
});

afterAll(async () => {
  await issuer.stop();
});

describe('the local OIDC issuer', () => {
  test('listens on loopback', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('mints an ID token that verifies against its JWKS, with the chosen claims', async () => {
    const token = await issuer.mintIdToken({
      sub: SUB,
      aud: CLIENT,
      amr: ['pwd', 'mfa'],
      email: 'a@test.example',
    });
    const claims = await issuer.verify(token, CLIENT);
    expect(claims).toMatchObject({
      iss: issuer.url,
      sub: SUB,
      aud: CLIENT,
      amr: ['pwd', 'mfa'],
      email: 'a@test.example',
    });
  });

  test('rejects a token for another audience', async () => {
    const token = await issuer.mintIdToken({ sub: SUB, aud: 'another-client' });
    await expect(issuer.verify(token, CLIENT)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    });
  });

  test('rejects a token whose payload was altered', async () => {
    const [header, , signature] = (await issuer.mintIdToken({ sub: SUB, aud: CLIENT })).split('.');
    const forged = Buffer.from(JSON.stringify({ iss: issuer.url, sub: '00uEVIL', aud: CLIENT })).toString(
      'base64url',
    );
    await expect(issuer.verify(`${header}.${forged}.${signature}`, CLIENT)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  test('rejects an expired token', async () => {
    const token = await issuer.mintIdToken({ sub: SUB, aud: CLIENT }, { expiresInSeconds: -60 });
    await expect(issuer.verify(token, CLIENT)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });
});

describe('verified claims → IAM request context', () => {
  test('route 2 keys are named after the configured issuer, not the local one', async () => {
    const claims = await issuer.verify(await issuer.mintIdToken({ sub: SUB, aud: CLIENT }), CLIENT);
    expect(webIdentityTrustContext(claims, CONFIGURED_ISSUER)).toEqual({
      'test.okta.example/oauth2/default:aud': CLIENT,
      'test.okta.example/oauth2/default:sub': SUB,
    });
  });

  test('route 2 refuses a token with several audiences rather than pick one', async () => {
    const claims = await issuer.verify(
      await issuer.mintIdToken({ sub: SUB, aud: [CLIENT, 'other'] }),
      CLIENT,
    );
    expect(() => webIdentityTrustContext(claims, CONFIGURED_ISSUER)).toThrow(/one audience/);
  });

  test('route 1: Cognito keys, and the principal-tag map as request tags', async () => {
    const claims = await issuer.verify(await issuer.mintIdToken({ sub: SUB, aud: CLIENT }), CLIENT);
    const login = {
      identityPoolId: 'eu-west-1:pool',
      identityId: 'eu-west-1:identity',
      providerName: issuerKeyPrefix(CONFIGURED_ISSUER),
    };
    expect(identityPoolTrustContext(claims, login)).toEqual({
      'cognito-identity.amazonaws.com:aud': 'eu-west-1:pool',
      'cognito-identity.amazonaws.com:sub': 'eu-west-1:identity',
      'cognito-identity.amazonaws.com:amr': ['authenticated', 'test.okta.example/oauth2/default'],
      'aws:RequestTag/okta_sub': SUB,
      'aws:TagKeys': ['okta_sub'],
    });
    expect(identityPoolTrustContext(claims, { ...login, authenticated: false })).toEqual({
      'cognito-identity.amazonaws.com:aud': 'eu-west-1:pool',
      'cognito-identity.amazonaws.com:sub': 'eu-west-1:identity',
      'cognito-identity.amazonaws.com:amr': ['unauthenticated'],
    });
    expect(principalTagContext(sessionTags(claims))).toEqual({ 'aws:PrincipalTag/okta_sub': SUB });
  });

  test('a tag whose claim is missing is an error, not an empty tag', async () => {
    const claims = await issuer.verify(await issuer.mintIdToken({ sub: SUB, aud: CLIENT }), CLIENT);
    expect(() => sessionTags(claims, { team: 'groups' })).toThrow(/Claim groups for tag team is missing/);
  });

  test('a minted token drives a trust decision end to end', async () => {
    const provider = 'arn:aws:iam::123456789012:oidc-provider/test.okta.example/oauth2/default';
    const trustPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'test.okta.example/oauth2/default:aud': CLIENT } },
        },
      ],
    };
    const decisionFor = async (aud: string) => {
      const claims = await issuer.verify(await issuer.mintIdToken({ sub: SUB, aud }), aud);
      return decideTrust({
        trustPolicy,
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: provider,
        roleArn: 'arn:aws:iam::123456789012:role/Web',
        context: webIdentityTrustContext(claims, CONFIGURED_ISSUER),
      });
    };
    expect(await decisionFor(CLIENT)).toBe('Allowed');
    expect(await decisionFor('0oaOTHERclient000009')).toBe('ImplicitlyDenied');
  });
});
