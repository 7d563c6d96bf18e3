import { authorize, methodAuthorizationOf } from '../../emulator/model/apigateway-cognito-authorizer';
import { federatedIdTokenClaims, signWithPool, testUserPool } from '../../emulator/model/cognito-id-token';
import { resolvedStack } from '../iam/stack-under-test';

/* The authorizer model itself: what it lets through and how it renders claims. */
const pool = testUserPool('eu-west-1', 'eu-west-1_ModelPool');
const otherPool = testUserPool('eu-west-1', 'eu-west-1_OtherPool');
const signIn = { oktaSub: '00uModel000000000001', providerName: 'Okta', clientId: 'client1' };
const method = { userPools: [pool] };
const now = 1_800_000_000;
const token = (changes: Record<string, unknown> = {}, signer = pool) =>
  signWithPool(signer, { ...federatedIdTokenClaims(pool, { ...signIn, issuedAt: now - 60 }), ...changes });

describe('the REST Cognito authorizer model', () => {
  test('lets a valid ID token through a method without scopes, raw or as Bearer', () => {
    expect(authorize(`Bearer ${token()}`, method, now)).toMatchObject({ allowed: true });
    expect(authorize(token(), method, now)).toMatchObject({ allowed: true });
  });

  test('refuses an expired token, another pool’s key, a tampered payload, or no token', () => {
    expect(authorize(token({ exp: now }), method, now)).toEqual({ allowed: false, status: 401 });
    expect(authorize(token({}, otherPool), method, now)).toEqual({ allowed: false, status: 401 });
    const [h, , s] = token().split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...federatedIdTokenClaims(pool, signIn), exp: now + 60 }),
    ).toString('base64url');
    expect(authorize(`${h}.${forged}.${s}`, method, now)).toEqual({ allowed: false, status: 401 });
    expect(authorize(undefined, method, now)).toEqual({ allowed: false, status: 401 });
  });

  // "Otherwise, the call fails with a 401 Unauthorized response" (apigateway-enable-cognito-user-pool.html).
  test('needs an access token with a granted scope when the method has scopes, else 401', () => {
    const scoped = { ...method, authorizationScopes: ['files/read'] };
    expect(authorize(token(), scoped, now)).toEqual({ allowed: false, status: 401 });
    expect(authorize(token({ token_use: 'access', scope: 'openid files/write' }), scoped, now)).toEqual({
      allowed: false,
      status: 401,
    });
    expect(authorize(token({ token_use: 'access', scope: 'openid files/read' }), scoped, now)).toMatchObject({
      allowed: true,
    });
  });

  // "If the OAuth Scopes option isn't specified, API Gateway treats the supplied token as an identity
  // token" (same page); https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized.
  test('refuses an access token, or a token of no use, on a method without scopes with 401', () => {
    for (const token_use of ['access', undefined, 'ID'])
      expect(authorize(token({ token_use, scope: 'openid' }), method, now)).toEqual({
        allowed: false,
        status: 401,
      });
  });

  test('passes every claim as a string, exp and iat as Java UTC date text', () => {
    const decision = authorize(
      token({ iat: 1469814773, exp: now + 60, 'cognito:groups': ['a', 'b'] }),
      method,
      now,
    );
    if (!decision.allowed) throw new Error('refused');
    expect(decision.claims).toMatchObject({
      iat: 'Fri Jul 29 17:52:53 UTC 2016',
      auth_time: String(now - 60),
      'cognito:groups': 'a,b',
      token_use: 'id',
      'cognito:username': `Okta_${signIn.oktaSub}`,
    });
    // The single identities entry as its JSON object text, as in captured REST events.
    expect(JSON.parse(decision.claims.identities)).toMatchObject({
      userId: signIn.oktaSub,
      providerName: 'Okta',
    });
    expect(Object.values(decision.claims).every((v) => typeof v === 'string')).toBe(true);
  });

  test('the synthesized presign methods take ID tokens of the stack’s user pool (no scopes)', () => {
    const { template } = resolvedStack();
    const stackPool = {
      ...pool,
      poolId: template.ref(
        Object.keys(template.resources).find(
          (id) => template.resources[id].Type === 'AWS::Cognito::UserPool',
        )!,
      ),
    };
    // The Okta event hook's methods are open by design (its function checks Okta's shared secret).
    const methods = Object.keys(template.resources).filter(
      (id) =>
        template.resources[id].Type === 'AWS::ApiGateway::Method' &&
        template.resources[id].Properties.HttpMethod !== 'OPTIONS' &&
        !id.includes('oktaeventhook'),
    );
    // uploads, files, folders, downloads, and the five multipart steps.
    expect(methods).toHaveLength(9);
    for (const id of methods) {
      const authorization = methodAuthorizationOf(template, id, [stackPool]);
      expect(authorization.userPools).toEqual([stackPool]);
      expect(authorization.authorizationScopes ?? []).toEqual([]);
      // So API Gateway itself answers an access token with 401, before the Lambda runs.
      const access = signWithPool(stackPool, {
        ...federatedIdTokenClaims(stackPool, { ...signIn, issuedAt: now - 60 }),
        token_use: 'access',
        scope: 'openid email',
      });
      expect(authorize(access, authorization, now)).toEqual({ allowed: false, status: 401 });
    }
  });
});
