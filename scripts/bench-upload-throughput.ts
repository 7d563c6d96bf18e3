/**
 * Bench rows: a 64 MiB file uploaded through the file browser (Storage Browser's Upload action,
 * Amplify's multipart upload to the HTTPS virtual-hosted front) and the same upload made directly
 * with the SDK (@aws-sdk/lib-storage, 5 MiB parts, 4 at a time) with the very credentials the page
 * got from the identity pool, through the same IAM-enforcing front (its plain-HTTP, path-style
 * port). Both store to the same s3rver on disk. Printed, never asserted.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Browser } from 'playwright-core';
import { PORT_OFFSETS } from '../emulator/local/environment';
import { TEST_USERS } from '../emulator/services/test-users';

const MIB = 1024 * 1024;
const SIZE = 64 * MIB;

interface IdentityCredentials {
  readonly AccessKeyId: string;
  readonly SecretKey: string;
  readonly SessionToken: string;
}

/** Seconds for the file browser's upload and for the SDK's, of the same 64 MiB. */
export async function uploadThroughputRows(
  browser: Browser,
  portBase: number,
  dataDir: string,
): Promise<string[][]> {
  const alice = TEST_USERS.find((u) => u.name === 'alice')!;
  const config = JSON.parse(
    fs.readFileSync(path.join(dataDir, 'client-config', 'okta-s3-client.json'), 'utf8'),
  );
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-')), 'film.bin');
  const bytes = randomBytes(SIZE);
  fs.writeFileSync(file, bytes);
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    let credentials: IdentityCredentials | undefined;
    page.on('response', async (response) => {
      if (!response.url().startsWith(`http://127.0.0.1:${portBase + PORT_OFFSETS.cognitoIdentity}`)) return;
      const body = await response.json().catch(() => undefined);
      if (body?.Credentials?.AccessKeyId) credentials = body.Credentials;
    });
    await page.goto(`http://127.0.0.1:${portBase}/`);
    await page.getByRole('button', { name: 'Sign in with Okta' }).click();
    await page.locator('button[data-user="alice"]').click();
    await page.getByRole('button', { name: 'My files' }).click();
    await page.getByRole('button', { name: 'Menu Toggle' }).click();
    await page.getByRole('menuitem', { name: 'Upload' }).click();
    await page.locator('[data-testid="amplify-file-select"]').setInputFiles(file);
    const started = performance.now();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByText(/Completed: 1|All files uploaded/)
      .first()
      .waitFor({ timeout: 300_000 });
    const browserSeconds = (performance.now() - started) / 1000;
    if (!credentials) throw new Error('the page got no identity-pool credentials to compare with');

    const client = new S3Client({
      region: config.region,
      endpoint: `http://127.0.0.1:${portBase + PORT_OFFSETS.s3}`,
      forcePathStyle: true,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretKey,
        sessionToken: credentials.SessionToken,
      },
    });
    const Key = `users/${alice.sub}/film-sdk.bin`;
    const sdkStarted = performance.now();
    await new Upload({
      client,
      params: { Bucket: config.bucket, Key, Body: bytes },
      partSize: 5 * MIB,
      queueSize: 4,
    }).done();
    const sdkSeconds = (performance.now() - sdkStarted) / 1000;
    for (const key of [`users/${alice.sub}/film.bin`, Key]) {
      const head = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
      if (head.ContentLength !== SIZE)
        throw new Error(`${key}: ${head.ContentLength} bytes stored, not ${SIZE}`);
    }
    client.destroy();
    const rate = (seconds: number) => `${seconds.toFixed(1)} s, ${(SIZE / MIB / seconds).toFixed(1)} MiB/s`;
    return [
      ['64 MiB through the file browser (Storage Browser, multipart over HTTPS)', rate(browserSeconds)],
      [
        'the same 64 MiB with the SDK (lib-storage, 5 MiB parts, 4 at a time), same credentials',
        rate(sdkSeconds),
      ],
      ['throughput ratio, file browser / SDK', (sdkSeconds / browserSeconds).toFixed(2)],
    ];
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}
