import { DEFAULT_USERS_PREFIX } from '../../lib/validation/rules';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Okta user ids look like `00u1a2b3c4D5e6F7g8h9`; anything else cannot name a prefix. */
const OKTA_SUB = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Characters dropped from file names: controls, format characters (bidi overrides, zero-width
 * joiners), lone surrogates (not encodable as UTF-8) and line separators, which could disguise a
 * name or break a log line; and both path separators, so a name is always one key segment.
 */
const DROPPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}/\\]/gu;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** A short final `.ext` that is worth keeping when a long name is cut. */
const EXTENSION = /.(\.[^.\s]{1,16})$/u;

export function isValidSub(value: unknown): value is string {
  return typeof value === 'string' && OKTA_SUB.test(value);
}

/** The caller's own folder: `<usersPrefix><sub>/`, `users/<sub>/` unless the construct says otherwise. */
export function userPrefix(sub: string, usersPrefix: string = DEFAULT_USERS_PREFIX): string {
  return `${usersPrefix}${sub}/`;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) bytes += codePointBytes(char);
  return bytes;
}

/**
 * The server-built key `users/<sub>/<id>/<name>`, or undefined when nothing usable is left of the
 * file name. The name is cut to keep the whole key within S3's limit.
 */
export function buildObjectKey(
  sub: string,
  id: string,
  fileName: string,
  usersPrefix: string = DEFAULT_USERS_PREFIX,
): string | undefined {
  return buildKeyUnder(userPrefix(sub, usersPrefix), id, fileName);
}

/** `<prefix><id>/<name>` for any server-chosen prefix (a user's or a team folder's). */
export function buildKeyUnder(prefix: string, id: string, fileName: string): string | undefined {
  const folder = `${prefix}${id}/`;
  const name = sanitizeFileName(fileName, MAX_KEY_BYTES - utf8Length(folder));
  return name === undefined ? undefined : folder + name;
}

/** A team folder's prefix: `<teamsPrefix><folder>/`; the slash keeps `fin` out of `finance`. */
export function teamFolderPrefix(folder: string, teamsPrefix: string): string {
  return `${teamsPrefix}${folder}/`;
}

/** One safe key segment of at most `maxBytes` UTF-8 bytes, or undefined if none remains. */
export function sanitizeFileName(raw: string, maxBytes: number): string | undefined {
  const cleaned = raw.normalize('NFC').replace(DROPPED, '').trim();
  const name = fitToBytes(cleaned, maxBytes);
  return name === '' || name === '.' || name === '..' ? undefined : name;
}

/**
 * True when `key` may be served to `sub`: under their prefix, within S3's limit, with no empty,
 * `.` or `..` segment and no character a sanitized name could not contain. Keys written by the
 * other routes (identity pool, web identity) may nest folders, so deeper paths are fine.
 */
export function isOwnKey(
  sub: string,
  key: unknown,
  usersPrefix: string = DEFAULT_USERS_PREFIX,
): key is string {
  return isKeyUnder(userPrefix(sub, usersPrefix), key);
}

/** The same rule for any prefix: a well-formed key strictly below it. */
export function isKeyUnder(prefix: string, key: unknown): key is string {
  if (typeof key !== 'string' || !key.startsWith(prefix)) return false;
  if (utf8Length(key) > MAX_KEY_BYTES || INVISIBLE.test(key)) return false;
  return key
    .slice(prefix.length)
    .split('/')
    .every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Cuts at a code-point boundary, keeping a short extension when there is one. */
function fitToBytes(name: string, maxBytes: number): string {
  if (utf8Length(name) <= maxBytes) return name;
  const extension = EXTENSION.exec(name)?.[1] ?? '';
  const stem = name.slice(0, name.length - extension.length);
  return truncateToBytes(stem, maxBytes - utf8Length(extension)) + extension;
}

function truncateToBytes(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    used += codePointBytes(char);
    if (used > maxBytes) break;
    out += char;
  }
  return out;
}

function codePointBytes(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}
