import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PORT_OFFSETS } from '../../emulator/local/environment';
import { TEST_USERS } from '../../emulator/services/test-users';
import { launchBrowser } from '../../scripts/launch-browser';
import { freePortBase, readyLine } from './local-process';
import { keepScreenshot } from './screenshots';

/*
 * `npm run local` as a person uses it: the script is started as a process, the developer view
 * (developer.html, the three routes) is driven in headless Chromium, and Ctrl-C (SIGINT) must stop it and leave no port open. Every
 * step saves a screenshot under test-artifacts/local-web-client/ (git-ignored) when the run keeps
 * screenshots (`npm run test:browser`, ./screenshots.ts).
 */

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-artifacts', 'local-web-client');
const ALICE = TEST_USERS.find((u) => u.name === 'alice')!;
const FIVE_MIB = randomBytes(5 * 1024 * 1024);
const SIX_MIB = randomBytes(6 * 1024 * 1024);
const FORM = Buffer.from(`sent as a form ${randomBytes(8).toString('hex')}\n`);
const SMALL = Buffer.from(`a small note ${randomBytes(8).toString('hex')}\n`);

let local: ChildProcess;
let portBase: number;
let web: string;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-local-'));
  portBase = await freePortBase();
  web = `http://127.0.0.1:${portBase}`;
  local = spawn(
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/local.ts', '--port-base', String(portBase), '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Chromium starts while the stack does.
  [, browser] = await Promise.all([readyLine(local), launchBrowser()]);
  context = await browser.newContext({ acceptDownloads: true });
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (local && local.exitCode === null) local.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const shot = (name: string) => keepScreenshot(page, path.join(SHOTS, name));

async function signIn(
  button: 'Sign in with Okta (routes 1 and 2)' | 'Sign in through the hosted UI (route 3)',
  user: string,
) {
  await page.goto(`${web}/developer.html`);
  await page.getByRole('button', { name: button }).click();
  await page.waitForURL(/\/oauth2\/default\/v1\/authorize/);
  await page.locator(`button[data-user="${user}"]`).click();
  // The callback is /callback (the file browser's page), which forwards to the page that signed in.
  await page.waitForURL(`${web}/developer.html`);
  await page.locator('#signed-in').waitFor();
}

async function signOut() {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#signed-out').waitFor();
}

/** Uploads through the page; returns how, and every value the progress bar showed, sampled each frame. */
async function upload(name: string, bytes: Buffer): Promise<{ how: string; progress: number[] }> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as any).progressSeen = seen;
    const bar = document.getElementById('progress') as HTMLProgressElement;
    const sample = () => {
      seen.push(bar.value);
      (window as any).progressFrame = requestAnimationFrame(sample);
    };
    sample();
  });
  await page.locator('#file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: bytes });
  await page.getByRole('button', { name: 'Upload' }).click();
  await pageShows(page.locator('#status', { hasText: `Uploaded users/` }));
  await page.locator(`#files tr[data-key$="/${name}"]`).waitFor();
  const how = /\(([^)]+)\)$/.exec((await page.locator('#status').textContent()) ?? '')?.[1] ?? '';
  const progress = await page.evaluate(() => {
    cancelAnimationFrame((window as any).progressFrame);
    return (window as any).progressSeen as number[];
  });
  return { how, progress };
}

/** Waits for the locator, or fails at once with the page's error message. */
async function pageShows(locator: ReturnType<Page['locator']>) {
  const error = page.locator('#error:not(:empty)');
  await Promise.race([locator.waitFor(), error.waitFor()]);
  if (await error.count()) throw new Error(`the page says: ${await error.textContent()}`);
}

async function download(name: string): Promise<Buffer> {
  const row = page.locator(`#files tr[data-key$="/${name}"]`);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    row.getByRole('button', { name: 'Download' }).click(),
  ]);
  return fs.readFileSync((await file.path())!);
}

const listedNames = () =>
  page
    .locator('#files tr')
    .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.key!.split('/').pop()));

test('alice uploads 5 MiB (route 1, progress advancing), 6 MiB (route 1 multipart) and two notes (route 3, presigned PUT and POST), downloads all byte-identical; bob sees none on routes 1 and 3 and is refused her key; alice shares a team folder bob reads; Ctrl-C closes every port', async () => {
  await page.goto(`${web}/developer.html`);
  await page.locator('#signed-out').waitFor();
  await shot('01-signed-out.png');

  // Route 1: alice at the Okta stand-in, then a 5 MiB upload with the SDK's managed upload.
  await page.goto(`${web}/developer.html`);
  await page.getByRole('button', { name: 'Sign in with Okta (routes 1 and 2)' }).click();
  await page.locator(`button[data-user="alice"]`).waitFor();
  await shot('02-okta-sign-in-page.png');
  await page.locator(`button[data-user="alice"]`).click();
  await page.locator('#signed-in').waitFor();
  await expect(page.locator('#route').textContent()).resolves.toBe('Route 1 · Cognito identity pool → S3');
  // A slower uplink (DevTools network throttling) so the bar is seen between 0 and 100.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 10 * 1024 * 1024,
  });
  const { how, progress } = await upload('big.bin', FIVE_MIB);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await shot('03-alice-route1-uploaded-5MiB.png');
  expect(how).toBe('one PutObject'); // one part's worth
  const between = progress.filter((v) => v > 0 && v < 100);
  expect(between.length).toBeGreaterThan(0);
  expect(progress.at(-1)).toBe(100);
  expect(progress).toEqual([...progress].sort((a, b) => a - b)); // it only ever advances
  // Above one part: a multipart upload, which needs the part ETags that the bucket's CORS exposes.
  expect((await upload('bigger.bin', SIX_MIB)).how).toBe('multipart upload, 2 parts');

  // Route 3: alice through the hosted UI (federating the Okta stand-in), a presigned PUT.
  await signOut();
  await signIn('Sign in through the hosted UI (route 3)', 'alice');
  // The page asks the presign API for the user's team folders first, then shows the route.
  await pageShows(page.locator('#route', { hasText: 'Route 3' }));
  await expect(page.locator('#route').textContent()).resolves.toBe('Route 3 · presign API (presigned PUT)');
  expect((await upload('note.txt', SMALL)).how).toBe('presigned PUT');
  await page.getByLabel('presigned POST').check();
  expect((await upload('form.txt', FORM)).how).toBe('presigned POST');
  expect((await listedNames()).sort()).toEqual(['big.bin', 'bigger.bin', 'form.txt', 'note.txt']);
  await shot('04-alice-route3-all-listed.png');
  expect((await download('big.bin')).equals(FIVE_MIB)).toBe(true);
  expect((await download('note.txt')).equals(SMALL)).toBe(true);
  expect((await download('bigger.bin')).equals(SIX_MIB)).toBe(true);
  expect((await download('form.txt')).equals(FORM)).toBe(true);
  await shot('05-alice-downloaded-all.png');
  const aliceKey = await page.locator('#files tr[data-key$="/note.txt"]').getAttribute('data-key');
  expect(aliceKey?.startsWith(`users/${ALICE.sub}/`)).toBe(true);

  // Bob: nothing of alice's is listed, and a request he crafts for her key with his own
  // credentials (from his Okta ID token, as the page holds it) is refused by S3's IAM decision.
  await signOut();
  await signIn('Sign in with Okta (routes 1 and 2)', 'bob');
  await page.locator('#route', { hasText: 'Route 1' }).waitFor();
  await page.waitForFunction(() => document.getElementById('status') !== null);
  expect(await listedNames()).toEqual([]);
  await shot('06-bob-sees-no-files.png');
  const bobToken = await page.evaluate(() => {
    const stored = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'))!;
    return JSON.parse(sessionStorage.getItem(stored)!).id_token as string;
  });
  const config = JSON.parse(await (await fetch(`${web}/okta-s3-client.json`)).text());
  const asBob = new S3Client({
    region: config.region,
    endpoint: config.endpoints.s3,
    forcePathStyle: true,
    credentials: fromCognitoIdentityPool({
      identityPoolId: config.identityPool.id,
      logins: { [config.identityPool.loginsKey]: bobToken },
      clientConfig: { region: config.region, endpoint: config.endpoints.cognitoIdentity },
    }),
  });
  const crafted = await asBob.send(new GetObjectCommand({ Bucket: config.bucket, Key: aliceKey! })).then(
    () => 'allowed',
    (e: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
      `${e.name} ${e.$metadata?.httpStatusCode}`,
  );
  expect(crafted).toBe('AccessDenied 403');
  // From bob's page, the same object with no credentials: refused, and the page can read why
  // (the refusal carries the bucket's CORS headers, as S3's own answers do).
  const fromPage = await page.evaluate(
    async ({ s3, bucket, key }) => {
      const response = await fetch(`${s3}/${bucket}/${key}`);
      return `${response.status} ${/<Code>([^<]+)</.exec(await response.text())?.[1]}`;
    },
    { s3: config.endpoints.s3, bucket: config.bucket, key: aliceKey! },
  );
  expect(fromPage).toBe('403 AccessDenied');
  await shot('07-bob-refused.png');

  // Route 3 as bob: his list is empty, and asking the presign API for a URL to her key is refused
  // with the same 404 as a key that does not exist (the handler never says whose key it is).
  await signOut();
  await signIn('Sign in through the hosted UI (route 3)', 'bob');
  await page.locator('#route', { hasText: 'Route 3' }).waitFor();
  expect(await listedNames()).toEqual([]);
  const viaApi = await page.evaluate(
    async ({ api, key }) => {
      const stored = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'))!;
      const idToken = JSON.parse(sessionStorage.getItem(stored)!).id_token as string;
      const response = await fetch(new URL('downloads', api), {
        method: 'POST',
        headers: { Authorization: `Bearer ${idToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ key }),
      });
      return { status: response.status, body: await response.json() };
    },
    { api: config.presignApi.url, key: aliceKey! },
  );
  expect(viaApi.status).toBe(404);
  expect(JSON.stringify(viaApi.body)).not.toContain('http');
  await shot('08-bob-route3-refused.png');

  // A team folder shared by two users (route 1): alice (Okta group Finance) writes teams/finance/,
  // bob ("Finance readers") reads the same bytes, with no upload or delete offered to him.
  await page.goto(`${web}/developer.html`);
  await signOut();
  await signIn('Sign in with Okta (routes 1 and 2)', 'alice');
  expect(await page.locator('#files-heading').textContent()).toBe('Your files');
  await page.locator('#folder').selectOption('finance');
  await pageShows(page.locator('#route', { hasText: 'team folder finance' }));
  // The list is the team's, and the heading says so, after an upload too.
  expect(await page.locator('#files-heading').textContent()).toBe('Files in the finance team folder');
  const budget = Buffer.from('quarter,amount\nQ3,1200\n');
  await page.locator('#file').setInputFiles({ name: 'budget.csv', mimeType: 'text/csv', buffer: budget });
  await page.getByRole('button', { name: 'Upload' }).click();
  await pageShows(page.locator('#status', { hasText: 'Uploaded teams/finance/' }));
  await page.locator('#files tr[data-key$="/budget.csv"]').waitFor();
  expect(await page.locator('#files-heading').textContent()).toBe('Files in the finance team folder');
  await shot('09-alice-team-folder-uploaded.png');
  await signOut();

  await signIn('Sign in with Okta (routes 1 and 2)', 'bob');
  await page.locator('#folder').selectOption('finance');
  await pageShows(page.locator('#route', { hasText: 'team folder finance (read only)' }));
  await page.locator('#files tr[data-key$="/budget.csv"]').waitFor();
  expect((await download('budget.csv')).equals(budget)).toBe(true);
  expect(await page.getByRole('button', { name: 'Upload' }).isVisible()).toBe(false);
  expect(
    await page.locator('#files tr[data-key$="/budget.csv"]').getByRole('button', { name: 'Delete' }).count(),
  ).toBe(0);
  await shot('10-bob-reads-team-folder.png');
  await signOut();

  // The same folder through route 3: the presign API names bob's folders from the user pool's token.
  await signIn('Sign in through the hosted UI (route 3)', 'bob');
  await page.locator('#folder').selectOption('finance');
  await pageShows(page.locator('#route', { hasText: 'Route 3' }));
  await pageShows(page.locator('#route', { hasText: 'team folder finance (read only)' }));
  await page.locator('#files tr[data-key$="/budget.csv"]').waitFor();
  expect((await download('budget.csv')).equals(budget)).toBe(true);
  expect(await page.getByRole('button', { name: 'Upload' }).isVisible()).toBe(false);
  await shot('11-bob-team-folder-route3.png');
  await signOut();

  // carol is in no team: the folder choice is not offered at all.
  await signIn('Sign in with Okta (routes 1 and 2)', 'carol');
  expect(await page.locator('#folder-choice').isVisible()).toBe(false);
  await signOut();

  // Ctrl-C: the process exits cleanly and leaves no port open.
  const exited = new Promise<number | null>((resolve) => local.once('exit', resolve));
  local.kill('SIGINT');
  expect(await exited).toBe(0);
  const open = [];
  for (const offset of Object.values(PORT_OFFSETS))
    if (await listening(portBase + offset)) open.push(portBase + offset);
  expect(open).toEqual([]);
}, 90_000);

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
