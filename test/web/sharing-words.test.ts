import {
  checkPickedFiles,
  daysLabel,
  defaultExpiryDays,
  expiryChoices,
  fileNameOf,
  folderProblem,
  formatWhen,
  humanSize,
  linkState,
  problemText,
  requestPageUrl,
  samePerson,
  shareLinkUrl,
  stateText,
  tokenFromFragment,
} from '../../examples/web/src/sharing/words';
import { ownerApi, SharingProblem, visitorApi } from '../../examples/web/src/sharing/sharing-api';

/* The sharing screens' pure logic (examples/web/src/sharing/words.ts) and their API client, with fetch faked. */

const TOKEN = 'Ab3_-defghijklmnopqrstuvwxyzABCDEFGHIJKLMNO';
const NOW = new Date('2026-12-02T10:00:00Z');

describe('how long a link works', () => {
  test('the choices stop at the deployment’s maximum, which is always offered', () => {
    expect(expiryChoices(7).map((c) => c.label)).toEqual(['1 day', '3 days', '1 week']);
    expect(expiryChoices(30).map((c) => c.days)).toEqual([1, 3, 7, 14, 30]);
    expect(expiryChoices(10).map((c) => c.days)).toEqual([1, 3, 7, 10]);
    expect(expiryChoices(1).map((c) => c.label)).toEqual(['1 day']);
    expect(defaultExpiryDays(30)).toBe(7);
    expect(defaultExpiryDays(2)).toBe(2);
  });

  test('days read as people say them', () => {
    expect([1, 3, 7, 14, 21, 30].map(daysLabel)).toEqual([
      '1 day',
      '3 days',
      '1 week',
      '2 weeks',
      '3 weeks',
      '30 days',
    ]);
  });

  test('a link is active until it expires, and stopped once revoked, whatever its date', () => {
    const later = { expiresAt: '2026-12-05T10:00:00Z', revoked: false };
    expect(linkState(later, NOW)).toBe('active');
    expect(linkState({ ...later, expiresAt: '2026-12-02T10:00:00Z' }, NOW)).toBe('expired');
    expect(linkState({ ...later, revoked: true }, NOW)).toBe('stopped');
    expect(stateText(later, NOW, 'UTC')).toBe('Works until 5 Dec 2026, 10:00');
    expect(stateText({ ...later, expiresAt: '2026-12-01T09:05:00Z' }, NOW, 'UTC')).toBe(
      'Expired on 1 Dec 2026, 09:05',
    );
    expect(formatWhen('2026-12-09T14:05:00Z', 'Europe/Berlin')).toBe('9 Dec 2026, 15:05');
  });
});

describe('links', () => {
  test('a share link is the API’s own s/<token>, with or without the base URL’s slash', () => {
    expect(shareLinkUrl('https://api.example/prod/', TOKEN)).toBe(`https://api.example/prod/s/${TOKEN}`);
    expect(shareLinkUrl('https://api.example/prod', TOKEN)).toBe(`https://api.example/prod/s/${TOKEN}`);
  });

  test('a file request’s link carries its token after #, and the visitor page takes only a token’s shape', () => {
    const url = requestPageUrl('https://files.example.com', TOKEN);
    expect(url).toBe(`https://files.example.com/request.html#${TOKEN}`);
    expect(tokenFromFragment(new URL(url).hash)).toBe(TOKEN);
    for (const hash of ['', '#', `#${TOKEN}x`, `#${TOKEN.slice(1)}`, `#${TOKEN.slice(1)}/`, `#../${TOKEN}`])
      expect(tokenFromFragment(hash)).toBeUndefined();
  });

  test('a file’s name is the last part of its key', () => {
    expect(fileNameOf('users/00uA/3f2c/report 2026.pdf')).toBe('report 2026.pdf');
    expect(fileNameOf('report.pdf')).toBe('report.pdf');
  });
});

describe('words for sizes, folders and problems', () => {
  test('sizes in the units file managers show', () => {
    expect([1, 512, 1024, 1536, 10 * 1024 * 1024, 100 * 1024 * 1024, 5 * 1024 ** 3].map(humanSize)).toEqual([
      '1 byte',
      '512 bytes',
      '1 KB',
      '1.5 KB',
      '10 MB',
      '100 MB',
      '5 GB',
    ]);
  });

  test('a file request’s folder: what the API accepts, and otherwise why not', () => {
    expect(folderProblem('From clients')).toBeUndefined();
    expect(folderProblem('Invoices_2026-12.v2')).toBeUndefined();
    expect(folderProblem('')).toMatch(/name/);
    expect(folderProblem(' From clients')).toMatch(/space/);
    expect(folderProblem('a/b')).toMatch(/letters, digits/);
    expect(folderProblem('a..b')).toMatch(/letters, digits/);
    expect(folderProblem('.hidden')).toMatch(/starting with a letter or digit/);
    expect(folderProblem('x'.repeat(64))).toMatch(/63/);
  });

  test('refusals in words, never a status code alone; a visitor learns nothing about why a link fails', () => {
    const visitor = [403, 404].map((s) => problemText(s, true));
    expect(new Set(visitor).size).toBe(1);
    expect(visitor[0]).toMatch(/does not work/);
    expect(problemText(401)).toMatch(/Confirm your sign-in/);
    expect(problemText(413)).toMatch(/larger/);
    expect(problemText(429)).toMatch(/Wait a minute/);
    expect(problemText(0)).toMatch(/connection/);
    expect(problemText(503)).toMatch(/error 503/);
  });
});

describe('files a visitor picks', () => {
  const limits = { maxFileBytes: 1000, contentTypes: ['application/pdf', 'image/png'], remainingFiles: 2 };
  const pdf = (name: string, size = 10) => ({ name, size, type: 'application/pdf' });

  test('too large, the wrong kind or empty: left out, each with its reason', () => {
    const { accepted, problems } = checkPickedFiles(
      [
        pdf('a.pdf'),
        pdf('big.pdf', 2048),
        { name: 'notes.txt', size: 5, type: 'text/plain' },
        pdf('empty.pdf', 0),
      ],
      limits,
    );
    expect(accepted.map((f) => f.name)).toEqual(['a.pdf']);
    expect(problems).toEqual([
      'big.pdf is 2 KB; files can be at most 1000 bytes.',
      'notes.txt is not a kind of file this request takes (PDF, PNG).',
      'empty.pdf is empty.',
    ]);
  });

  test('no more files than the request still takes', () => {
    const { accepted, problems } = checkPickedFiles([pdf('1.pdf'), pdf('2.pdf'), pdf('3.pdf')], limits);
    expect(accepted.map((f) => f.name)).toEqual(['1.pdf', '2.pdf']);
    expect(problems).toEqual(['This request takes 2 more files: 3.pdf was left out.']);
    expect(checkPickedFiles([pdf('1.pdf')], { ...limits, remainingFiles: 0 })).toEqual({
      accepted: [],
      problems: ['This request takes no more files.'],
    });
  });

  test('any kind of file when the request names none; a type the browser cannot tell is plain bytes', () => {
    const any = { ...limits, contentTypes: [] };
    expect(checkPickedFiles([{ name: 'x.bin', size: 3, type: '' }], any).accepted).toHaveLength(1);
    expect(checkPickedFiles([{ name: 'x.bin', size: 3, type: '' }], limits).accepted).toHaveLength(0);
  });
});

describe('the sharing sign-in belongs to the same person', () => {
  test('the user pool’s identities claim must name the Okta user', () => {
    const identities = [{ providerName: 'Okta', userId: '00uAlice' }];
    expect(samePerson('00uAlice', { identities })).toBe(true);
    expect(samePerson('00uAlice', { identities: JSON.stringify(identities) })).toBe(true);
    expect(samePerson('00uBob', { identities })).toBe(false);
    expect(samePerson('00uAlice', {})).toBe(false);
    expect(samePerson('00uAlice', { identities: '{not json' })).toBe(false);
    expect(samePerson('00uAlice', { sub: '00uAlice' })).toBe(false);
  });
});

describe('the sharing API client', () => {
  function fakeFetch(status: number, body: unknown) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchImpl = (async (url: URL, init: RequestInit) => {
      calls.push({ url: String(url), init });
      return new Response(JSON.stringify(body), { status });
    }) as unknown as typeof fetch;
    return { calls, fetchImpl };
  }

  test('owner calls carry the pool’s ID token and JSON bodies to the API’s paths', async () => {
    const { calls, fetchImpl } = fakeFetch(200, { id: 'x', token: TOKEN });
    const api = ownerApi('https://api.example/prod/', 'id-token', fetchImpl);
    await api.createLink('users/00uA/f/report.pdf', 3, 'latest');
    await api.revokeRequest('ab'.repeat(32));
    expect(calls.map((c) => [c.init.method, c.url])).toEqual([
      ['POST', 'https://api.example/prod/share-links'],
      ['POST', 'https://api.example/prod/file-requests/revoke'],
    ]);
    expect(calls[0].init.headers).toEqual({
      Authorization: 'Bearer id-token',
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({
      key: 'users/00uA/f/report.pdf',
      expiresInDays: 3,
      version: 'latest',
    });
  });

  test('a visitor’s calls carry no credentials but the token in the path; a refusal is one message', async () => {
    const { calls, fetchImpl } = fakeFetch(404, { error: 'NotFound' });
    const api = visitorApi('https://api.example/prod', TOKEN, fetchImpl);
    const refused = await api.limits().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SharingProblem);
    expect((refused as SharingProblem).message).toBe(problemText(404, true));
    expect(calls[0].url).toBe(`https://api.example/prod/r/${TOKEN}`);
    expect(calls[0].init.headers).toBeUndefined();
    const failing = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(visitorApi('https://api.example/', TOKEN, failing).limits()).rejects.toMatchObject({
      status: 0,
    });
  });
});
