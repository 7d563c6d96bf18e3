/**
 * Signing in, with oidc-client-ts: the code flow with PKCE at Okta (its ID token is what routes 1
 * and 2 exchange for AWS credentials) or at the user pool's hosted UI, which federates Okta (its
 * ID token is what the presign API's Cognito authorizer accepts, route 3).
 */
import { User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { callbackUrl, ClientConfig, hostedUiUrl } from './config';

export type Provider = 'okta' | 'hosted-ui';
const PENDING = 'okta-s3-signing-in-with';
/** The page that started a sign-in: the callback (`/callback`, the file browser's page) sends it back there. */
const RETURN_TO = 'okta-s3-return-to';

export function userManagers(config: ClientConfig): Record<Provider, UserManager> {
  const common = {
    redirect_uri: callbackUrl(config),
    response_type: 'code',
    scope: 'openid email profile',
    // Tokens live as long as the tab: nothing is left in localStorage.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  };
  const hostedUi = hostedUiUrl(config);
  const { userPool } = config.presignApi;
  const poolIssuer = `https://cognito-idp.${config.region}.amazonaws.com/${userPool.id}`;
  return {
    okta: new UserManager({ ...common, authority: config.okta.issuer, client_id: config.okta.clientIds[0] }),
    'hosted-ui': new UserManager({
      ...common,
      authority: poolIssuer,
      client_id: userPool.clientId,
      // The hosted UI's endpoints live on its domain, not on the issuer (Cognito's endpoint reference).
      metadata: {
        issuer: poolIssuer,
        authorization_endpoint: `${hostedUi}/oauth2/authorize`,
        token_endpoint: `${hostedUi}/oauth2/token`,
      },
      // Straight to Okta, skipping the hosted UI's own page.
      extraQueryParams: { identity_provider: userPool.identityProvider },
    }),
  };
}

export async function signIn(managers: Record<Provider, UserManager>, provider: Provider): Promise<void> {
  sessionStorage.setItem(PENDING, provider);
  sessionStorage.setItem(RETURN_TO, window.location.pathname);
  await managers[provider].signinRedirect();
}

/**
 * On the sign-in callback, sends the browser on to the page that started the sign-in (the
 * developer page), with the code and state; true when it does, and the caller then stops.
 */
export function forwardCallback(): boolean {
  const returnTo = sessionStorage.getItem(RETURN_TO);
  const here = window.location.pathname;
  const isCallback = new URLSearchParams(window.location.search).has('code');
  if (!isCallback || !returnTo || returnTo === here || !/^\/[a-z-]+\.html$/.test(returnTo)) return false;
  window.location.replace(`${returnTo}${window.location.search}`);
  return true;
}

/** Finishes a sign-in when the page is the callback; returns who signed in where, if anyone has. */
export async function currentUser(
  managers: Record<Provider, UserManager>,
): Promise<{ provider: Provider; user: User } | undefined> {
  const pending = sessionStorage.getItem(PENDING) as Provider | null;
  if (pending && new URLSearchParams(window.location.search).has('code')) {
    sessionStorage.removeItem(PENDING);
    const returnTo = sessionStorage.getItem(RETURN_TO);
    sessionStorage.removeItem(RETURN_TO);
    const user = await managers[pending].signinRedirectCallback();
    // Back to the page's own address: the callback's query is spent.
    window.history.replaceState({}, '', returnTo === window.location.pathname ? returnTo : '/');
    return { provider: pending, user };
  }
  for (const provider of ['okta', 'hosted-ui'] as const) {
    const user = await managers[provider].getUser();
    if (user && !user.expired) return { provider, user };
  }
  return undefined;
}

/**
 * Signs out of this app: its tokens are forgotten. The Okta (or hosted UI) session itself stays, so
 * the next sign-in may not ask again; send the user to its logout endpoint to end that too.
 */
export async function signOut(managers: Record<Provider, UserManager>): Promise<void> {
  await Promise.all(Object.values(managers).map((m) => m.removeUser()));
}
