/**
 * The developer view (developer.html): sign in, pick a route, upload with progress, list,
 * download, delete, over each of the three routes. End users get the file browser (index.html).
 * It reads okta-s3-client.json, so the same build runs against `npm run local` or a deployment.
 */
import { loadConfig, type ClientConfig } from './config';
import { parseTeamsClaim, TeamFolderAccess } from '../../../lib/policy/team-folder-names';
import { presignFolders, presignRoute, sdkRoute, type Route, type TeamFolderChoice } from './routes';
import { currentUser, forwardCallback, signIn, signOut, userManagers, type Provider } from './sign-in';
import { scanStateLabel } from './scan-state';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const checked = (name: string) =>
  document.querySelector<HTMLInputElement>(`input[name=${name}]:checked`)!.value;

async function start() {
  const config = await loadConfig();
  const managers = userManagers(config);
  $('sign-in-okta').onclick = () => signIn(managers, 'okta');
  $('sign-in-hosted-ui').onclick = () => signIn(managers, 'hosted-ui');
  const session = await currentUser(managers);
  $('signed-out').hidden = Boolean(session);
  $('signed-in').hidden = !session;
  if (!session) return;

  const { provider, user } = session;
  $('who').textContent = `${user.profile.email ?? user.profile.sub}`;
  $('sign-out').onclick = async () => {
    await signOut(managers);
    window.location.assign(window.location.pathname);
  };
  // Okta's ID token serves routes 1 and 2; the hosted UI's serves route 3 (its `sub` is the pool's own id).
  $('route-choice').hidden = provider !== 'okta';
  $('upload-choice').hidden = provider !== 'hosted-ui';
  // Team folders: from the Okta ID token's okta_teams claim (route 1; route 2 is personal), or
  // from the presign API, which reads them from the user pool's token (route 3).
  const teams =
    provider === 'okta'
      ? teamFoldersOf(user.profile.okta_teams)
      : await presignFolders(config, user.id_token!);
  const folderSelect = $<HTMLSelectElement>('folder');
  for (const team of teams) {
    const option = document.createElement('option');
    option.value = team.folder;
    option.textContent = `Team: ${team.folder}${team.readOnly ? ' (read only)' : ''}`;
    folderSelect.append(option);
  }
  const team = () =>
    provider === 'hosted-ui' || checked('route') === 'identity-pool'
      ? teams.find((t) => t.folder === folderSelect.value)
      : undefined;
  const route = (): Route => routeFor(config, provider, user.id_token!, user.profile.sub, team());
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name=route], input[name=upload]'))
    input.onchange = () => show(route());
  folderSelect.onchange = () => show(route());
  $('upload').onclick = () => upload(route());
  await show(route());
}

function routeFor(
  config: ClientConfig,
  provider: Provider,
  idToken: string,
  sub: string,
  team?: TeamFolderChoice,
): Route {
  if (provider === 'hosted-ui')
    return presignRoute(config, idToken, checked('upload') as 'PUT' | 'POST', team);
  return sdkRoute(config, checked('route') as 'identity-pool' | 'web-identity', idToken, sub, team);
}

/** The folders the claim names, read-write or read only; none if the claim is absent or malformed. */
function teamFoldersOf(claim: unknown): TeamFolderChoice[] {
  return [...(parseTeamsClaim(claim) ?? [])].map(([folder, access]) => ({
    folder,
    readOnly: access === TeamFolderAccess.READ,
  }));
}

async function show(route: Route) {
  $('route').textContent = route.label;
  // In a team folder the list is the team's, not "Your files".
  $('files-heading').textContent = route.teamFolder
    ? `Files in the ${route.teamFolder} team folder`
    : 'Your files';
  // Route 2 (web identity) is personal: no folder choice there.
  const webIdentity = !$('route-choice').hidden && checked('route') === 'web-identity';
  $('folder-choice').hidden = $<HTMLSelectElement>('folder').options.length < 2 || webIdentity;
  $('upload').hidden = $('file').hidden = Boolean(route.readOnly);
  const rows = (await route.list()).map((file) => {
    const row = document.createElement('tr');
    row.dataset.key = file.key;
    const name = document.createElement('td');
    const scan = scanStateLabel(file.scanState);
    name.textContent = `${file.key.split('/').pop()} (${file.size} bytes${scan ? `, ${scan}` : ''})`;
    name.title = file.key;
    const actions = document.createElement('td');
    actions.append(button('Download', () => download(route, file.key)));
    if (route.remove && !route.readOnly) actions.append(button('Delete', () => remove(route, file.key)));
    row.append(name, actions);
    return row;
  });
  $('files').replaceChildren(...rows);
}

async function upload(route: Route) {
  const file = $<HTMLInputElement>('file').files?.[0];
  if (!file) {
    status('Choose a file first.');
    return;
  }
  const bar = $<HTMLProgressElement>('progress');
  bar.value = 0;
  status(`Uploading ${file.name}…`);
  const { key, how } = await route.upload(file, (fraction) => (bar.value = Math.round(fraction * 100)));
  bar.value = 100;
  status(`Uploaded ${key} (${how})`);
  await show(route);
}

async function download(route: Route, key: string) {
  const blob = await route.download(key);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = key.split('/').pop()!;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  status(`Downloaded ${key}`);
}

async function remove(route: Route, key: string) {
  await route.remove!(key);
  status(`Deleted ${key} (a delete marker: the version stays recoverable)`);
  await show(route);
}

function button(text: string, action: () => Promise<void>) {
  const b = document.createElement('button');
  b.textContent = text;
  b.onclick = () => action().catch(fail);
  return b;
}

const status = (text: string) => ($('status').textContent = text);
const fail = (error: unknown) =>
  ($('error').textContent = error instanceof Error ? error.message : String(error));

window.addEventListener('unhandledrejection', (event) => fail(event.reason));
if (!forwardCallback()) start().catch(fail);
