/**
 * Sharing in words an office worker reads: how long a link works, when it ends, how big a file
 * is, what went wrong. Pure functions (no DOM, no React), so test/web/ checks them directly.
 */

const DAY_CHOICES = [1, 3, 7, 14, 30];

/** How long a new link may work: the usual choices up to the deployment's maximum, and the maximum. */
export function expiryChoices(maxDays: number): { days: number; label: string }[] {
  const max = Math.max(1, Math.floor(maxDays));
  const days = [...new Set([...DAY_CHOICES.filter((d) => d < max), max])];
  return days.map((d) => ({ days: d, label: daysLabel(d) }));
}

/** "1 day", "3 days", "1 week", "2 weeks". */
export function daysLabel(days: number): string {
  if (days % 7 === 0) return days === 7 ? '1 week' : `${days / 7} weeks`;
  return days === 1 ? '1 day' : `${days} days`;
}

/** The choice offered first: a week, or less where the deployment allows less. */
export const defaultExpiryDays = (maxDays: number) => Math.min(7, Math.max(1, Math.floor(maxDays)));

/** A date and time as people read it, e.g. "9 Dec 2026, 14:05" (the viewer's time zone unless given). */
export function formatWhen(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(iso));
}

export type LinkState = 'active' | 'expired' | 'stopped';

/** Whether a link or file request still works, as its list shows it. */
export function linkState(item: { expiresAt: string; revoked: boolean }, now: Date): LinkState {
  if (item.revoked) return 'stopped';
  return new Date(item.expiresAt).getTime() > now.getTime() ? 'active' : 'expired';
}

/** The list's words for a link's state and end. */
export function stateText(item: { expiresAt: string; revoked: boolean }, now: Date, timeZone?: string) {
  const state = linkState(item, now);
  const when = formatWhen(item.expiresAt, timeZone);
  return state === 'active' ? `Works until ${when}` : state === 'expired' ? `Expired on ${when}` : 'Stopped';
}

/** A file's name from its key (`users/<id>/<uuid>/report.pdf` → `report.pdf`). */
export const fileNameOf = (key: string) => key.slice(key.lastIndexOf('/') + 1) || key;

/** Sizes in the units file managers show: bytes, KB, MB, GB (1 KB = 1024 bytes). */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}

/** The link to send for a share: the API's own `s/<token>`, which redirects each visit to the file. */
export function shareLinkUrl(apiUrl: string, token: string): string {
  return new URL(`s/${token}`, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

/**
 * The link to send for a file request: the web client's visitor page, with the token after `#`.
 * A fragment never leaves the browser: it is in no request line, server or CDN log, or Referer.
 */
export function requestPageUrl(pageOrigin: string, token: string): string {
  return `${pageOrigin}/request.html#${token}`;
}

/** The token in a visitor page's address (`#<43 base64url characters>`), or undefined. */
export function tokenFromFragment(hash: string): string | undefined {
  const match = /^#([A-Za-z0-9_-]{43})$/.exec(hash);
  return match?.[1];
}

/** A folder name the API accepts for a file request (one folder inside the user's own). */
export function folderProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Give the folder a name.';
  if (name.trim() !== name) return 'The folder name cannot start or end with a space.';
  if (name.length > 63) return 'The folder name can be at most 63 characters long.';
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(name) || name.includes('..'))
    return 'Use letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.';
  return undefined;
}

/** What a file request accepts, as the visitor page is told (`GET /r/<token>`). */
export interface RequestLimits {
  readonly folder: string;
  readonly maxFileBytes: number;
  readonly contentTypes: readonly string[];
  readonly remainingFiles: number;
  readonly expiresAt: string;
}

export interface PickedFile {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

/** Splits picked files into those the request will take and, for the others, why not. */
export function checkPickedFiles<T extends PickedFile>(
  files: readonly T[],
  limits: Pick<RequestLimits, 'maxFileBytes' | 'contentTypes' | 'remainingFiles'>,
): { accepted: T[]; problems: string[] } {
  const accepted: T[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const type = contentTypeOf(file);
    if (file.size === 0) problems.push(`${file.name} is empty.`);
    else if (file.size > limits.maxFileBytes)
      problems.push(
        `${file.name} is ${humanSize(file.size)}; files can be at most ${humanSize(limits.maxFileBytes)}.`,
      );
    else if (limits.contentTypes.length > 0 && !limits.contentTypes.includes(type))
      problems.push(
        `${file.name} is not a kind of file this request takes (${kindsText(limits.contentTypes)}).`,
      );
    else accepted.push(file);
  }
  if (accepted.length > limits.remainingFiles) {
    const left = accepted.splice(limits.remainingFiles);
    problems.push(
      limits.remainingFiles === 0
        ? 'This request takes no more files.'
        : `This request takes ${limits.remainingFiles} more ${limits.remainingFiles === 1 ? 'file' : 'files'}: ` +
            `${left.map((f) => f.name).join(', ')} ${left.length === 1 ? 'was' : 'were'} left out.`,
    );
  }
  return { accepted, problems };
}

/** The type the upload declares: the browser's guess, else plain bytes. */
export const contentTypeOf = (file: PickedFile) => (file.type || 'application/octet-stream').toLowerCase();

/** `application/pdf, image/png` → "PDF, PNG". */
export function kindsText(contentTypes: readonly string[]): string {
  return contentTypes.map((t) => t.slice(t.indexOf('/') + 1).toUpperCase()).join(', ');
}

/** The words for a refusal of the sharing API, by its HTTP status. */
export function problemText(status: number, visitor = false): string {
  if (visitor && (status === 404 || status === 403))
    return 'This link does not work: it may have expired or been stopped. Ask the person who sent it for a new one.';
  if (status === 401) return 'Your sign-in for sharing has ended. Confirm your sign-in again.';
  if (status === 404) return 'That file or link is no longer there. Refresh and try again.';
  if (status === 413) return 'That file is larger than this link allows.';
  if (status === 415) return 'That kind of file is not accepted here.';
  if (status === 429) return 'Too many tries at once. Wait a minute, then try again.';
  if (status === 0) return 'The connection failed. Check your network and try again.';
  return `Something went wrong on our side (error ${status}). Try again in a minute.`;
}

/**
 * Whether the sharing sign-in (the user pool's ID token, whose `identities` claim names the Okta
 * user it federated) is the same person as the file browser's Okta sign-in.
 */
export function samePerson(oktaSub: string, poolClaims: Record<string, unknown>): boolean {
  let identities = poolClaims.identities;
  if (typeof identities === 'string') {
    try {
      identities = JSON.parse(identities);
    } catch {
      return false;
    }
  }
  return Array.isArray(identities) && identities.some((i) => i && i.userId === oktaSub);
}
