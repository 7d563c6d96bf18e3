/**
 * The sign-in sharing needs. The file browser signs in at Okta (its ID token buys the identity
 * pool's credentials); the sharing calls are on the presign API, whose Cognito authorizer takes
 * only the user pool's ID tokens. The user pool federates the same Okta, so "confirming" is one
 * more redirect, through the hosted UI to Okta, which asks nothing while the Okta session lasts.
 */
import type { UserManager } from 'oidc-client-ts';
import { signIn, type Provider } from '../sign-in';
import { samePerson } from './words';

export type SharingSession =
  | { readonly state: 'ready'; readonly idToken: string }
  | { readonly state: 'needs-sign-in' }
  | { readonly state: 'someone-else' };

/** The user pool's sign-in of the same person as the Okta sign-in, if there is one. */
export async function sharingSession(
  managers: Record<Provider, UserManager>,
  oktaSub: string,
): Promise<SharingSession> {
  const pool = await managers['hosted-ui'].getUser();
  if (!pool || pool.expired || !pool.id_token) return { state: 'needs-sign-in' };
  // Not a security boundary (the API acts for whoever the pool's token names), but the screens
  // must never show one person's links under another's name.
  if (!samePerson(oktaSub, pool.profile as Record<string, unknown>)) return { state: 'someone-else' };
  return { state: 'ready', idToken: pool.id_token };
}

/** Sends the browser through the hosted UI (to Okta and back to this page). */
export const confirmSharingSignIn = (managers: Record<Provider, UserManager>) =>
  signIn(managers, 'hosted-ui');
