/**
 * The file browser (index.html): sign in with Okta, then Storage Browser for S3 over the user's
 * own folder and team folders. It reads okta-s3-client.json, so the same build runs against
 * `npm run local` or a deployment. Developers' three-route page is developer.html.
 */
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from '../config';
import { currentUser, forwardCallback, signIn, signOut, userManagers } from '../sign-in';
import { locationsFor } from './locations';
import { storageBrowserFor } from './storage-browser';
import { mountSharingSections, shareExtension, sharingDeps } from '../sharing/mount';

const $ = (id: string) => document.getElementById(id)!;

async function start() {
  const config = await loadConfig();
  const managers = userManagers(config);
  $('sign-in').onclick = () => signIn(managers, 'okta');
  const session = await currentUser(managers);
  // The hosted UI's sign-in (route 3) is the developer page's; here only Okta's counts.
  // Back from the sharing sign-in (the hosted UI), the Okta sign-in is still the one that counts.
  const okta = session?.provider === 'okta' ? session.user : await managers.okta.getUser();
  const user = okta && !okta.expired ? okta : undefined;
  $('signed-out').hidden = Boolean(user);
  $('signed-in').hidden = !user;
  if (!user) return;

  $('who').textContent = String(user.profile.email ?? user.profile.preferred_username ?? user.profile.sub);
  let signedOut: (() => void) | undefined;
  $('sign-out').onclick = async () => {
    signedOut?.();
    await signOut(managers);
    window.location.assign('/');
  };
  const sharing = config.presignApi.sharing ? sharingDeps(config, managers, user.profile.sub) : undefined;
  const StorageBrowser = storageBrowserFor(
    config,
    {
      idToken: user.id_token!,
      locations: locationsFor(config.bucket, user.profile.sub, user.profile.okta_teams),
      onSignOut: (listener) => (signedOut = listener),
    },
    sharing && shareExtension(sharing),
  );
  if (sharing) mountSharingSections(sharing, $('sections'), $('files'));
  createRoot($('files')).render(h(StrictMode, null, h(StorageBrowser)));
}

/** A problem before Storage Browser is up (configuration, sign-in), in words, next to the sign-in. */
function fail(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  $('problem').textContent = `Something went wrong: ${message}. Reload the page to try again.`;
}

if (!forwardCallback()) start().catch(fail);
