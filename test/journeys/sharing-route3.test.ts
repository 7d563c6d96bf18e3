import { randomBytes } from 'crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
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
const { route1, route3 } = journeyRoutes(() => ({ stack, okta, webIdentityRoleArn: '' }));

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
    // The link is pinned (the default): alice's own session finds the file (a HEAD), then a session
    // of the pinned-link role finds the version (a HEAD) and the visitor GETs it; each is IAM's decision.
    expect(stack.s3.decisions.slice(before).map((d) => `${d.action} ${d.decision}`)).toEqual([
      's3:GetObject Allowed',
      's3:GetObjectVersion Allowed',
      's3:GetObjectVersion Allowed',
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

  test('a pinned link keeps serving the bytes alice shared after she overwrites the file; a latest link serves the new ones', async () => {
    const alice = await route3(ALICE);
    const first = randomBytes(32 * 1024);
    const second = randomBytes(32 * 1024);
    const key = await alice.upload('plan.bin', first);
    const firstVersion = stack.s3.versions.current(key)!.versionId;
    const pinned = await alice.call('POST', '/share-links', { key, expiresInDays: 1 });
    const latest = await alice.call('POST', '/share-links', { key, expiresInDays: 1, version: 'latest' });
    expect([pinned.body.version, latest.body.version]).toEqual(['pinned', 'latest']);

    // Alice overwrites the same key on route 1 (the identity pool), as the web client does.
    const s3 = await route1(ALICE);
    await s3.send(new PutObjectCommand({ Bucket: stack.model.bucketName, Key: key, Body: second }));
    expect(stack.s3.versions.current(key)!.versionId).not.toBe(firstVersion);

    const download = async (token: string) => {
      const visited = await visit(`/s/${token}`);
      expect(visited.status).toBe(302);
      const location = visited.headers.get('location')!;
      const got = await fetch(location);
      expect(got.status).toBe(200);
      return { location, bytes: Buffer.from(await got.arrayBuffer()) };
    };
    const before = stack.s3.decisions.length;
    const old = await download(pinned.body.token);
    expect(old.bytes.equals(first)).toBe(true);
    expect(new URL(old.location).searchParams.get('versionId')).toBe(firstVersion);
    // The version was read by a session of the pinned-link role (its session policy names it), not alice's.
    const versionReads = stack.s3.decisions.slice(before).filter((d) => d.action === 's3:GetObjectVersion');
    expect(versionReads.map((d) => d.decision)).toEqual(['Allowed', 'Allowed']); // the HEAD, then the GET
    for (const read of versionReads) expect(read.sessionArn).toMatch(/PinnedLinks.*\/link-/);
    // Changing the version in the URL breaks its signature.
    const other = new URL(old.location);
    other.searchParams.set('versionId', stack.s3.versions.current(key)!.versionId);
    expect((await fetch(other)).status).toBe(403);

    expect((await download(latest.body.token)).bytes.equals(second)).toBe(true);

    // Once the shared version is gone (an administrator, or the noncurrent-version rule), the
    // pinned link is refused with the one uniform answer.
    expect(stack.s3.versions.remove(key, firstVersion)).toBe(true);
    const refused = await visit(`/s/${pinned.body.token}`);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      error: 'NotFound',
      message: 'This link does not exist or has expired',
    });
    expect(stack.api.logs.at(-1)).toMatchObject({
      outcome: 'refused',
      reason: 'version-gone',
      creator: ALICE,
    });
  });
});
