import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { action, select, uploadChosen } from './storage-browser-steps';
import { TEST_USERS } from '../../emulator/services/test-users';
import { seriousFindings } from './axe';
import { startLocalWithBrowser } from './local-process';
import { keepScreenshot } from './screenshots';

/*
 * Sharing as people use it, in headless Chromium against `npm run local -- --sharing` started as a
 * process: alice shares a file from the file browser (Storage Browser's Share action), copies the
 * link, and a stranger's browser (a fresh context, no sign-in) downloads the file; alice stops the
 * link and the next visit is refused. Then she asks for files, a stranger sends one on the visitor
 * page, and she sees it arrive. Screenshots at 1280 and 360 px go to test-artifacts/sharing/
 * (git-ignored); axe-core checks each new screen.
 */

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-artifacts', 'sharing');
const ALICE = TEST_USERS.find((u) => u.name === 'alice')!;
const REPORT = {
  name: 'q3-report.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from(`Q3 report ${randomBytes(8).toString('hex')}\n`),
};
const INVOICE = {
  name: 'invoice-117.txt',
  mimeType: 'text/plain',
  buffer: Buffer.from(`invoice ${randomBytes(8).toString('hex')}\n`),
};
/** Storage Browser's markup, where findings are the library's rather than ours. */
const LIBRARY = '#files, [data-radix-popper-content-wrapper]';

let local: ChildProcess;
let dataDir: string;
let web: string;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
let shareLink: string;
let requestLink: string;
const libraryRules = new Set<string>();

beforeAll(async () => {
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  ({ local, browser, web, dataDir } = await startLocalWithBrowser('okta-s3-sharing-', ['--sharing']));
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await desktop.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web });
  desktop.setDefaultTimeout(15_000);
  page = await desktop.newPage();
}, 90_000);

afterAll(async () => {
  if (libraryRules.size)
    fs.writeFileSync(
      path.join(SHOTS, 'axe-inside-storage-browser.json'),
      JSON.stringify([...libraryRules]) + '\n',
    );
  await browser?.close();
  if (local && local.exitCode === null) local.kill('SIGINT');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A screenshot, and axe-core on the same screen: none serious or critical in our own markup. */
async function screen(on: Page, name: string) {
  await keepScreenshot(on, path.join(SHOTS, `${name}.png`));
  const findings = await seriousFindings(on, LIBRARY);
  for (const f of findings.filter((f) => f.insideLibrary)) libraryRules.add(f.rule);
  expect(findings.filter((f) => !f.insideLibrary)).toEqual([]);
}

/** Through the Okta stand-in's sign-in page, as alice; back on the file browser. */
async function pickAlice(on: Page) {
  await on.locator(`button[data-user="alice"]`).click();
  await on.waitForURL(`${web}/`);
  await on.getByText('Signed in as').waitFor();
}

/** Her own folder in Storage Browser's list of locations (named by its prefix or as "My files"). */
async function openOwnFolder(on: Page) {
  await on
    .locator('#files')
    .getByRole('button', { name: new RegExp(`users/${ALICE.sub}/|^My files$`) })
    .first()
    .click();
}

async function section(on: Page, name: 'Files' | 'Shared links' | 'File requests') {
  await on.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
}

/** A stranger: a fresh browser context, no sign-in, nothing stored. */
async function stranger<T>(
  width: number,
  use: (on: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, acceptDownloads: true });
  try {
    return await use(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

test('alice shares a file from the file browser, copies the link, and a stranger’s browser downloads it', async () => {
  await page.goto(`${web}/`);
  await page.getByRole('button', { name: 'Sign in with Okta' }).click();
  await pickAlice(page);
  await openOwnFolder(page);
  await action(page, 'Upload');
  await page.locator('[data-testid="amplify-file-select"]').setInputFiles([REPORT]);
  await uploadChosen(page, 1);
  await page.getByRole('button', { name: 'Exit' }).click();

  // Share is in the actions menu; the first time, it asks to confirm the sign-in.
  await select(page, REPORT.name);
  await action(page, 'Share');
  await page.getByRole('heading', { name: `Share ${REPORT.name}` }).waitFor();
  await screen(page, '01-share-confirm-sign-in');
  await page.getByRole('button', { name: 'Confirm sign-in' }).click();
  await pickAlice(page);

  await openOwnFolder(page);
  await select(page, REPORT.name);
  await action(page, 'Share');
  const works = page.getByLabel('The link works for');
  await works.waitFor();
  const offered = await works.locator('option').allTextContents();
  expect(offered).toEqual(['1 day', '3 days', '1 week']); // up to the default maximum, 7 days
  await works.selectOption({ label: '3 days' });
  await page.getByLabel('The latest version').check();
  await screen(page, '02-share-choices');
  await page.getByRole('button', { name: 'Create link' }).click();
  const field = page.getByLabel(`Link to ${REPORT.name}`);
  await field.waitFor();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByText('Link copied.').waitFor();
  shareLink = await page.evaluate(() => navigator.clipboard.readText());
  expect(shareLink).toBe(await field.inputValue());
  expect(shareLink).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(
    page.getByText(/Anyone with this link can download q3-report\.txt until/).count(),
  ).resolves.toBe(1);
  await screen(page, '03-share-link-created');

  const downloaded = await stranger(1280, async (on) => {
    const download = on.waitForEvent('download');
    await on.goto(shareLink).catch(() => undefined); // a download ends the navigation
    return fs.readFileSync((await (await download).path())!);
  });
  expect(Buffer.compare(downloaded, REPORT.buffer)).toBe(0);
}, 180_000);

test('alice sees the link under Shared links, stops it after confirming, and the next visit is refused', async () => {
  await page.getByRole('button', { name: 'Back to files' }).click();
  await section(page, 'Shared links');
  const row = page.getByRole('row').filter({ hasText: REPORT.name });
  await row.getByText(/^Works until /).waitFor();
  await expect(row.getByText('Latest version').count()).resolves.toBe(1);
  expect(await page.locator('#files').isHidden()).toBe(true);
  await screen(page, '04-shared-links');
  await row.getByRole('button', { name: `Stop the link to ${REPORT.name}` }).click();
  await page.getByText('People who have this link can no longer download the file.').waitFor();
  // The file's name stays on one line while the question widens its row's last column.
  const lines = await row.getByRole('rowheader').evaluate((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  });
  expect(lines).toBe(1);
  await screen(page, '05-stop-link-confirm');
  await page.getByRole('button', { name: 'Yes, stop it' }).click();
  await page.getByText(`The link to ${REPORT.name} was stopped.`).waitFor();
  await row.getByText('Stopped').waitFor();
  await screen(page, '06-link-stopped');

  const refused = await stranger(1280, async (on) => {
    const response = await on.goto(shareLink);
    return { status: response?.status(), body: await response?.text() };
  });
  expect(refused.status).toBe(404);
  expect(JSON.parse(refused.body!)).toEqual({
    error: 'NotFound',
    message: 'This link does not exist or has expired',
  });
}, 60_000);

test('alice asks for files; a stranger sends one on the visitor page, sees it sent, and alice sees it arrive', async () => {
  await section(page, 'File requests');
  await page.getByLabel('Folder of your own where the files arrive').fill('From clients');
  await page.getByLabel(/^Most files/).fill('2');
  await screen(page, '07-ask-for-files');
  await page.getByRole('button', { name: 'Create link' }).click();
  const field = page.getByLabel('Link for sending files to From clients');
  await field.waitFor();
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByText('Link copied.').waitFor();
  requestLink = await page.evaluate(() => navigator.clipboard.readText());
  expect(requestLink).toMatch(new RegExp(`^${web}/request\\.html#[A-Za-z0-9_-]{43}$`));
  const row = page.getByRole('row').filter({ hasText: 'From clients' });
  await row.getByText('0 of 2').waitFor();
  await screen(page, '08-file-request-created');

  await stranger(1280, async (on) => {
    await on.goto(requestLink);
    await on.getByText(/You can send 2 files, each up to 100 MB\. This link works until/).waitFor();
    await screen(on, '09-visitor-page');
    await on.getByLabel('Choose files').setInputFiles([INVOICE]);
    await on.getByRole('button', { name: 'Send files' }).click();
    await on.getByText('Sent: 1 file was delivered. You can close this page.').waitFor();
    await on.getByText(/You can send 1 file,/).waitFor();
    expect(await on.locator('#queue progress').evaluate((bar) => (bar as HTMLProgressElement).value)).toBe(1);
    await screen(on, '10-visitor-sent');
    // The request's link is no share link: reading through it is the same refusal as any.
    const token = requestLink.slice(requestLink.indexOf('#') + 1);
    const config = await (await fetch(`${web}/okta-s3-client.json`)).json();
    const read = await fetch(new URL(`s/${token}`, config.presignApi.url), { redirect: 'manual' });
    expect(read.status).toBe(404);
  });

  // The list counts it, and the file is in her folder.
  await section(page, 'Shared links');
  await section(page, 'File requests');
  await page.getByRole('row').filter({ hasText: 'From clients' }).getByText('1 of 2').waitFor();
  // In Files, a search of her folder and its subfolders finds it. (Opening "From clients/" by
  // hand is what a person would do; the local S3 server lists no folder that holds only
  // subfolders, see the README's Limits, so the search stands in for it here.)
  await section(page, 'Files');
  // amplify draws its own box over the input: clicked as a keyboard user's Space would.
  await page.getByLabel('Include subfolders').evaluate((input) => (input as HTMLInputElement).click());
  await page.getByPlaceholder('Search current folder').fill('invoice');
  await page.getByPlaceholder('Search current folder').press('Enter');
  await page.getByRole('cell', { name: INVOICE.name }).first().waitFor();
  await screen(page, '11-alice-sees-the-file');
}, 120_000);

test('on a phone (360 px) the sharing screens and the visitor page fit, words whole', async () => {
  await page.setViewportSize({ width: 360, height: 800 });
  for (const [name, shot] of [
    ['Shared links', '12-phone-shared-links'],
    ['File requests', '13-phone-file-requests'],
  ] as const) {
    await section(page, name);
    await page.getByRole('heading', { name, level: 2 }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screen(page, shot);
  }
  await stranger(360, async (on) => {
    await on.goto(requestLink);
    await on.getByText(/You can send 1 file,/).waitFor();
    expect(await on.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screen(on, '14-phone-visitor-page');
  });
  await page.setViewportSize({ width: 1280, height: 900 });
}, 60_000);
