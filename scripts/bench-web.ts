/**
 * Bench section about the end users' file browser (examples/web, on Storage Browser for S3): its
 * bundle against a bare app that renders only Storage Browser, and, in headless Chromium against
 * `npm run local`, the time until the page can be used and until a signed-in user sees their
 * folders, and a 64 MiB upload through it against the SDK (bench-upload-throughput.ts). Printed,
 * never asserted.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { build, stop } from 'esbuild';
import { BROWSER_BUILD, bundleWebClient, STORAGE_BROWSER_CSS } from '../examples/web/build';
import { localCertificate } from '../emulator/services/local-certificate';
import { launchBrowser } from './launch-browser';
import { uploadThroughputRows } from './bench-upload-throughput';

const ROOT = path.join(__dirname, '..');
const RUNS = 3;
const PORT_BASE = 31_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const sizes = (parts: (string | Buffer)[]) => {
  const all = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return `${kib(all.length)} / ${kib(gzipSync(all).length)}`;
};

/** The smallest app that renders Storage Browser with a custom configuration, as the docs show it. */
const BARE_APP = `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { createStorageBrowser } from '@aws-amplify/ui-react-storage/browser';
const { StorageBrowser } = createStorageBrowser({
  config: {
    region: 'eu-west-1',
    listLocations: async () => ({ items: [], nextToken: undefined }),
    getLocationCredentials: async () => ({ credentials: { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c', expiration: new Date() } }),
    registerAuthListener: () => undefined,
  },
});
createRoot(document.body).render(createElement(StorageBrowser));
`;

async function bundleRows(): Promise<string[][]> {
  const client = await bundleWebClient(false);
  const ours = ['/app.js', '/app.css'].map((file) => client.get(file)!.body);
  const bare = await build({
    ...BROWSER_BUILD,
    stdin: { contents: BARE_APP, resolveDir: ROOT, loader: 'ts' },
  });
  await stop();
  const bareCss = fs.readFileSync(STORAGE_BROWSER_CSS);
  return [
    ['file browser: app.js + app.css, minified (raw / gzip)', sizes(ours)],
    [
      'a bare app rendering only Storage Browser, with its CSS (raw / gzip)',
      sizes([bare.outputFiles[0].text, bareCss]),
    ],
  ];
}

/** One page load and one sign-in, against a running local stack. */
async function timeOnce(web: string, spki: string): Promise<{ usable: number; folders: number }> {
  const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${spki}`]);
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const started = performance.now();
    await page.goto(`${web}/`);
    const signIn = page.getByRole('button', { name: 'Sign in with Okta' });
    await signIn.waitFor();
    const usable = performance.now() - started;
    const clicked = performance.now();
    await signIn.click();
    await page.locator('button[data-user="alice"]').click();
    // Her first screen: her folders by name, "My files" first.
    await page.getByRole('button', { name: 'My files' }).waitFor();
    return { usable, folders: performance.now() - clicked };
  } finally {
    await browser.close();
  }
}

async function timingRows(): Promise<string[][]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-web-'));
  const certificate = await localCertificate(dataDir);
  const local = spawn(
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/local.ts', '--port-base', String(PORT_BASE), '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      let output = '';
      local.stdout!.on(
        'data',
        (chunk: Buffer) => (output += chunk) && output.includes('ready in') && resolve(),
      );
      local.once('exit', (code) => reject(new Error(`npm run local exited with ${code}`)));
    });
    const runs = [];
    for (let i = 0; i < RUNS; i++)
      runs.push(await timeOnce(`http://127.0.0.1:${PORT_BASE}`, certificate.spkiSha256));
    const browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`]);
    const throughput = await uploadThroughputRows(browser, PORT_BASE, dataDir).finally(() => browser.close());
    const ms = (xs: number[]) =>
      `${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    return [
      [
        `page load until "Sign in with Okta" can be clicked (median of ${RUNS}, fresh browser)`,
        ms(runs.map((r) => r.usable)),
      ],
      [
        'click "Sign in with Okta" until the signed-in user sees their folders',
        ms(runs.map((r) => r.folders)),
      ],
      ...throughput,
    ];
  } finally {
    local.kill('SIGINT');
    await new Promise((resolve) => local.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function webClientSection(): Promise<string[][]> {
  return [...(await bundleRows()), ...(await timingRows())];
}
