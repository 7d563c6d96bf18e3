import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Browser } from 'playwright-core';
import { CallerSessions } from '../../lambda/presign/credentials';
import { createHandler, PresignHandler } from '../../lambda/presign/handler';
import { s3Storage } from '../../lambda/presign/s3';
import { ALICE, apiEvent, headersForFetch, parse, presignConfig, stubSts } from '../lambda/support/fakes';
import { LocalS3, startLocalS3 } from '../../emulator/services/s3-server';
import { synthesize } from '../support/synth';
import { bucketCorsRules, CfnCorsRule, corsConfigurationXml } from '../../emulator/model/cors-config';
import { launchBrowser } from '../../scripts/launch-browser';

/*
 * A real browser against the bucket's CORS rules as the synthesized template states them, served
 * by s3rver. The allowed origin is this test's own page server, passed to synthesis as the
 * `allowedOrigins` context override, exactly as an operator would with `-c`.
 */

const BUCKET = 'user-files-browser';

let pages: { allowed: http.Server; other: http.Server };
let allowedOrigin: string;
let otherOrigin: string;
let corsRules: CfnCorsRule[];
let s3: LocalS3;
let presign: PresignHandler;
let browser: Browser;

beforeAll(async () => {
  pages = { allowed: await servePage(), other: await servePage() };
  allowedOrigin = `http://localhost:${port(pages.allowed)}`;
  otherOrigin = `http://127.0.0.1:${port(pages.other)}`;

  corsRules = bucketCorsRules(
    synthesize(undefined, { allowedOrigins: JSON.stringify([allowedOrigin]) }).template,
  );
  s3 = await startLocalS3([{ name: BUCKET, configs: [corsConfigurationXml(corsRules)] }]);

  const config = presignConfig({ bucketName: BUCKET, allowedOrigins: [allowedOrigin] });
  const sessions = new CallerSessions({
    sts: stubSts(),
    roleArn: config.presignRoleArn,
    urlExpirySeconds: 300,
  });
  presign = createHandler({
    config,
    credentialsFor: (sub) => sessions.credentialsFor(sub),
    storageFor: s3Storage({
      bucket: BUCKET,
      region: config.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
    }),
    log: () => undefined,
  });

  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await s3?.close();
  for (const server of Object.values(pages ?? {})) server.closeAllConnections();
  await Promise.all(Object.values(pages ?? {}).map((server) => new Promise((done) => server.close(done))));
});

async function presignedUpload(fileName: string, bytes: Buffer) {
  const response = parse(
    await presign(
      apiEvent({
        method: 'POST',
        resource: '/uploads',
        sub: ALICE,
        headers: { 'Content-Type': 'application/json', Origin: allowedOrigin },
        body: {
          fileName,
          contentType: 'text/plain',
          size: bytes.length,
          checksumSha256: createHash('sha256').update(bytes).digest('base64'),
        },
      }),
    ),
  );
  expect(response.status).toBe(200);
  expect(response.headers['Access-Control-Allow-Origin']).toBe(allowedOrigin);
  const headers = headersForFetch(response.body.headers);
  expect(Object.keys(headers).sort()).toEqual(['content-type', 'x-amz-checksum-sha256']);
  return { key: response.body.key as string, url: response.body.url as string, headers };
}

async function downloadStatus(key: string): Promise<number> {
  return parse(await presign(apiEvent({ method: 'POST', resource: '/downloads', sub: ALICE, body: { key } })))
    .status;
}

/** Runs `fetch` in a page of `origin`, returning what the page could see. */
async function fetchFrom(
  origin: string,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
) {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  try {
    await page.goto(`${origin}/`);
    const result = await page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init);
          return { status: response.status, etag: response.headers.get('ETag'), text: await response.text() };
        } catch (error) {
          return { error: (error as Error).name };
        }
      },
      { url, init },
    );
    return { ...result, consoleErrors };
  } finally {
    await page.close();
  }
}

describe('CORS in a real browser, with the rules from the synthesized template', () => {
  it('takes the allowed origins from the template', () => {
    expect(corsRules.map((rule) => rule.AllowedOrigins)).toEqual([[allowedOrigin]]);
    expect(corsRules[0].ExposedHeaders).toContain('ETag');
  });

  it('lets a page on an allowed origin upload with a presigned PUT and read the ETag', async () => {
    const text = 'uploaded from a browser ✓';
    const bytes = Buffer.from(text, 'utf8');
    const { key, url, headers } = await presignedUpload('from-browser.txt', bytes);
    const put = await fetchFrom(allowedOrigin, url, { method: 'PUT', headers, body: text });
    expect(put).toMatchObject({ status: 200, etag: `"${createHash('md5').update(bytes).digest('hex')}"` });

    const download = parse(
      await presign(apiEvent({ method: 'POST', resource: '/downloads', sub: ALICE, body: { key } })),
    );
    const get = await fetchFrom(allowedOrigin, download.body.url, { method: 'GET' });
    expect(get).toMatchObject({ status: 200, text });
  });

  it('blocks the same upload from a page on another origin', async () => {
    const text = 'should never arrive';
    const { key, url, headers } = await presignedUpload('blocked.txt', Buffer.from(text));
    const put = await fetchFrom(otherOrigin, url, { method: 'PUT', headers, body: text });
    expect(put.error).toBe('TypeError');
    expect(put.consoleErrors.join('\n')).toContain('blocked by CORS policy');
    expect(await downloadStatus(key)).toBe(404); // the preflight failed, so nothing was sent
  });
});

function servePage(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const found = request.url === '/';
    response.writeHead(found ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(found ? '<!doctype html><meta charset="utf-8"><title>presign test page</title>' : '');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function port(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}
