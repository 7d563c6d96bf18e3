import * as fs from 'fs';

/** Raised for a token file that cannot be used; the message is shown as it is. */
export class TokenFileError extends Error {}

/** Reads a JWT from a file (surrounding whitespace ignored) and decodes its payload, unverified: AWS verifies it. */
export function readToken(file: string, flag: string): { token: string; claims: Record<string, unknown> } {
  let token: string;
  try {
    token = fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new TokenFileError(`${flag}: cannot read ${file}`);
  }
  const parts = token.split('.');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    claims = undefined;
  }
  if (parts.length !== 3 || typeof claims !== 'object' || claims === null) {
    throw new TokenFileError(
      `${flag}: ${file} does not hold a JWT (three base64url parts separated by dots)`,
    );
  }
  return { token, claims: claims as Record<string, unknown> };
}

/** The Okta user id Cognito recorded for a federated user-pool user: `identities[].userId`. */
export function federatedUserId(claims: Record<string, unknown>, providerName: string): string | undefined {
  let identities = claims.identities;
  if (typeof identities === 'string') {
    try {
      identities = JSON.parse(identities);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(identities)) return undefined;
  const entry = identities.find((i) => i && typeof i === 'object' && i.providerName === providerName);
  return typeof entry?.userId === 'string' ? entry.userId : undefined;
}
