import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { VerifiedClaims } from './oidc-issuer';

/** A server on 127.0.0.1 only, on the given port or a free one. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export type RequestHandler = (request: http.IncomingMessage, body: Buffer) => Promise<Reply>;

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/**
 * Starts a server that reads each request's body whole, then answers with `handle`'s reply. A
 * handler that throws answers 500, so a bug in a local endpoint shows up as a failed request.
 * With `tls` (a PEM key and certificate) it speaks HTTPS, and `url` says `https://`.
 */
export async function startLoopbackServer(
  handle: RequestHandler,
  port = 0,
  tls?: { readonly key: string; readonly cert: string },
): Promise<LoopbackServer> {
  const listener: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, Buffer.concat(chunks))
        .catch((error: unknown) => ({
          status: 500,
          headers: { 'content-type': 'text/plain' },
          body: `local endpoint fault: ${error instanceof Error ? error.stack : String(error)}`,
        }))
        .then((reply) => {
          response.writeHead(reply.status, reply.headers);
          response.end(reply.body);
        });
    });
  };
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, listener)
    : http.createServer(listener);
  // A port in use rejects here (EADDRINUSE, with `port`), rather than crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * How the local endpoints check an Okta ID token: the issuer standing in for Okta verifies the
 * signature, its own `iss`, the audience (when given) and the expiry. `providerName` is the
 * CONFIGURED issuer's host and path, which the template's OIDC provider and policies name.
 */
export interface TokenIssuer {
  /** The `iss` of the issuer's tokens (the local issuer's URL). */
  readonly iss: string;
  readonly providerName: string;
  /** Without `audiences` the caller checks the client id itself (an identity pool reads `azp` first). */
  verify(token: string, audiences?: readonly string[]): Promise<VerifiedClaims>;
}

/** The unverified `iss` of a JWT, only to pick the issuer that then verifies it. */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const iss = (payload as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The escaped text of an XML element's content. */
export function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
