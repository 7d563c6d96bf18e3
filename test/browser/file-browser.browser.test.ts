import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PORT_OFFSETS } from '../../emulator/local/environment';
import { localCertificate } from '../../emulator/services/local-certificate';
import { TEST_USERS } from '../../emulator/services/test-users';
import { seriousFindings, type Finding } from './axe';
import { launchBrowser } from './launch';

/*
 * The file browser (examples/web, Storage Browser for S3) as a person uses it, in headless
 * Chromium against `npm run local` started as a process: Storage Browser talks to the HTTPS,
 * virtual-hosted S3 front (`<bucket>.s3.localhost`), whose certificate Chromium trusts by its key
 * alone (--ignore-certificate-errors-spki-list). Screenshots at 1280 and 360 px wide go to
 * test-artifacts/file-browser/ (git-ignored), with axe-core's findings inside Storage Browser.
 */

const ROOT = path.join(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-artifacts', 'file-browser');
const ALICE = TEST_USERS.find((u) => u.name === 'alice')!;
/** Above amplify's 5 MiB part size: a multipart upload. */
const BIG = randomBytes(6 * 1024 * 1024 + 123);
const NOTES = Buffer.from(`meeting notes ${randomBytes(8).toString('hex')}\n`);
const TABLE = Buffer.from(`quarter,amount\nQ3,${randomBytes(2).readUInt16BE()}\n`);
const FILES = [
  { name: 'budget.csv', mimeType: 'text/csv', buffer: TABLE },
  { name: 'archive.bin', mimeType: 'application/octet-stream', buffer: BIG },
  { name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES },
];
/** Storage Browser's markup, where findings are the library's rather than ours. */
const LIBRARY = '#files, [data-radix-popper-content-wrapper]';

let local: ChildProcess;
let dataDir: string;
let web: string;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
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
  const certificate = await localCertificate(dataDir);
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
  page.on('request', (r) => r.url().includes('.s3.localhost') && s3Requests.push(`${r.method()} ${r.url()}`));
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
  await on.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
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

/** The first line that says the stack is ready; rejects with everything printed if it exits first. */
function readyLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('ready in'));
      if (line) resolve(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm run local exited with ${code}:\n${output}`)));
  });
}

async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const free = await Promise.all(Object.values(PORT_OFFSETS).map((o) => canListen(base + o)));
    if (free.every(Boolean)) return base;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
