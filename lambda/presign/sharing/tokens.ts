import { createHash, randomBytes } from 'crypto';

/**
 * A link's secret: 32 random bytes (256 bits, twice the 128 the design asks for) from the
 * operating system's CSPRNG, base64url so it survives a URL path unencoded.
 */
export const TOKEN_BYTES = 32;
/** base64url of 32 bytes, unpadded: 43 characters, the last one of the 16 that end 256 bits. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export function newToken(random: (bytes: number) => Buffer = randomBytes): string {
  return random(TOKEN_BYTES).toString('base64url');
}

/** Whether a path segment could be a token at all; anything else is refused without a lookup. */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_SHAPE.test(value);
}

/**
 * The only form in which a token is stored or looked up: its SHA-256, hex. The store is keyed by
 * it, so a visit never compares secrets in this code (nothing to time), and a leaked table gives
 * no usable link: the token has 256 bits, so the hash cannot be searched back to it.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
