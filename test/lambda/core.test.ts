import {
  encodePageToken,
  fileList,
  parseDownloadRequest,
  parsePageToken,
  parseUploadRequest,
} from '../../lambda/presign/core';
import { corsHeaders, errorResponse, HttpError } from '../../lambda/presign/http';
import { buildObjectKey, isOwnKey, MAX_KEY_BYTES, sanitizeFileName } from '../../lambda/presign/keys';
import { ALICE, apiEvent, BOB, statusOf } from './support/fakes';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const MAX_UPLOAD = 1000;
const SHA256_OF_EMPTY = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';

const upload = (body: unknown, headers?: Record<string, string>) =>
  apiEvent({ method: 'POST', resource: '/uploads', sub: ALICE, body, headers });
const validUpload = { fileName: 'report.pdf', contentType: 'application/pdf', size: 10 };

describe('file names and keys', () => {
  it.each([
    ['../../etc/passwd', '....etcpasswd'],
    ['a/b\\c', 'abc'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'], // right-to-left override would show "invoiceexe.pdf"
    ['e\u0301te\u0301.txt', '\u00e9t\u00e9.txt'], // NFC: e + combining acute → é
    ['zero\u200Bwidth\uFEFF.md', 'zerowidth.md'],
    ['tab\there\r\nnull\u0000.bin', 'tabherenull.bin'],
    ['line\u2028sep.txt', 'linesep.txt'],
    ['lone\uD800surrogate', 'lonesurrogate'],
    ['  padded name.txt  ', 'padded name.txt'],
    ['日本語のファイル.png', '日本語のファイル.png'],
  ])('sanitizes %j to %j', (raw, expected) => {
    expect(sanitizeFileName(raw, 1000)).toBe(expected);
  });

  it.each(['.', '..', '', '/', '\\/\\', '\u202E\u200B', '   ', '/./', '\u0000..'])(
    'leaves nothing usable of %j',
    (raw) => {
      expect(sanitizeFileName(raw, 1000)).toBeUndefined();
      expect(buildObjectKey(ALICE, ID, raw)).toBeUndefined();
    },
  );

  it('builds users/<sub>/<id>/<name>', () => {
    expect(buildObjectKey(ALICE, ID, '../x/y.txt')).toBe(`users/${ALICE}/${ID}/..xy.txt`);
  });

  it('cuts a 2,000-byte name of two-byte characters to fit 1,024 bytes and keeps the extension', () => {
    const key = buildObjectKey(ALICE, ID, 'é'.repeat(998) + '.txt')!;
    expect(Buffer.byteLength('é'.repeat(998) + '.txt')).toBe(2000);
    const prefixBytes = Buffer.byteLength(`users/${ALICE}/${ID}/`);
    expect(Buffer.byteLength(key)).toBe(1024);
    expect(key).toBe(`users/${ALICE}/${ID}/${'é'.repeat((1024 - prefixBytes - 4) / 2)}.txt`);
  });

  it('cuts four-byte characters only at code-point boundaries', () => {
    const key = buildObjectKey(ALICE, ID, '😀'.repeat(500) + '.jpeg')!;
    const bytes = Buffer.byteLength(key);
    expect(bytes).toBeLessThanOrEqual(MAX_KEY_BYTES);
    expect(bytes).toBeGreaterThan(MAX_KEY_BYTES - 4);
    expect(Buffer.from(key, 'utf8').toString('utf8')).toBe(key); // no split surrogate pair
    expect(key.slice(key.lastIndexOf('/') + 1)).toMatch(/^(😀)+\.jpeg$/u);
  });

  it('cuts a long name without an extension at exactly 1,024 bytes', () => {
    expect(Buffer.byteLength(buildObjectKey(ALICE, ID, 'x'.repeat(2000))!)).toBe(1024);
  });

  it.each([
    [`users/${ALICE}/${ID}/a.txt`, true],
    [`users/${ALICE}/photos/2024/a.jpg`, true],
    [`users/${BOB}/${ID}/a.txt`, false],
    [`users/${ALICE}x/${ID}/a.txt`, false],
    [`users/${ALICE}/../${BOB}/a.txt`, false],
    [`users/${ALICE}/./a.txt`, false],
    [`users/${ALICE}//a.txt`, false],
    [`users/${ALICE}/`, false],
    [`users/${ALICE}/a\u0000.txt`, false],
    [`users/${ALICE}/${'x'.repeat(1024)}`, false],
    [`/users/${ALICE}/a.txt`, false],
    [42, false],
  ])('isOwnKey(%j) is %s', (key, expected) => {
    expect(isOwnKey(ALICE, key)).toBe(expected);
  });
});

describe('upload requests', () => {
  it('accepts a valid body and defaults to PUT', () => {
    expect(parseUploadRequest(upload(validUpload), MAX_UPLOAD)).toEqual({ ...validUpload, method: 'PUT' });
  });

  it('accepts POST, a checksum, charset parameters and a base64-encoded body', () => {
    const body = {
      ...validUpload,
      contentType: 'text/plain; charset="utf-8"',
      checksumSha256: SHA256_OF_EMPTY,
      method: 'POST',
    };
    const event = { ...upload(null), body: Buffer.from(JSON.stringify(body)).toString('base64') };
    expect(parseUploadRequest({ ...event, isBase64Encoded: true }, MAX_UPLOAD)).toEqual(body);
  });

  it.each([
    ['invalid JSON', { rawBody: '{"fileName":' }, 400],
    ['an array', { body: [validUpload] }, 400],
    ['null', { body: null, rawBody: 'null' }, 400],
    ['a number', { body: 5 }, 400],
    ['no body', { rawBody: null }, 400],
    ['an unknown field', { body: { ...validUpload, key: 'users/00uB/x' } }, 400],
    ['a __proto__ field', { rawBody: `{"__proto__":{},"fileName":"a","contentType":"a/b","size":1}` }, 400],
    ['a missing fileName', { body: { contentType: 'a/b', size: 1 } }, 400],
    ['an empty fileName', { body: { ...validUpload, fileName: '' } }, 400],
    ['a 1,025-character fileName', { body: { ...validUpload, fileName: 'x'.repeat(1025) } }, 400],
    ['a numeric fileName', { body: { ...validUpload, fileName: 7 } }, 400],
    ['a contentType without subtype', { body: { ...validUpload, contentType: 'image' } }, 400],
    [
      'a header injection in contentType',
      { body: { ...validUpload, contentType: 'a/b\r\nx-amz-acl: public' } },
      400,
    ],
    ['a 256-character contentType', { body: { ...validUpload, contentType: `a/${'b'.repeat(254)}` } }, 400],
    ['a size of 0', { body: { ...validUpload, size: 0 } }, 400],
    ['a negative size', { body: { ...validUpload, size: -1 } }, 400],
    ['a fractional size', { body: { ...validUpload, size: 1.5 } }, 400],
    ['a size as a string', { body: { ...validUpload, size: '10' } }, 400],
    ['an unsafe integer size', { body: { ...validUpload, size: 2 ** 53 } }, 400],
    ['a size over the cap', { body: { ...validUpload, size: MAX_UPLOAD + 1 } }, 413],
    [
      'a 31-byte checksum',
      { body: { ...validUpload, checksumSha256: Buffer.alloc(31).toString('base64') } },
      400,
    ],
    ['a hex checksum', { body: { ...validUpload, checksumSha256: 'ab'.repeat(32) } }, 400],
    [
      'a non-canonical base64 checksum',
      { body: { ...validUpload, checksumSha256: SHA256_OF_EMPTY.replace('U=', 'V=') } },
      400,
    ],
    ['method GET', { body: { ...validUpload, method: 'GET' } }, 400],
    ['a 20 kB body', { body: { ...validUpload, fileName: 'x'.repeat(20_000) } }, 413],
  ])('refuses %s', (_name, options, status) => {
    const event = apiEvent({ method: 'POST', resource: '/uploads', sub: ALICE, ...options });
    expect(statusOf(() => parseUploadRequest(event, MAX_UPLOAD))).toBe(status);
  });

  it('accepts a size equal to the cap', () => {
    expect(parseUploadRequest(upload({ ...validUpload, size: MAX_UPLOAD }), MAX_UPLOAD).size).toBe(
      MAX_UPLOAD,
    );
  });

  it.each([
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/jsonp', 415],
    ['application/json; charset=utf-8', 'ok'],
    ['Application/JSON', 'ok'],
  ])('with Content-Type %s gives %s', (contentType, expected) => {
    expect(
      statusOf(() => parseUploadRequest(upload(validUpload, { 'content-type': contentType }), MAX_UPLOAD)),
    ).toBe(expected);
  });

  it('accepts a request with no Content-Type header', () => {
    expect(statusOf(() => parseUploadRequest(upload(validUpload, {}), MAX_UPLOAD))).toBe('ok');
  });
});

describe('download requests', () => {
  it('takes exactly one string key', () => {
    const event = (body: unknown) => apiEvent({ method: 'POST', resource: '/downloads', sub: ALICE, body });
    expect(parseDownloadRequest(event({ key: 'users/x/y' }))).toEqual({ key: 'users/x/y' });
    expect(statusOf(() => parseDownloadRequest(event({ key: 1 })))).toBe(400);
    expect(statusOf(() => parseDownloadRequest(event({ key: 'a', prefix: 'users/' })))).toBe(400);
  });
});

describe('page tokens', () => {
  const withToken = (nextToken: string) =>
    apiEvent({ method: 'GET', resource: '/files', sub: ALICE, query: { nextToken } });

  it('round-trip S3 continuation tokens as URL-safe base64', () => {
    const s3Token = '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=';
    const token = encodePageToken(s3Token);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parsePageToken(withToken(token))).toBe(s3Token);
    expect(parsePageToken(apiEvent({ method: 'GET', resource: '/files', sub: ALICE }))).toBeUndefined();
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['empty', ''],
    ['non-canonical', 'QR'],
    ['decoding to control characters', Buffer.from('a\nb').toString('base64url')],
    ['too long', 'A'.repeat(4000)],
  ])('refuses a token that is %s', (_name, token) => {
    expect(statusOf(() => parsePageToken(withToken(token)))).toBe(400);
  });
});

describe('responses', () => {
  it('echo only allowed origins, and always vary on Origin', () => {
    const allowed = ['https://files.test.example'];
    expect(corsHeaders('https://files.test.example', allowed)).toEqual({
      Vary: 'Origin',
      'Access-Control-Allow-Origin': 'https://files.test.example',
    });
    expect(corsHeaders('https://evil.example', allowed)).toEqual({ Vary: 'Origin' });
    expect(corsHeaders(undefined, allowed)).toEqual({ Vary: 'Origin' });
    expect(corsHeaders('https://any.example', ['*'])['Access-Control-Allow-Origin']).toBe(
      'https://any.example',
    );
  });

  it('shape client errors as {error, message} with their status', () => {
    const response = errorResponse(new HttpError(413, 'PayloadTooLarge', 'too big'), { Vary: 'Origin' });
    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ error: 'PayloadTooLarge', message: 'too big' });
    expect(response.headers).toMatchObject({ 'Cache-Control': 'no-store', Vary: 'Origin' });
  });

  it('hide the details of unexpected failures behind a generic 500', () => {
    const response = errorResponse(new Error('AccessDenied for arn:aws:sts::123456789012:assumed-role/x'));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({
      error: 'InternalError',
      message: 'The request could not be completed',
    });
  });

  it('list only the caller’s files, with names, unquoted ETags and an encoded next token', () => {
    const when = new Date('2026-01-02T03:04:05.000Z');
    const result = fileList(
      ALICE,
      [
        { Key: `users/${ALICE}/${ID}/a b.txt`, Size: 3, LastModified: when, ETag: '"abc"' },
        { Key: `users/${BOB}/${ID}/leak.txt`, Size: 1, LastModified: when, ETag: '"x"' },
      ],
      's3/token=',
    );
    expect(result).toEqual({
      files: [
        {
          key: `users/${ALICE}/${ID}/a b.txt`,
          name: 'a b.txt',
          size: 3,
          lastModified: '2026-01-02T03:04:05.000Z',
          etag: 'abc',
        },
      ],
      nextToken: encodePageToken('s3/token='),
    });
    expect(fileList(ALICE, [], undefined).nextToken).toBeNull();
  });
});

describe('keys under a users prefix other than users/', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const keys = require('../../lambda/presign/keys') as typeof import('../../lambda/presign/keys');
  test('are built and owned under that prefix only', () => {
    const key = keys.buildObjectKey('00uALICE', 'id1', 'a.txt', 'tenants/acme/');
    expect(key).toBe('tenants/acme/00uALICE/id1/a.txt');
    expect(keys.isOwnKey('00uALICE', key, 'tenants/acme/')).toBe(true);
    expect(keys.isOwnKey('00uALICE', 'users/00uALICE/id1/a.txt', 'tenants/acme/')).toBe(false);
    expect(keys.isOwnKey('00uALICE', key)).toBe(false);
  });
});
