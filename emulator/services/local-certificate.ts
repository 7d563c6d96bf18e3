/**
 * The certificate of the local HTTPS S3 endpoint, `s3.localhost` and `*.s3.localhost` (browsers
 * resolve every `*.localhost` name to loopback, RFC 6761 §6.3): made on this machine the first time
 * it is needed and kept in the data directory (`.local/tls/`, git-ignored), so a person trusts it
 * once rather than at every start. Nothing of it is committed; it is valid for 90 days and then
 * made anew.
 */
import { createHash, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const S3_HOST = 's3.localhost';
const VALID_DAYS = 90;
/** A certificate with less than this left is made anew. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

export interface LocalCertificate {
  readonly key: string;
  readonly cert: string;
  readonly certFile: string;
  /**
   * The SHA-256 of its public key, base64: what Chromium's `--ignore-certificate-errors-spki-list`
   * takes to trust this certificate and no other.
   */
  readonly spkiSha256: string;
}

export async function localCertificate(dataDir: string): Promise<LocalCertificate> {
  const dir = path.join(dataDir, 'tls');
  const certFile = path.join(dir, `${S3_HOST}.crt`);
  const keyFile = path.join(dir, `${S3_HOST}.key`);
  if (!(fs.existsSync(certFile) && fs.existsSync(keyFile) && stillValid(fs.readFileSync(certFile, 'utf8')))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const selfsigned: typeof import('selfsigned') = require('selfsigned');
    const notBeforeDate = new Date();
    const pems = await selfsigned.generate([{ name: 'commonName', value: S3_HOST }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 24 * 60 * 60 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: S3_HOST },
            { type: 2, value: `*.${S3_HOST}` },
          ],
        },
      ],
    });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
    fs.writeFileSync(certFile, pems.cert);
  }
  const cert = fs.readFileSync(certFile, 'utf8');
  const spki = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return {
    key: fs.readFileSync(keyFile, 'utf8'),
    cert,
    certFile,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
  };
}

function stillValid(pem: string): boolean {
  try {
    return new Date(new X509Certificate(pem).validTo).getTime() - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}
