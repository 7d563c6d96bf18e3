/**
 * The user pool's hosted-UI endpoints as a route-3 client uses them: `/oauth2/authorize` (code flow
 * with PKCE), the federation to the Okta stand-in and back through `/oauth2/idpresponse`, then
 * `/oauth2/token`, `/logout`, and the pool's signing keys. The ID token is the one the user-pool
 * model issues (emulator/services/user-pool.ts, claims per emulator/model/cognito-id-token.ts). Endpoint
 * behaviour follows the "User pool endpoints reference" of the Cognito developer guide
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html).
 */
import { randomUUID } from 'crypto';
import { issuerOf, signWithPool } from '../model/cognito-id-token';
import type { ResolvedTemplate } from '../iam/resolve-template';
import { AuthorizationCodes, html, jsonReply, redirect } from './authorization-codes';
import { withCors } from './cors';
import { LoopbackServer, Reply, startLoopbackServer } from './loopback-server';
import type { LocalUserPool } from './user-pool';

export interface HostedUiOptions {
  readonly port: number;
  readonly template: ResolvedTemplate;
  readonly userPool: LocalUserPool;
  /** The Okta stand-in's issuer URL (`/v1/authorize` and `/v1/token` below it). */
  readonly oktaIssuerUrl: string;
  readonly corsOrigins: readonly string[];
}

export interface HostedUi extends LoopbackServer {
  /** Where Okta sends the user back to the pool: `<hosted UI>/oauth2/idpresponse`. */
  readonly idpResponseUrl: string;
}

interface Pending {
  readonly clientRedirect: string;
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly scope: string;
}

export async function startHostedUi(options: HostedUiOptions): Promise<HostedUi> {
  const { userPool } = options;
  const url = `http://127.0.0.1:${options.port}`;
  const idpResponseUrl = `${url}/oauth2/idpresponse`;
  const client = Object.values(options.template.resources).find(
    (r) =>
      r.Type === 'AWS::Cognito::UserPoolClient' &&
      ((r.Properties.SupportedIdentityProviders as string[] | undefined) ?? []).includes(
        userPool.providerName,
      ),
  )!.Properties;
  const callbackUrls = (client.CallbackURLs as string[] | undefined) ?? [];
  const logoutUrls = (client.LogoutURLs as string[] | undefined) ?? [];
  const allowedScopes = (client.AllowedOAuthScopes as string[] | undefined) ?? [];
  const flows = (client.AllowedOAuthFlows as string[] | undefined) ?? [];
  const pending = new Map<string, Pending>();
  const codes = new AuthorizationCodes<{ idToken: string; oktaSub: string; scope: string }>();

  function authorize(params: URLSearchParams): Reply {
    // Cognito checks the client, that the redirect URI is one of its callback URLs exactly, the
    // flow and the scopes, and shows an error page (no redirect) when they are wrong.
    if (params.get('client_id') !== userPool.clientId) return errorPage('Invalid client_id');
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!callbackUrls.includes(redirectUri)) return errorPage(`redirect_mismatch: ${redirectUri}`);
    if (params.get('response_type') !== 'code' || !flows.includes('code'))
      return errorPage('unauthorized_client: the app client does not allow the code flow');
    const scope = params.get('scope') ?? allowedScopes.join(' ');
    const refused = scope.split(' ').filter((s) => s && !allowedScopes.includes(s));
    if (refused.length > 0) return errorPage(`invalid_scope: ${refused.join(' ')}`);
    const idp = params.get('identity_provider');
    if (idp !== null && idp !== userPool.providerName) return errorPage(`Unknown identity_provider ${idp}`);
    const challenge = params.get('code_challenge') ?? undefined;
    if (challenge && params.get('code_challenge_method') !== 'S256')
      return errorPage('code_challenge_method must be S256');
    const id = randomUUID();
    pending.set(id, {
      clientRedirect: redirectUri,
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: challenge,
      scope,
    });
    // With `identity_provider`, Cognito "silently redirects your user to the sign-in page for that
    // identity provider" (authorize endpoint,
    // https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html); the
    // client has one provider, so the stand-in does so without it too (no managed-login page).
    const okta = new URL(`${options.oktaIssuerUrl}/v1/authorize`);
    okta.search = new URLSearchParams({
      client_id: userPool.oktaClientId,
      redirect_uri: idpResponseUrl,
      response_type: 'code',
      scope: 'openid email profile',
      state: id,
    }).toString();
    return redirect(okta.toString());
  }

  async function idpResponse(params: URLSearchParams): Promise<Reply> {
    const id = params.get('state') ?? '';
    const request = pending.get(id);
    pending.delete(id);
    if (!request) return errorPage('The sign-in at Okta does not belong to a pending authorize request');
    const exchanged = await fetch(`${options.oktaIssuerUrl}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: params.get('code') ?? '',
        redirect_uri: idpResponseUrl,
        client_id: userPool.oktaClientId,
        // The pool holds the Okta web app's secret (Secrets Manager in AWS); the stand-in takes any.
        client_secret: 'local',
      }),
    });
    const oktaTokens = (await exchanged.json()) as { id_token?: string; error_description?: string };
    if (!oktaTokens.id_token) return errorPage(`Okta refused the code: ${oktaTokens.error_description}`);
    const pooled = await userPool.signIn(oktaTokens.id_token);
    const claims = payloadOf(pooled);
    // The authorize request's `nonce` is what Cognito "uses to validate incoming claims": it comes
    // back in the ID token, as OIDC requires (same page).
    const idToken = request.nonce ? signWithPool(userPool.pool, { ...claims, nonce: request.nonce }) : pooled;
    const code = codes.issue({
      clientId: userPool.clientId,
      redirectUri: request.clientRedirect,
      codeChallenge: request.codeChallenge,
      value: {
        idToken,
        oktaSub: String((claims.identities as { userId: string }[])[0].userId),
        scope: request.scope,
      },
    });
    const back = new URL(request.clientRedirect);
    back.searchParams.set('code', code);
    if (request.state !== undefined) back.searchParams.set('state', request.state);
    return redirect(back.toString());
  }

  function token(params: URLSearchParams): Reply {
    if (params.get('grant_type') !== 'authorization_code')
      return jsonReply(400, { error: 'unsupported_grant_type' });
    const redeemed = codes.redeem(params);
    if ('error' in redeemed) return jsonReply(400, { error: 'invalid_grant' });
    const { idToken, scope } = redeemed.grant.value;
    const id = payloadOf(idToken);
    const accessToken = signWithPool(userPool.pool, {
      sub: id.sub,
      token_use: 'access',
      scope,
      client_id: userPool.clientId,
      username: id['cognito:username'],
      iss: issuerOf(userPool.pool),
      iat: id.iat,
      exp: id.exp,
      jti: randomUUID(),
    });
    return jsonReply(200, {
      id_token: idToken,
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: Number(id.exp) - Number(id.iat),
    });
  }

  const server = await startLoopbackServer(
    withCors(async (request, body) => {
      const at = new URL(request.url ?? '/', url);
      const method = request.method ?? 'GET';
      if (method === 'GET' && at.pathname === '/oauth2/authorize') return authorize(at.searchParams);
      if (method === 'GET' && at.pathname === '/oauth2/idpresponse') return idpResponse(at.searchParams);
      if (method === 'POST' && at.pathname === '/oauth2/token')
        return token(new URLSearchParams(body.toString('utf8')));
      if (method === 'GET' && at.pathname === '/.well-known/jwks.json') {
        const jwk = userPool.pool.publicKey.export({ format: 'jwk' });
        return jsonReply(200, { keys: [{ ...jwk, kid: userPool.pool.keyId, alg: 'RS256', use: 'sig' }] });
      }
      if (method === 'GET' && at.pathname === '/logout') {
        const back = at.searchParams.get('logout_uri') ?? '';
        if (at.searchParams.get('client_id') !== userPool.clientId || !logoutUrls.includes(back))
          return errorPage('logout_uri is not a sign-out URL of the app client');
        return redirect(back);
      }
      return jsonReply(404, { error: `No ${method} ${at.pathname} in the local hosted UI` });
    }, options.corsOrigins),
    options.port,
  );
  return { ...server, idpResponseUrl };
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

function errorPage(message: string): Reply {
  return {
    status: 400,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<!doctype html><title>Sign-in error</title><h1>Sign-in error</h1><p>${html(message)}</p>`,
  };
}
