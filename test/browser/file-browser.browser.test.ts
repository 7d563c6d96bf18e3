import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Download, Page, Route } from 'playwright-core';
import { action, select, uploadChosen } from './storage-browser-steps';
import { configure as configureZip, Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LocalCertificate } from '../../emulator/services/local-certificate';
import { DECISION_HEADER } from '../../emulator/services/s3-front';
import { TEST_USERS } from '../../emulator/services/test-users';
import { seriousFindings, type Finding } from './axe';
import { startLocalWithBrowser } from './local-process';
import { keepScreenshot } from './screenshots';

/*
 * The file browser (examples/web, Storage Browser for S3) as a person uses it, in headless
 * Chromium against `npm run local` started as a process: Storage Browser talks to the HTTPS,
 * virtual-hosted S3 front (`<bucket>.s3.localhost`), whose certificate Chromium trusts by its key
 * alone (--ignore-certificate-errors-spki-list). Screenshots at 1280 and 360 px wide go to
 * test-artifacts/file-browser/ (git-ignored) under `npm run test:browser` (./screenshots.ts), with
 * axe-core's findings inside Storage Browser.
 */

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-artifacts', 'file-browser');
const ALICE = TEST_USERS.find((u) => u.name === 'alice')!;
const BOB = TEST_USERS.find((u) => u.name === 'bob')!;
/** Above amplify's 5 MiB part size: a multipart upload. */
const BIG = randomBytes(6 * 1024 * 1024 + 123);
const NOTES = Buffer.from(`meeting notes ${randomBytes(8).toString('hex')}\n`);
const TABLE = Buffer.from(`quarter,amount\nQ3,${randomBytes(2).readUInt16BE()}\n`);
const FILES = [
  { name: 'budget.csv', mimeType: 'text/csv', buffer: TABLE },
  { name: 'archive.bin', mimeType: 'application/octet-stream', buffer: BIG },
  { name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES },
];
const BIG_FILE = FILES[1];
const NOTES_FILE = FILES[2];
const LATER = {
  name: 'later.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from(`written later ${Date.now()}\n`),
};
/** Storage Browser's markup, where findings are the library's rather than ours. */
const LIBRARY = '#files, [data-radix-popper-content-wrapper]';

let local: ChildProcess;
let dataDir: string;
let web: string;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
let certificate: LocalCertificate;
const libraryFindings = new Map<string, Finding & { screen: string }>();
const s3Requests: string[] = [];
/** The page's console errors and failed responses, kept with a failed step's screen. */
const pageProblems: string[] = [];

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  ({ local, browser, web, dataDir, certificate } = await startLocalWithBrowser('okta-s3-files-'));
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await desktop.newPage();
  page.on(
    'console',
    (m) => m.type() === 'error' && pageProblems.push(`console: ${m.text()} (${m.location().url})`),
  );
  page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
  desktop.on('response', (r) => r.status() >= 400 && pageProblems.push(`${r.status()} ${r.url()}`));
  desktop.on(
    'request',
    (r) => r.url().includes('.s3.localhost') && s3Requests.push(`${r.method()} ${r.url()}`),
  );
}, 90_000);

afterAll(async () => {
  if (libraryFindings.size)
    fs.writeFileSync(
      path.join(SHOTS, 'axe-inside-storage-browser.json'),
      JSON.stringify([...libraryFindings.values()], null, 2) + '\n',
    );
  await browser?.close();
  if (local && local.exitCode === null) local.kill('SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// A failed step leaves its screen behind, to see what the person would have seen.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail' || !page) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await page
    .screenshot({ path: path.join(SHOTS, `failed-${name}.png`), fullPage: true })
    .catch(() => undefined);
  const text = await page.locator('body').innerText().catch(String);
  fs.writeFileSync(path.join(SHOTS, `failed-${name}.txt`), [text, ...pageProblems].join('\n'));
});

/** A screenshot, and axe-core on the same screen: none serious or critical in our own markup. */
async function screen(on: Page, name: string) {
  // Colours mid-transition are no screen a person reads (axe once measured a button half-enabled):
  // finite animations and transitions end first; a spinner's endless one is left running.
  await on.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
          .map((a) => a.finished.catch(() => undefined)),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]),
  );
  await keepScreenshot(on, path.join(SHOTS, `${name}.png`));
  const findings = await seriousFindings(on, LIBRARY);
  for (const f of findings.filter((f) => f.insideLibrary))
    libraryFindings.set(f.rule, { ...f, screen: name });
  expect(findings.filter((f) => !f.insideLibrary)).toEqual([]);
}

async function signIn(on: Page, user: string) {
  await on.goto(`${web}/`);
  await on.getByRole('button', { name: 'Sign in with Okta' }).click();
  await on.locator(`button[data-user="${user}"]`).click();
  await on.waitForURL(`${web}/`);
  await on.getByText('Signed in as').waitFor();
}

test('alice signs in, opens her folder (empty state), creates a folder and uploads three files at once, one through a multipart upload, over the HTTPS virtual-hosted front; screenshots and axe on each screen', async () => {
  await page.goto(`${web}/`);
  await page.getByRole('button', { name: 'Sign in with Okta' }).waitFor();
  await screen(page, '01-signed-out');

  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'My files' }).waitFor();
  await screen(page, '02-alice-locations');
  // Her folders by name and access: no user id, prefix or bucket to decipher.
  expect(await locationsList(page)).toEqual([
    ['My files', 'Read and write'],
    ['finance', 'Read and write'],
  ]);
  await expectNoStoragePaths(page);
  await page.getByRole('button', { name: 'My files' }).click();
  await page.getByText('No files.').waitFor();
  await screen(page, '03-alice-empty-folder');
  await expect.poll(() => page.getByRole('heading').allInnerTexts()).toContain('My files');
  expect(await page.getByRole('navigation', { name: 'Breadcrumb' }).innerText()).toMatch(
    /^Home\s*\/\s*My files$/,
  );
  await expectNoStoragePaths(page);

  // A folder.
  await action(page, 'Create folder');
  await page.getByLabel('Folder name').fill('reports');
  await page.getByRole('button', { name: 'Create folder' }).click();
  await page
    .getByText(/Folder created|reports/)
    .first()
    .waitFor();
  await screen(page, '04-folder-created');
  await page.getByRole('button', { name: 'Exit' }).click();

  // Three files at once, one above the multipart threshold.
  await action(page, 'Upload');
  await page.locator('[data-testid="amplify-file-select"]').setInputFiles(FILES);
  await screen(page, '05-upload-queued');
  await uploadChosen(page, 3);
  await screen(page, '06-uploaded');
  expect(s3Requests.some((r) => /^POST .*\/archive\.bin\?uploads/.test(r))).toBe(true);
  expect(s3Requests.filter((r) => /^PUT .*\/archive\.bin\?.*partNumber=/.test(r)).length).toBe(2);
}, 180_000);

test('alice sees her files and her folder, sorted by name, date and size', async () => {
  await page.getByRole('button', { name: 'Exit' }).click();
  // One more file, uploaded at least a second later, so that sorting by date has an answer.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  await action(page, 'Upload');
  await page.locator('[data-testid="amplify-file-select"]').setInputFiles([LATER]);
  await uploadChosen(page, 1);
  await page.getByRole('button', { name: 'Exit' }).click();
  await page.getByRole('cell', { name: 'later.txt' }).first().waitFor();
  const rows = await table(page);
  expect(rows.map((r) => r.Name).sort()).toEqual([
    'archive.bin',
    'budget.csv',
    'later.txt',
    'notes.txt',
    'reports/',
  ]);
  await screen(page, '07-alice-files');

  const files = [...FILES, LATER];
  const byName = files.map((f) => f.name).sort();
  const bySize = [...files].sort((a, b) => a.buffer.length - b.buffer.length).map((f) => f.name);
  expectBothWays(await sortedTwice(page, 'Name'), byName);
  await screen(page, '08-alice-sorted-by-name');
  expectBothWays(await sortedTwice(page, 'Size'), bySize);
  const dates = await sortedTwice(page, 'Last modified');
  // later.txt is the newest: last one way, first the other.
  expect([dates[0].indexOf('later.txt'), dates[1].indexOf('later.txt')].sort()).toEqual([
    0,
    files.length - 1,
  ]);
  await screen(page, '09-alice-sorted-by-date');
}, 90_000);

test('alice downloads the 6 MiB file and a small one, each byte-identical, through presigned GETs to the HTTPS front', async () => {
  for (const file of [BIG_FILE, NOTES_FILE]) {
    await select(page, file.name);
    await action(page, 'Download');
    const download = nextDownload(desktop, page);
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    const saved = await (await download).path();
    expect(Buffer.compare(fs.readFileSync(saved), file.buffer)).toBe(0);
    if (file === BIG_FILE) await screen(page, '10-alice-downloaded');
    await page.getByRole('button', { name: 'Exit' }).click();
    await select(page, file.name, false);
  }
  expect(
    s3Requests.filter((r) => /^GET .*\/(archive\.bin|notes\.txt)\?.*X-Amz-Signature=/.test(r)).length,
  ).toBe(2);
}, 90_000);

test('alice downloads three files at once: one zip, each file in it byte-identical', async () => {
  // Storage Browser streams a multi-file zip through its service worker. Under Playwright, Chromium
  // cancels a download that a service worker serves (download.failure() is "canceled"), so this
  // page blocks service workers and Storage Browser takes its own fallback: the same zip, built in
  // memory and saved through a blob link.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    serviceWorkers: 'block',
  });
  try {
    const other = await context.newPage();
    await signIn(other, 'alice');
    await other.getByRole('button', { name: 'My files' }).click();
    const chosen = [BIG_FILE, FILES[0], LATER];
    for (const file of chosen) await select(other, file.name);
    await action(other, 'Download');
    const download = other.waitForEvent('download');
    await other.getByRole('button', { name: 'Download', exact: true }).click();
    const zip = await download;
    expect(zip.suggestedFilename()).toMatch(/\.zip$/);
    await other.getByText('All files downloaded.').waitFor();
    await screen(other, '11-alice-downloaded-three-as-zip');
    const entries = await unzip(fs.readFileSync(await zip.path()));
    expect([...entries.keys()].sort()).toEqual(chosen.map((f) => f.name).sort());
    for (const file of chosen) expect(Buffer.compare(entries.get(file.name)!, file.buffer)).toBe(0);
  } finally {
    await context.close();
  }
}, 90_000);

test('alice copies a file into her folder `reports`: the copy is byte-identical at its new place, the original stays', async () => {
  await select(page, 'budget.csv');
  await action(page, 'Copy');
  await page.getByRole('button', { name: 'reports/' }).click();
  await expect
    .poll(() => page.locator('#files').innerText())
    .toMatch(/Copy destination\s*My files\s*\/\s*reports/);
  await screen(page, '12-copy-destination');
  // The copy takes none of the source's tags, so a scanned file can be copied (copy-without-tags.ts).
  const copyRequest = page.waitForRequest((r) => r.method() === 'PUT' && 'x-amz-copy-source' in r.headers());
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  expect((await copyRequest).headers()['x-amz-tagging-directive']).toBe('REPLACE');
  await page.getByText('All files copied.').waitFor();
  await screen(page, '13-copied');
  await page.getByRole('button', { name: 'Exit' }).click();
  await select(page, 'budget.csv', false);
  const [copy, original] = [await aliceReads('reports/budget.csv'), await aliceReads('budget.csv')];
  expect([copy.status, Buffer.compare(copy.body, TABLE)]).toEqual([200, 0]);
  expect([original.status, Buffer.compare(original.body, TABLE)]).toEqual([200, 0]);
}, 60_000);

test('alice searches her folder: only matching names show (case-insensitive), subfolders on request, all again once cleared', async () => {
  const names = async () => (await table(page)).map((r) => r.Name).sort();
  const search = async (query: string) => {
    const field = page.getByPlaceholder('Search current folder');
    await field.fill(query);
    await field.press('Enter');
  };
  await search('A');
  await expect.poll(names).toEqual(['archive.bin', 'later.txt']);
  await screen(page, '14-search-a');
  // budget.csv is also in reports/ (the copy above), which a search of this folder alone leaves out.
  await search('budget');
  await expect.poll(names).toEqual(['budget.csv']);
  await page.getByText('Include subfolders').click();
  await search('budget');
  await expect.poll(names).toEqual(['budget.csv', 'reports/budget.csv']);
  await screen(page, '15-search-subfolders');
  await page.getByText('Include subfolders').click();
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expect.poll(names).toEqual(['archive.bin', 'budget.csv', 'later.txt', 'notes.txt', 'reports/']);
}, 60_000);

test('alice deletes one file after confirming it; the others stay', async () => {
  await select(page, 'notes.txt');
  await action(page, 'Delete');
  await page.getByText('notes.txt').first().waitFor();
  await screen(page, '16-delete-confirm');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('1 file deleted successfully.').waitFor();
  await screen(page, '17-deleted');
  await page.getByRole('button', { name: 'Exit' }).click();
  await page.getByRole('cell', { name: 'later.txt' }).first().waitFor();
  expect((await table(page)).map((r) => r.Name).sort()).toEqual([
    'archive.bin',
    'budget.csv',
    'later.txt',
    'reports/',
  ]);
}, 60_000);

test('alice cancels an upload in progress: neither the file nor an incomplete multipart upload remains', async () => {
  const file = { name: 'cancelled.bin', mimeType: 'application/octet-stream', buffer: randomBytes(11 << 20) };
  const key = `users/${ALICE.sub}/${file.name}`;
  // Part 1 of 3 goes through; the others are held, as a slow connection would, until the cancel.
  const held: Route[] = [];
  const parts = /\/cancelled\.bin\?.*partNumber=(\d+)/;
  await page.route(parts, (route) =>
    parts.exec(route.request().url())![1] === '1' ? route.continue() : void held.push(route),
  );
  try {
    await action(page, 'Upload');
    await page.locator('[data-testid="amplify-file-select"]').setInputFiles([file]);
    const firstPart = page.waitForResponse((r) => /partNumber=1\b/.test(r.url()) && r.status() === 200);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await firstPart;
    await expect.poll(() => held.length).toBeGreaterThan(0);
    // The stand-in S3 now keeps part 1 of an incomplete upload of this key.
    expect(incompleteUploads(key)).toHaveLength(1);
    await screen(page, '18-upload-in-progress');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByText('All uploads canceled').waitFor();
    await screen(page, '19-upload-canceled');
  } finally {
    await page.unroute(parts);
    for (const route of held) await route.abort().catch(() => undefined);
  }
  // Storage Browser aborted the multipart upload (AbortMultipartUpload), and S3 dropped its parts.
  await expect
    .poll(() => s3Requests.some((r) => /^DELETE .*\/cancelled\.bin\?.*uploadId=/.test(r)))
    .toBe(true);
  await expect.poll(() => incompleteUploads(key)).toEqual([]);
  expect(s3Requests.some((r) => /^POST .*\/cancelled\.bin\?uploadId=/.test(r))).toBe(false);
  expect((await aliceReads(file.name)).status).toBe(404);
  await page.getByRole('button', { name: 'Exit' }).click();
  await page.getByRole('cell', { name: 'later.txt' }).first().waitFor();
  expect((await table(page)).map((r) => r.Name)).not.toContain(file.name);
}, 60_000);

test('alice uploads a folder: each file lands under the folder’s name, a folder inside it kept, byte-identical', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-folder-'));
  fs.mkdirSync(path.join(dir, 'minutes', 'march'), { recursive: true });
  const files: Record<string, Buffer> = {
    'minutes/monday.txt': Buffer.from(`monday ${randomBytes(4).toString('hex')}\n`),
    'minutes/march/friday.txt': Buffer.from(`friday ${randomBytes(4).toString('hex')}\n`),
  };
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  try {
    await action(page, 'Upload');
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Add folder' }).click();
    await (await chooser).setFiles(path.join(dir, 'minutes'));
    await uploadChosen(page, 2);
    await page.getByRole('button', { name: 'Exit' }).click();
    for (const [name, bytes] of Object.entries(files)) {
      const read = await aliceReads(name);
      expect([name, read.status, Buffer.compare(read.body, bytes)]).toEqual([name, 200, 0]);
    }
    await page.getByRole('button', { name: 'minutes/' }).waitFor();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

test('on a phone (360 px) alice’s files fit, and bob sees none of them', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await screen(page, '20-phone-alice-files');
  // Nothing runs past the screen's edge, and words stay whole: the toolbar once overflowed to the
  // right and set "Include subfolders" one letter per line.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const label = await page.getByText('Include subfolders').boundingBox();
  expect(label!.width).toBeGreaterThan(label!.height);
  // The file table fits its box (it once scrolled sideways inside it): the name, size and
  // download button stay, Type and Last modified give way.
  expect(await tableFit(page)).toEqual({ fits: true, headers: ['Select all files', 'Name', 'Size', ''] });
  // So does an action's list, here files queued for upload (not started).
  await action(page, 'Upload');
  await page.locator('[data-testid="amplify-file-select"]').setInputFiles([LATER]);
  await screen(page, '21-phone-upload-queued');
  // Nothing runs past the screen's edge, and the counts by status keep their words whole.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const counts = await page.getByText('Not started', { exact: true }).last().boundingBox();
  expect(counts!.width).toBeGreaterThan(counts!.height);
  expect(await tableFit(page)).toEqual({
    fits: true,
    headers: ['Name', 'Status', ''],
  });
  await page.getByRole('button', { name: 'Exit' }).click();
  await page.getByRole('cell', { name: 'later.txt' }).first().waitFor();
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 } });
  try {
    const bobPage = await phone.newPage();
    await signIn(bobPage, 'bob');
    await bobPage.getByRole('button', { name: 'My files' }).waitFor();
    await screen(bobPage, '22-phone-bob-locations');
    // His own folder, and the audit and finance teams', which he may only read.
    expect(await locationsList(bobPage)).toEqual([
      ['My files', 'Read and write'],
      ['audit', 'Read only'],
      ['finance', 'Read only'],
    ]);
    expect(await bobPage.getByText(ALICE.sub).count()).toBe(0);
    await bobPage.getByRole('button', { name: 'My files' }).click();
    await bobPage.getByText('No files.').waitFor();
    await screen(bobPage, '23-phone-bob-empty-folder');
    for (const name of ['archive.bin', 'budget.csv', 'later.txt', 'reports'])
      expect(await bobPage.getByText(name).count()).toBe(0);
  } finally {
    await phone.close();
  }
}, 90_000);

test('alice’s own identity-pool credentials, asking for bob’s folder through the HTTPS front, are refused by IAM', async () => {
  const { s3, Bucket } = await aliceS3();
  const signed = async (command: GetObjectCommand | ListObjectsV2Command) =>
    getSignedUrl(s3, command as any, { expiresIn: 60 });
  // Her own folder first: the same credentials and front allow it, so a refusal below is IAM's.
  const own = await overFront(
    await signed(new GetObjectCommand({ Bucket, Key: `users/${ALICE.sub}/budget.csv` })),
  );
  expect([own.status, own.body.equals(TABLE)]).toEqual([200, true]);
  const forged = [
    new ListObjectsV2Command({ Bucket, Prefix: `users/${BOB.sub}/`, Delimiter: '/' }),
    new GetObjectCommand({ Bucket, Key: `users/${BOB.sub}/budget.csv` }),
  ];
  const refusals = [];
  for (const command of forged) {
    const url = await signed(command);
    expect(new URL(url).hostname).toBe(`${Bucket}.s3.localhost`);
    const reply = await overFront(url);
    refusals.push([reply.status, /<Code>(\w+)<\/Code>/.exec(reply.body.toString())?.[1], reply.decision]);
  }
  expect(refusals).toEqual([
    [403, 'AccessDenied', expect.stringMatching(/^(Implicitly|Explicitly)Denied s3:ListBucket$/)],
    [403, 'AccessDenied', expect.stringMatching(/^(Implicitly|Explicitly)Denied s3:GetObject$/)],
  ]);
}, 60_000);

/**
 * An S3 client with alice's own identity-pool credentials (her ID token from the page's session),
 * for the HTTPS front: what the test reads back is what IAM lets her read.
 */
async function aliceS3(): Promise<{ s3: S3Client; Bucket: string }> {
  const config = await (await fetch(`${web}/okta-s3-client.json`)).json();
  const idToken = await page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((k) => k.startsWith('oidc.user:'));
    return key ? (JSON.parse(sessionStorage.getItem(key)!).id_token as string) : undefined;
  });
  expect(idToken).toBeTruthy();
  const credentials = await fromCognitoIdentityPool({
    identityPoolId: config.identityPool.id,
    logins: { [config.identityPool.loginsKey]: idToken! },
    clientConfig: { region: config.region, endpoint: config.endpoints.cognitoIdentity },
  })();
  const s3 = new S3Client({
    region: config.region,
    endpoint: `https://${config.endpoints.s3VirtualHost}`,
    credentials,
  });
  return { s3, Bucket: config.bucket };
}

/** An object of alice's folder as she reads it through the HTTPS front: status and bytes. */
async function aliceReads(key: string): Promise<{ status: number; body: Buffer }> {
  const { s3, Bucket } = await aliceS3();
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key: `users/${ALICE.sub}/${key}` }), {
    expiresIn: 60,
  });
  const { status, body } = await overFront(url);
  return { status, body };
}

/** The entries of a zip archive by name. */
async function unzip(archive: Buffer): Promise<Map<string, Buffer>> {
  configureZip({ useWebWorkers: false });
  const reader = new ZipReader(new Uint8ArrayReader(archive));
  const entries = new Map<string, Buffer>();
  for (const entry of await reader.getEntries())
    if (!entry.directory)
      entries.set(entry.filename, Buffer.from(await entry.getData(new Uint8ArrayWriter())));
  await reader.close();
  return entries;
}

/**
 * The multipart uploads of `key` that the stand-in S3 still keeps: s3rver stores each in a folder
 * of its data directory holding the parts and a file `key` naming the object.
 */
function incompleteUploads(key: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'key' && fs.readFileSync(full, 'utf8') === key) found.push(dir);
    }
  };
  walk(path.join(dataDir, 's3'));
  return found;
}

/**
 * Whether the (first) table of the current screen fits its box without scrolling sideways, and the
 * texts of the column headers a person sees (hidden ones left out).
 */
function tableFit(on: Page): Promise<{ fits: boolean; headers: string[] }> {
  return on
    .locator('#files .amplify-storage-browser__data-table')
    .first()
    .evaluate((box) => ({
      fits: box.scrollWidth <= box.clientWidth && box.getBoundingClientRect().right <= window.innerWidth,
      headers: [...box.querySelectorAll('thead th')]
        .filter((th) => (th as HTMLElement).offsetParent !== null)
        .map(
          (th) =>
            (th.textContent ?? '').trim() || (th.querySelector('input')?.getAttribute('aria-label') ?? ''),
        ),
    }));
}

/** The first screen's folders: each one's name and the access it gives. */
function locationsList(on: Page): Promise<string[][]> {
  return on
    .locator('.file-browser-locations__item')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('button')!.textContent!.trim(),
        li.querySelector('span')!.textContent!.trim(),
      ]),
    );
}

/** The screen names no storage path: not the user's id (their folder's prefix), not the bucket. */
async function expectNoStoragePaths(on: Page) {
  const config = await (await fetch(`${web}/okta-s3-client.json`)).json();
  const text = await on.locator('#files').innerText();
  expect(text).not.toContain(ALICE.sub);
  expect(text).not.toContain(config.bucket);
}

/** The file table as rows of its column headers' texts. */
function table(on: Page): Promise<Record<string, string>[]> {
  return on.locator('#files table').evaluate((element) => {
    const headers = [...element.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
    return [...element.querySelectorAll('tbody tr')].map((tr) =>
      Object.fromEntries(
        [...tr.querySelectorAll('td, th')].map((cell, i) => [headers[i], cell.textContent?.trim() ?? '']),
      ),
    );
  });
}

/** One click sorts one way, the next the other: which comes first is the library's choice. */
function expectBothWays(twice: string[][], ascending: string[]) {
  const descending = [...ascending].reverse();
  expect(twice).toEqual(twice[0][0] === ascending[0] ? [ascending, descending] : [descending, ascending]);
}

/** The files' names (folders left out) after sorting by `column`, and after sorting it again. */
async function sortedTwice(on: Page, column: string): Promise<string[][]> {
  const names = async () => (await table(on)).filter((r) => r.Name !== 'reports/').map((r) => r.Name);
  await on.getByRole('button', { name: column, exact: true }).click();
  const first = await names();
  await on.getByRole('button', { name: column, exact: true }).click();
  return [first, await names()];
}

/** The next download, whether Storage Browser's link opens it in this page or a new one. */
function nextDownload(context: BrowserContext, on: Page): Promise<Download> {
  return new Promise((resolve) => {
    on.once('download', resolve);
    context.once('page', (opened) => opened.once('download', resolve));
  });
}

/** A GET to the HTTPS front from node, trusting the local certificate, `*.localhost` on loopback. */
function overFront(url: string): Promise<{ status: number; body: Buffer; decision?: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(
        url,
        {
          ca: certificate.cert,
          lookup: (_host, options, callback) =>
            (options as { all?: boolean }).all
              ? (callback as any)(null, [{ address: '127.0.0.1', family: 4 }])
              : callback(null, '127.0.0.1', 4),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks),
              decision: response.headers[DECISION_HEADER] as string | undefined,
            }),
          );
        },
      )
      .on('error', reject);
  });
}
