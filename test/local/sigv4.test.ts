import { createHash } from 'crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { checkSignature, type SignedRequest } from '../../emulator/services/sigv4';

/*
 * The HTTPS front's own SigV4 check (emulator/services/sigv4.ts), against requests signed by the
 * AWS SDK's signer (@smithy/signature-v4, as S3 clients sign): a correctly signed request passes in
 * both forms, and each thing S3 would refuse is refused, with S3's error code.
 */

const KEY = { accessKeyId: 'ASIALOCALTEST0000001', secretAccessKey: 'the-secret-of-alice' };
const REGION = 'eu-central-1';
const HOST = 'okta-s3-files.s3.localhost:4407';
const PATH = '/users/00uALICE000000000001/notes%20and%20more.txt';
const SIGNED_AT = new Date(Date.UTC(2026, 0, 15, 10, 30, 0));
const BODY = Buffer.from('meeting notes\n');

const signer = new SignatureV4({
  credentials: KEY,
  region: REGION,
  service: 's3',
  sha256: Sha256,
  // S3 signs the path as sent, without encoding it again.
  uriEscapePath: false,
  applyChecksum: true,
});
const secretFor = (id: string) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined);
const minutes = (n: number) => new Date(SIGNED_AT.getTime() + n * 60_000);

/** `payloadHash`: a presigned URL's is UNSIGNED-PAYLOAD, as @aws-sdk/s3-request-presigner signs it. */
const request = (path = PATH, query: Record<string, string> = {}, payloadHash?: string) => ({
  method: 'PUT',
  protocol: 'https:',
  hostname: HOST.split(':')[0],
  port: 4407,
  path,
  query,
  headers: {
    host: HOST,
    'x-amz-content-sha256': payloadHash ?? createHash('sha256').update(BODY).digest('hex'),
  },
  body: BODY,
});

/** The request as the front receives it: lower-case headers, path and query as sent. */
function asReceived(signed: {
  path: string;
  query?: Record<string, unknown>;
  headers: Record<string, string>;
}) {
  const query = Object.entries(signed.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return {
    method: 'PUT',
    rawUrl: `${signed.path}${query ? `?${query}` : ''}`,
    headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: BODY,
  } satisfies SignedRequest;
}

let headerSigned: SignedRequest;
let presigned: SignedRequest;

beforeAll(async () => {
  headerSigned = asReceived((await signer.sign(request(), { signingDate: SIGNED_AT })) as any);
  presigned = asReceived(
    (await signer.presign(request(PATH, { 'x-id': 'PutObject' }, 'UNSIGNED-PAYLOAD'), {
      signingDate: SIGNED_AT,
      expiresIn: 300,
    })) as any,
  );
});

const code = (r: SignedRequest, now = minutes(1), secrets = secretFor) =>
  checkSignature(r, secrets, now)?.code;
const withSignature = (r: SignedRequest, change: (s: string) => string): SignedRequest =>
  r.headers.authorization
    ? {
        ...r,
        headers: {
          ...r.headers,
          authorization: r.headers.authorization.replace(
            /Signature=(\w+)/,
            (_, s) => `Signature=${change(s)}`,
          ),
        },
      }
    : { ...r, rawUrl: r.rawUrl.replace(/X-Amz-Signature=(\w+)/, (_, s) => `X-Amz-Signature=${change(s)}`) };
const flipLast = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');

describe.each([
  ['a header-signed request', () => headerSigned],
  ['a presigned URL', () => presigned],
])('%s', (_, of) => {
  test('signed by the AWS SDK’s signer, passes', () => {
    expect(of().headers.authorization ?? of().rawUrl).toMatch(/Signature/);
    expect(checkSignature(of(), secretFor, minutes(1))).toBeUndefined();
  });

  test('with one character of its signature changed, is refused', () => {
    expect(code(withSignature(of(), flipLast))).toBe('SignatureDoesNotMatch');
  });

  test('checked with another secret for its access key, is refused', () => {
    expect(code(of(), minutes(1), () => 'another-secret')).toBe('SignatureDoesNotMatch');
  });

  test('with an unknown access key, is refused', () => {
    expect(code(of(), minutes(1), () => undefined)).toBe('SignatureDoesNotMatch');
  });

  test('sent to another host (another bucket), is refused', () => {
    const r = of();
    expect(code({ ...r, headers: { ...r.headers, host: 'other-bucket.s3.localhost:4407' } })).toBe(
      'SignatureDoesNotMatch',
    );
  });

  test('for another path (another user’s key), is refused', () => {
    const r = of();
    expect(code({ ...r, rawUrl: r.rawUrl.replace('00uALICE000000000001', '00uBOB00000000000002') })).toBe(
      'SignatureDoesNotMatch',
    );
  });
});

test('a header-signed request 16 minutes from the clock is refused as skewed, 14 minutes is not', () => {
  expect(code(headerSigned, minutes(16))).toBe('RequestTimeTooSkewed');
  expect(code(headerSigned, minutes(-16))).toBe('RequestTimeTooSkewed');
  expect(code(headerSigned, minutes(14))).toBeUndefined();
});

test('a presigned URL is refused once its X-Amz-Expires (300 s) has passed', () => {
  expect(code(presigned, minutes(4.9))).toBeUndefined();
  expect(checkSignature(presigned, secretFor, minutes(5.1))).toEqual({
    code: 'AccessDenied',
    message: 'Request has expired',
  });
});

test('a body other than the one whose hash was signed is refused', () => {
  expect(code({ ...headerSigned, body: Buffer.from('other notes\n') })).toBe('XAmzContentSHA256Mismatch');
});
