/**
 * One-time authorization codes of the code flow with PKCE (RFC 7636), as the Okta and hosted-UI
 * stand-ins hand them out: a code is bound to its client and redirect URI, lives a minute, works
 * once, and is redeemed only with the verifier whose S256 hash is the challenge.
 */
import { createHash, randomBytes } from 'crypto';

export interface CodeGrant<T> {
  readonly clientId: string;
  readonly redirectUri: string;
  /** `code_challenge` (S256), or undefined for a confidential client that sent none. */
  readonly codeChallenge?: string;
  readonly value: T;
}

export class AuthorizationCodes<T> {
  private readonly codes = new Map<string, CodeGrant<T> & { expires: number }>();

  issue(grant: CodeGrant<T>): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { ...grant, expires: Date.now() + 60_000 });
    return code;
  }

  /** The grant of a code, or a reason it is refused (`invalid_grant`, RFC 6749 section 5.2). */
  redeem(params: URLSearchParams): { grant: CodeGrant<T> } | { error: string } {
    const code = params.get('code') ?? '';
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expires < Date.now()) return { error: 'the code is unknown, used or expired' };
    if (params.get('client_id') !== grant.clientId) return { error: 'the code was issued to another client' };
    if (params.get('redirect_uri') !== grant.redirectUri)
      return { error: 'redirect_uri differs from the authorize request' };
    if (grant.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier') ?? '';
      const hashed = createHash('sha256').update(verifier).digest('base64url');
      if (hashed !== grant.codeChallenge) return { error: 'code_verifier does not match the code_challenge' };
    }
    return { grant };
  }
}

/** A JSON reply of a token endpoint. */
export function jsonReply(status: number, body: unknown) {
  return {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

export function redirect(location: string) {
  return { status: 302, headers: { location } };
}

/** The HTML-escaped text. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
