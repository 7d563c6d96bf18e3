/**
 * The OIDC issuer standing in for Okta: an authorization server at `/oauth2/default` with the
 * endpoints a client finds through discovery, a sign-in page that lists the test users, and the
 * code flow with PKCE, as Okta runs it for a SPA (Okta requires PKCE for browser apps). Tokens are
 * signed by the oauth2-mock-server issuer (emulator/services/oidc-issuer.ts), whose keys it passes on.
 */
import { randomBytes } from 'crypto';
import { startOidcIssuer, type OidcIssuer } from './oidc-issuer';
import { AuthorizationCodes, html, jsonReply, redirect } from './authorization-codes';
import { withCors } from './cors';
import { LoopbackServer, Reply, startLoopbackServer } from './loopback-server';
import { TEST_USERS, TestUser } from './test-users';
import { evaluateTeamsExpression } from '../model/okta-expression';
import { OktaSystemLog, oktaSystemLog, SYSTEM_LOG_PATH } from './okta-system-log';

export interface OktaStandInOptions {
  readonly port: number;
  /** Public clients (the SPA and native apps of `okta.clientIds`): PKCE required. */
  readonly publicClientIds: readonly string[];
  /** Confidential clients (the web app the user pool federates): PKCE optional. */
  readonly confidentialClientIds: readonly string[];
  /** Every redirect URI registered with the apps, exactly. */
  readonly redirectUris: readonly string[];
  /** Pages that fetch discovery, keys and tokens from a browser. */
  readonly corsOrigins: readonly string[];
  /**
   * The `okta_teams` claim expression the admin pasted into the authorization server (README:
   * Team folders), evaluated for each user's groups. Without it, no `okta_teams` claim is issued.
   */
  readonly teamsExpression?: string;
  /** The API token the System Log (`GET /api/v1/logs`) takes as `SSWS <token>`. @default a random one */
  readonly apiToken?: string;
}

export interface OktaStandIn extends LoopbackServer {
  /** The issuer URL, as `okta.issuer` names it: `http://127.0.0.1:<port>/oauth2/default`. */
  readonly issuerUrl: string;
  readonly tokens: OidcIssuer;
  /** The org's System Log: what the offboarding reconciler reads (okta-system-log.ts). */
  readonly systemLog: OktaSystemLog;
}

const AUTH_SERVER = '/oauth2/default';

export async function startOktaStandIn(options: OktaStandInOptions): Promise<OktaStandIn> {
  const issuerUrl = `http://127.0.0.1:${options.port}${AUTH_SERVER}`;
  const tokens = await startOidcIssuer({ issuerUrl });
  const codes = new AuthorizationCodes<{ user: TestUser; nonce?: string; scope: string }>();
  const clients = [...options.publicClientIds, ...options.confidentialClientIds];
  const systemLog = oktaSystemLog({ apiToken: options.apiToken ?? randomBytes(24).toString('hex') });

  const discovery = {
    issuer: issuerUrl,
    authorization_endpoint: `${issuerUrl}/v1/authorize`,
    token_endpoint: `${issuerUrl}/v1/token`,
    jwks_uri: `${issuerUrl}/v1/keys`,
    end_session_endpoint: `${issuerUrl}/v1/logout`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
  };

  /** What is wrong with an authorize request, if anything (shown on the page, never redirected). */
  function authorizeProblem(params: URLSearchParams): string | undefined {
    const clientId = params.get('client_id') ?? '';
    if (!clients.includes(clientId)) return `unknown client_id "${clientId}"`;
    if (!options.redirectUris.includes(params.get('redirect_uri') ?? ''))
      return `redirect_uri "${params.get('redirect_uri')}" is not registered for this app`;
    if (params.get('response_type') !== 'code') return 'response_type must be code';
    if (!(params.get('scope') ?? '').split(' ').includes('openid')) return 'scope must include openid';
    const challenge = params.get('code_challenge');
    if (options.publicClientIds.includes(clientId) && !challenge)
      return 'PKCE is required: send code_challenge';
    if (challenge && params.get('code_challenge_method') !== 'S256')
      return 'code_challenge_method must be S256';
    return undefined;
  }

  async function handle(method: string, url: URL, body: Buffer, authorization?: string): Promise<Reply> {
    const path = url.pathname;
    if (path === SYSTEM_LOG_PATH) return systemLog.handle({ method, url, authorization });
    if (method === 'GET' && path === `${AUTH_SERVER}/.well-known/openid-configuration`)
      return jsonReply(200, discovery);
    if (method === 'GET' && path === `${AUTH_SERVER}/v1/keys`) {
      const keys = await fetch(tokens.jwksUrl);
      return {
        status: keys.status,
        headers: { 'content-type': 'application/json' },
        body: await keys.text(),
      };
    }
    if (path === `${AUTH_SERVER}/v1/authorize`) {
      const params = method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
      const problem = authorizeProblem(params);
      if (problem) return page(400, 'Sign-in refused', `<p>${html(problem)}</p>`);
      if (method === 'GET') return signInPage(params);
      const user = TEST_USERS.find((u) => u.name === params.get('user'));
      if (!user) return signInPage(params);
      const code = codes.issue({
        clientId: params.get('client_id')!,
        redirectUri: params.get('redirect_uri')!,
        codeChallenge: params.get('code_challenge') ?? undefined,
        value: { user, nonce: params.get('nonce') ?? undefined, scope: params.get('scope')! },
      });
      const back = new URL(params.get('redirect_uri')!);
      back.searchParams.set('code', code);
      if (params.has('state')) back.searchParams.set('state', params.get('state')!);
      return redirect(back.toString());
    }
    if (method === 'POST' && path === `${AUTH_SERVER}/v1/token`) {
      const params = new URLSearchParams(body.toString('utf8'));
      if (params.get('grant_type') !== 'authorization_code')
        return jsonReply(400, { error: 'unsupported_grant_type' });
      const redeemed = codes.redeem(params);
      if ('error' in redeemed)
        return jsonReply(400, { error: 'invalid_grant', error_description: redeemed.error });
      const { clientId, value } = redeemed.grant;
      const idToken = await tokens.mintIdToken({
        sub: value.user.sub,
        aud: clientId,
        email: value.user.email,
        name: value.user.name,
        preferred_username: value.user.email,
        amr: ['pwd'],
        ...(value.nonce ? { nonce: value.nonce } : {}),
        ...(options.teamsExpression
          ? { okta_teams: evaluateTeamsExpression(options.teamsExpression, value.user.groups) }
          : {}),
      });
      return jsonReply(200, {
        token_type: 'Bearer',
        expires_in: 3600,
        scope: value.scope,
        id_token: idToken,
        // An opaque access token: nothing local accepts it, as nothing here calls Okta's APIs.
        access_token: `local-okta-access-${clientId}-${Date.now()}`,
      });
    }
    if (method === 'GET' && path === `${AUTH_SERVER}/v1/logout`) {
      const back = url.searchParams.get('post_logout_redirect_uri');
      return back && options.redirectUris.some((u) => new URL(u).origin === new URL(back).origin)
        ? redirect(back)
        : page(200, 'Signed out', '<p>You are signed out of the local Okta.</p>');
    }
    return jsonReply(404, { errorCode: 'E0000022', errorSummary: `No ${method} ${path} here` });
  }

  const server = await startLoopbackServer(
    withCors((request, body) => {
      // Links (the System Log's next page) name the host the client called.
      const url = new URL(request.url ?? '/', `http://${request.headers.host ?? new URL(issuerUrl).host}`);
      return handle(request.method ?? 'GET', url, body, request.headers.authorization);
    }, options.corsOrigins),
    options.port,
  ).catch(async (error) => {
    await tokens.stop(); // the port is taken: the issuer process must not outlive the failure
    throw error;
  });
  return {
    url: server.url,
    issuerUrl,
    tokens,
    systemLog,
    close: async () => {
      await server.close();
      await tokens.stop();
    },
  };
}

/** The page where a person picks a test user; the authorize request's parameters ride along. */
function signInPage(params: URLSearchParams): Reply {
  const hidden = [...params]
    .filter(([name]) => name !== 'user')
    .map(([name, value]) => `<input type="hidden" name="${html(name)}" value="${html(value)}">`)
    .join('');
  const buttons = TEST_USERS.map(
    (u) =>
      `<button name="user" value="${html(u.name)}" data-user="${html(u.name)}">` +
      `<b>${html(u.name)}</b> <small>${html(u.sub)} · ${html(u.note)}</small></button>`,
  ).join('');
  return page(
    200,
    'Sign in to the local Okta',
    `<p>Pick a test user for <code>${html(params.get('client_id') ?? '')}</code>. No password: this is a local stand-in.</p>` +
      `<form method="post">${hidden}${buttons}</form>`,
  );
}

function page(status: number, title: string, content: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body:
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>${html(title)}</title>` +
      '<style>body{font:16px system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem}' +
      'button{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.75rem;font:inherit;cursor:pointer}' +
      'small{color:#555}</style>' +
      `<h1>${html(title)}</h1>${content}</html>`,
  };
}
