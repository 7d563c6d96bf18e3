import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { localCertificate, type LocalCertificate } from '../../emulator/services/local-certificate';
import { DECISION_HEADER } from '../../emulator/services/s3-front';
import { TEST_USERS } from '../../emulator/services/test-users';
import { seriousFindings, type Finding } from './axe';
import { launchBrowser } from '../../scripts/launch-browser';
import { freePortBase, readyLine } from './local-process';
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

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-files-'));
  const portBase = await freePortBase();
  web = `http://127.0.0.1:${portBase}`;
  // The certificate is made first, in the stack's data directory (which then keeps it), so that
  // Chromium starts trusting exactly its key while the stack starts.
  certificate = await localCertificate(dataDir);
  local = spawn(
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/local.ts', '--port-base', String(portBase), '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  [, browser] = await Promise.all([
    readyLine(local),
    launchBrowser([`--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`]),
  ]);
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await desktop.newPage();
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

/** A screenshot, and axe-core on the same screen: none serious or critical in our own markup. */
async function screen(on: Page, name: string) {
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

async function action(on: Page, name: string) {
  await on.getByRole('button', { name: 'Menu Toggle' }).click();
  await on.getByRole('menuitem', { name }).click();
}

test('alice signs in, opens her folder (empty state), creates a folder and uploads three files at once, one through a multipart upload, over the HTTPS virtual-hosted front; screenshots and axe on each screen', async () => {
  await page.goto(`${web}/`);
  await page.getByRole('button', { name: 'Sign in with Okta' }).waitFor();
  await screen(page, '01-signed-out');

  await signIn(page, 'alice');
  await page.getByRole('button', { name: `users/${ALICE.sub}/` }).waitFor();
  await screen(page, '02-alice-locations');
  await page.getByRole('button', { name: `users/${ALICE.sub}/` }).click();
  await page.getByText('No files.').waitFor();
  await screen(page, '03-alice-empty-folder');

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
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page
    .getByText(/Completed: 3|All files uploaded/)
    .first()
    .waitFor({ timeout: 30_000 });
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
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page
    .getByText(/Completed: 1|All files uploaded/)
    .first()
    .waitFor({ timeout: 30_000 });
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

test('alice deletes one file after confirming it; the others stay', async () => {
  await select(page, 'notes.txt');
  await action(page, 'Delete');
  await page.getByText('notes.txt').first().waitFor();
  await screen(page, '11-delete-confirm');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByText('1 file deleted successfully.').waitFor();
  await screen(page, '12-deleted');
  await page.getByRole('button', { name: 'Exit' }).click();
  await page.getByRole('cell', { name: 'later.txt' }).first().waitFor();
  expect((await table(page)).map((r) => r.Name).sort()).toEqual([
    'archive.bin',
    'budget.csv',
    'later.txt',
    'reports/',
  ]);
}, 60_000);

test('on a phone (360 px) alice’s files fit, and bob sees none of them', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  await screen(page, '13-phone-alice-files');
  // Nothing runs past the screen's edge, and words stay whole: the toolbar once overflowed to the
  // right and set "Include subfolders" one letter per line.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const label = await page.getByText('Include subfolders').boundingBox();
  expect(label!.width).toBeGreaterThan(label!.height);
  const phone = await browser.newContext({ viewport: { width: 360, height: 800 } });
  try {
    const bobPage = await phone.newPage();
    await signIn(bobPage, 'bob');
    await bobPage.getByRole('button', { name: `users/${BOB.sub}/` }).waitFor();
    await screen(bobPage, '14-phone-bob-locations');
    expect(await bobPage.getByText(ALICE.sub).count()).toBe(0);
    await bobPage.getByRole('button', { name: `users/${BOB.sub}/` }).click();
    await bobPage.getByText('No files.').waitFor();
    await screen(bobPage, '15-phone-bob-empty-folder');
    for (const name of ['archive.bin', 'budget.csv', 'later.txt', 'reports'])
      expect(await bobPage.getByText(name).count()).toBe(0);
  } finally {
    await phone.close();
  }
}, 90_000);

test('alice’s own identity-pool credentials, asking for bob’s folder through the HTTPS front, are refused by IAM', async () => {
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
  const Bucket = config.bucket;
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

async function select(on: Page, name: string, checked = true) {
  // amplify draws its own box over the input, so the input is clicked as a keyboard user's Space would.
  const box = on.getByRole('row').filter({ hasText: name }).getByRole('checkbox');
  if ((await box.isChecked()) !== checked) await box.evaluate((input) => (input as HTMLInputElement).click());
  expect(await box.isChecked()).toBe(checked);
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
