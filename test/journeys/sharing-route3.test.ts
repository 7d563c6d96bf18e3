import { randomBytes } from 'crypto';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import type { OidcIssuer } from '../../emulator/services/oidc-issuer';
import type { LocalStack } from '../../emulator/local-stack';
import { testConfig } from '../support/config';
import { templateJson } from '../support/template-cache';
import { aroundLocalStack } from '../local/around-local-stack';
import { journeyRoutes } from './route-clients';

/*
 * Sharing through the local stack: the prod environment with `presign.sharing` on, its sharing
 * table on a DynamoDB-compatible server (dynalite), and every S3 request IAM-checked against the
 * synthesized policies. Visitors hold no token of the pool: they have only the link.
 */

const config = testConfig();
(config.environments.prod.presign as Record<string, unknown>).sharing = { fileRequestMaxFiles: 2 };
const template = resolveTemplate(templateJson(config, { env: 'prod' }), {
  account: '210987654321',
  region: 'us-east-1',
});
const ALICE = '00uAlice0000000000a1';
const REPORT = randomBytes(64 * 1024);

let okta: OidcIssuer;
let stack: LocalStack;
aroundLocalStack(template, (running) => ({ okta, stack } = running));
const { route3 } = journeyRoutes(() => ({ stack, okta, webIdentityRoleArn: '' }));

/** A visitor: a plain HTTP client with no credentials, following nothing on its own. */
const visit = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.api.url}${path}`, { redirect: 'manual', ...init });

describe('sharing on route 3 (prod environment, SSE-KMS)', () => {
  test('alice shares a file, an outsider downloads it through the redirect; alice revokes it and the next visit is refused', async () => {
    const alice = await route3(ALICE);
    const key = await alice.upload('q3-report.pdf', REPORT);
    const created = await alice.call('POST', '/share-links', { key, expiresInDays: 3 });
    expect(created.status).toBe(200);
    const { token, id } = created.body;

    const before = stack.s3.decisions.length;
    const first = await visit(`/s/${token}`);
    expect(first.status).toBe(302);
    const location = first.headers.get('location')!;
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('120');
    const got = await fetch(location);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(REPORT)).toBe(true);
    // The HEAD and the GET were IAM's decisions on alice's own session.
    expect(stack.s3.decisions.slice(before).map((d) => `${d.action} ${d.decision}`)).toEqual([
      's3:GetObject Allowed',
      's3:GetObject Allowed',
    ]);

    expect((await alice.call('POST', '/share-links/revoke', { id })).status).toBe(200);
    const refused = await visit(`/s/${token}`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      error: 'NotFound',
      message: 'This link does not exist or has expired',
    });
    const listed = await alice.call('GET', '/share-links');
    expect(listed.body.links).toEqual([expect.objectContaining({ id, key, revoked: true })]);
    expect(
      stack.api.logs.filter((l) => l.route === 'GET /s/{token}').map((l) => [l.outcome, l.creator]),
    ).toEqual([
      ['served', ALICE],
      ['refused', ALICE],
    ]);
  });

  test('a file-request visitor uploads, alice sees the file arrive; the visitor can neither read it nor exceed the count', async () => {
    const alice = await route3(ALICE);
    const created = await alice.call('POST', '/file-requests', { folder: 'Invoices', expiresInDays: 1 });
    expect(created.status).toBe(200);
    const { token } = created.body;

    const page = await visit(`/r/${token}`);
    expect(await page.json()).toMatchObject({ folder: 'Invoices', remainingFiles: 2 });
    const body = Buffer.from('invoice 2026-117');
    const signed = await visit(`/r/${token}/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fileName: 'invoice.txt', contentType: 'text/plain', size: body.length }),
    });
    expect(signed.status).toBe(200);
    const upload = await signed.json();
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': upload.headers['content-type'] },
      body: new Uint8Array(body),
    });
    expect(put.status).toBe(200);

    const keys = await alice.listKeys();
    const arrived = keys.find((k) => k.startsWith(`users/${ALICE}/Invoices/`) && k.endsWith('/invoice.txt'));
    expect(arrived).toBeDefined();
    expect((await alice.download(arrived!)).bytes?.toString()).toBe('invoice 2026-117');

    // The request's token is no share link: reading through it is the uniform refusal.
    expect((await visit(`/s/${token}`)).status).toBe(404);
    // The presigned URL is a PUT: a GET with the same signature is refused by S3's signature check.
    expect((await fetch(upload.url)).status).toBe(403);
    const again = () =>
      visit(`/r/${token}/uploads`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fileName: 'more.txt', contentType: 'text/plain', size: 3 }),
      });
    expect((await again()).status).toBe(200);
    expect((await again()).status).toBe(404); // the count of two is spent
  });
});
