import { createHash, createPublicKey, randomBytes, verify } from 'crypto';
import * as net from 'net';
import { issuerOf } from '../../emulator/model/cognito-id-token';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import { TEST_CLIENT_IDS, TEST_ISSUER, testConfig } from '../support/config';
import { templateJson } from '../support/template-cache';
import { bucketCorsHeaders, mockPreflightReply, withCors } from '../../emulator/services/cors';
import { HostedUi, startHostedUi } from '../../emulator/services/hosted-ui';
import { tokenIssuer } from '../../emulator/local-stack';
import { OktaStandIn, startOktaStandIn } from '../../emulator/services/okta-stand-in';
import { TEST_USERS } from '../../emulator/services/test-users';
import { localUserPool, type LocalUserPool } from '../../emulator/services/user-pool';

/*
 * The sign-in stand-ins of `npm run local` (Okta, the user pool's hosted UI) and the CORS answers
 * the local endpoints give a browser. The template has three allowed origins, so API Gateway's
 * preflight template compares the request's origin with more than one of them.
 */

const ORIGINS = ['https://files.test.example', 'http://localhost:5173', 'http://127.0.0.1:4400'];
const APP_CALLBACK = 'https://files.test.example/callback';
const json = templateJson(testConfig(), { env: 'dev', allowedOrigins: JSON.stringify(ORIGINS) });
const template = resolveTemplate(json, { account: '123456789012', region: 'eu-west-1' });
const ALICE = TEST_USERS[0];
const [SPA] = TEST_CLIENT_IDS;
const WEB_CLIENT = testConfig().okta.webClientId;

let okta: OktaStandIn;
let hostedUi: HostedUi;
let userPool: LocalUserPool;

beforeAll(async () => {
  const [oktaPort, hostedUiPort] = [await freePort(), await freePort()];
  okta = await startOktaStandIn({
    port: oktaPort,
    publicClientIds: TEST_CLIENT_IDS,
    confidentialClientIds: [WEB_CLIENT],
    redirectUris: [APP_CALLBACK, `http://127.0.0.1:${hostedUiPort}/oauth2/idpresponse`],
    corsOrigins: [ORIGINS[0]],
  });
  userPool = localUserPool(template, tokenIssuer(okta.tokens, TEST_ISSUER));
  hostedUi = await startHostedUi({
    port: hostedUiPort,
    template,
    userPool,
    oktaIssuerUrl: okta.issuerUrl,
    corsOrigins: [ORIGINS[0]],
  });
});

afterAll(async () => {
  await hostedUi?.close();
  await okta?.close();
});

/** A PKCE pair (RFC 7636: S256 challenge = base64url(sha256(verifier))). */
function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const get = (url: string) => fetch(url, { redirect: 'manual' });
const post = (url: string, form: Record<string, string>) =>
  fetch(url, { method: 'POST', redirect: 'manual', body: new URLSearchParams(form) });

/** Okta's authorize URL for the SPA, with the given parameters over sensible ones. */
function oktaAuthorize(params: Record<string, string | undefined>): Record<string, string> {
  const all = {
    client_id: SPA,
    redirect_uri: APP_CALLBACK,
    response_type: 'code',
    scope: 'openid email',
    state: 'st-1',
    ...params,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/** Picks a user on the Okta sign-in page; returns the code and state it redirected back with. */
async function pickUser(params: Record<string, string>, user = ALICE.name) {
  const picked = await post(`${okta.issuerUrl}/v1/authorize`, { ...params, user });
  expect(picked.status).toBe(302);
  const back = new URL(picked.headers.get('location')!);
  return { back, code: back.searchParams.get('code')!, state: back.searchParams.get('state') };
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

describe('the Okta stand-in', () => {
  test('discovery names its own issuer and the endpoints below it', async () => {
    const doc = await (await get(`${okta.issuerUrl}/.well-known/openid-configuration`)).json();
    expect(doc).toMatchObject({
      issuer: okta.issuerUrl,
      authorization_endpoint: `${okta.issuerUrl}/v1/authorize`,
      token_endpoint: `${okta.issuerUrl}/v1/token`,
      jwks_uri: `${okta.issuerUrl}/v1/keys`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  test('the sign-in page lists every test user', async () => {
    const { challenge } = pkce();
    const page = await get(
      `${okta.issuerUrl}/v1/authorize?${new URLSearchParams(oktaAuthorize({ code_challenge: challenge, code_challenge_method: 'S256' }))}`,
    );
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const user of TEST_USERS) expect(html).toContain(`data-user="${user.name}"`);
  });

  test.each([
    ['a public client without PKCE', { code_challenge: undefined }, 'PKCE is required'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'code_challenge_method must be S256'],
    ['an unregistered redirect URI', { redirect_uri: 'https://evil.example/callback' }, 'is not registered'],
    ['an unknown client', { client_id: '0oaUNKNOWN' }, 'unknown client_id'],
  ])('refuses %s on its page, without redirecting', async (_name, override, problem) => {
    const params = oktaAuthorize({
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      ...override,
    });
    const refused = await post(`${okta.issuerUrl}/v1/authorize`, { ...params, user: ALICE.name });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
    expect(await refused.text()).toContain(problem);
  });

  test('code flow with PKCE: the right verifier gets an ID token for the user, once', async () => {
    const { verifier, challenge } = pkce();
    const params = oktaAuthorize({ code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-1' });
    const { back, code, state } = await pickUser(params);
    expect(`${back.origin}${back.pathname}`).toBe(APP_CALLBACK);
    expect(state).toBe('st-1');
    const redeem = { grant_type: 'authorization_code', code, client_id: SPA, redirect_uri: APP_CALLBACK };

    const tokens = await (
      await post(`${okta.issuerUrl}/v1/token`, { ...redeem, code_verifier: verifier })
    ).json();
    const claims = await okta.tokens.verify(tokens.id_token, [SPA]);
    expect(claims).toMatchObject({ sub: ALICE.sub, aud: SPA, iss: okta.issuerUrl, nonce: 'n-1' });

    const again = await post(`${okta.issuerUrl}/v1/token`, { ...redeem, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe('invalid_grant');
  });

  test('a code is refused with another verifier or another redirect URI', async () => {
    const { challenge } = pkce();
    const params = oktaAuthorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    const first = await pickUser(params);
    const wrongVerifier = await post(`${okta.issuerUrl}/v1/token`, {
      grant_type: 'authorization_code',
      code: first.code,
      client_id: SPA,
      redirect_uri: APP_CALLBACK,
      code_verifier: pkce().verifier,
    });
    const second = await pickUser(params);
    const wrongRedirect = await post(`${okta.issuerUrl}/v1/token`, {
      grant_type: 'authorization_code',
      code: second.code,
      client_id: SPA,
      redirect_uri: 'https://files.test.example/other',
      code_verifier: pkce().verifier,
    });
    expect([wrongVerifier.status, wrongRedirect.status]).toEqual([400, 400]);
  });
});

describe('the hosted-UI stand-in', () => {
  const authorizeUrl = (params: Record<string, string>) =>
    `${hostedUi.url}/oauth2/authorize?${new URLSearchParams({
      client_id: userPool.clientId,
      redirect_uri: APP_CALLBACK,
      response_type: 'code',
      scope: 'openid email',
      ...params,
    })}`;

  test('refuses a redirect URI that is not a callback URL of the app client', async () => {
    const refused = await get(authorizeUrl({ redirect_uri: 'https://evil.example/callback' }));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });

  test('refuses a scope the app client does not allow', async () => {
    const refused = await get(authorizeUrl({ scope: 'openid aws.cognito.signin.user.admin' }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('invalid_scope');
  });

  test('authorize, federation to Okta, token: an ID token with the claims Cognito issues, signed with the pool key', async () => {
    const { verifier, challenge } = pkce();
    const started = await get(
      authorizeUrl({
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'app-st',
        nonce: 'app-n',
      }),
    );
    expect(started.status).toBe(302);
    const toOkta = new URL(started.headers.get('location')!);
    expect(`${toOkta.origin}${toOkta.pathname}`).toBe(`${okta.issuerUrl}/v1/authorize`);
    // The pool signs in at Okta as its own Okta app, and Okta sends the user back to idpresponse.
    expect(toOkta.searchParams.get('client_id')).toBe(userPool.oktaClientId);
    expect(toOkta.searchParams.get('redirect_uri')).toBe(hostedUi.idpResponseUrl);

    const fromOkta = await pickUser(Object.fromEntries(toOkta.searchParams));
    const toApp = await get(fromOkta.back.toString());
    expect(toApp.status).toBe(302);
    const back = new URL(toApp.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(APP_CALLBACK);
    expect(back.searchParams.get('state')).toBe('app-st');

    const tokens = await (
      await post(`${hostedUi.url}/oauth2/token`, {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        client_id: userPool.clientId,
        redirect_uri: APP_CALLBACK,
        code_verifier: verifier,
      })
    ).json();
    const claims = payloadOf(tokens.id_token);
    expect(claims).toMatchObject({
      iss: issuerOf(userPool.pool),
      aud: userPool.clientId,
      token_use: 'id',
      // As real pools issue it: the whole username lower-cased, the identities entry in the sub's case
      // (captured tokens; aws-amplify/amplify-js#13844).
      'cognito:username': `${userPool.providerName}_${ALICE.sub}`.toLowerCase(),
      identities: [expect.objectContaining({ userId: ALICE.sub, providerName: userPool.providerName })],
      email: ALICE.email,
      nonce: 'app-n',
    });
    expect(payloadOf(tokens.access_token)).toMatchObject({
      token_use: 'access',
      client_id: userPool.clientId,
    });

    const { keys } = await (await get(`${hostedUi.url}/.well-known/jwks.json`)).json();
    const [header, payload, signature] = tokens.id_token.split('.');
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
    const key = createPublicKey({ key: keys.find((k: { kid: string }) => k.kid === kid), format: 'jwk' });
    expect(
      verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });

  test('the token endpoint refuses a code redeemed without its verifier', async () => {
    const { challenge } = pkce();
    const started = await get(authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const fromOkta = await pickUser(
      Object.fromEntries(new URL(started.headers.get('location')!).searchParams),
    );
    const back = new URL((await get(fromOkta.back.toString())).headers.get('location')!);
    const refused = await post(`${hostedUi.url}/oauth2/token`, {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      client_id: userPool.clientId,
      redirect_uri: APP_CALLBACK,
    });
    expect(refused.status).toBe(400);
  });
});

describe('CORS for a browser page', () => {
  const optionsMethod = () => {
    const found = Object.values(template.resources).find(
      (r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'OPTIONS',
    );
    return found!.Properties;
  };

  test.each(ORIGINS)('the API preflight allows %s, as its OPTIONS method’s template says', (origin) => {
    const reply = mockPreflightReply(optionsMethod(), origin);
    expect(reply.headers?.['access-control-allow-origin']).toBe(origin);
    expect(reply.headers?.['access-control-allow-headers']).toBe('Authorization,Content-Type');
  });

  test('the API preflight gives another origin only the first configured one, which a browser refuses', () => {
    const reply = mockPreflightReply(optionsMethod(), 'https://evil.example');
    expect(reply.headers?.['access-control-allow-origin']).toBe(ORIGINS[0]);
  });

  test('bucket CORS headers only for an allowed origin and method', () => {
    const rules = (
      template.resources[Object.keys(template.resources).find((id) => id.startsWith('StorageData'))!]
        .Properties.CorsConfiguration as any
    ).CorsRules;
    const request = (origin: string, method: string) => ({ headers: { origin }, method }) as any;
    expect(bucketCorsHeaders(rules, request(ORIGINS[2], 'GET'))['access-control-allow-origin']).toBe(
      ORIGINS[2],
    );
    expect(bucketCorsHeaders(rules, request('https://evil.example', 'GET'))).toEqual({});
    expect(bucketCorsHeaders(rules, request(ORIGINS[2], 'PATCH'))).toEqual({});
  });

  test('service endpoints answer the local page’s preflight and no other', async () => {
    const handler = withCors(async () => ({ status: 200, body: 'ok' }), [ORIGINS[2]]);
    const preflight = (origin: string) =>
      handler(
        {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'x-amz-target',
          },
        } as any,
        Buffer.alloc(0),
      );
    expect(await preflight(ORIGINS[2])).toMatchObject({
      status: 204,
      headers: { 'access-control-allow-origin': ORIGINS[2], 'access-control-allow-headers': 'x-amz-target' },
    });
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
