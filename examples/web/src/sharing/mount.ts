/**
 * Sharing in the file browser: the Share action inside Storage Browser, and the "Shared links" and
 * "File requests" sections beside it. main.ts calls these two functions and nothing else of sharing.
 */
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { UserManager } from 'oidc-client-ts';
import type { ClientConfig } from '../config';
import type { StorageBrowserExtension } from '../file-browser/storage-browser';
import type { Provider } from '../sign-in';
import type { SharingDeps } from './common';
import { SharingSections } from './screens';
import { confirmSharingSignIn, sharingSession } from './session';
import { SHARE_ACTIONS, shareView } from './share-action';
import { SHARING_CSS } from './styles';

/** What the sharing screens need, for the person signed in at Okta. */
export function sharingDeps(
  config: ClientConfig,
  managers: Record<Provider, UserManager>,
  oktaSub: string,
): SharingDeps {
  return {
    apiUrl: config.presignApi.url,
    pageOrigin: window.location.origin,
    session: () => sharingSession(managers, oktaSub),
    confirmSignIn: () => void confirmSharingSignIn(managers),
  };
}

/** Storage Browser's Share action and its view. */
export function shareExtension(deps: SharingDeps): StorageBrowserExtension {
  return { actions: SHARE_ACTIONS, views: (hooks) => ({ ShareView: shareView(deps, hooks) }) };
}

/** The section tabs in `sections`; "Files" shows `files`, the others hide it. */
export function mountSharingSections(deps: SharingDeps, sections: HTMLElement, files: HTMLElement): void {
  const style = document.createElement('style');
  style.textContent = SHARING_CSS;
  document.head.append(style);
  createRoot(sections).render(h(StrictMode, null, h(SharingSections, { deps, files })));
}
