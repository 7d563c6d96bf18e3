const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

export const ORIGIN_EXPECTED =
  'an https origin (https://host[:port]), or http://localhost / http://127.0.0.1, with no path';

export function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

export function isLocalHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

/**
 * What is wrong with a CORS origin, or undefined if nothing is. An origin is exactly
 * `scheme://host[:port]`: the URL parser must give it back unchanged, so paths, trailing slashes,
 * credentials and wildcards are all refused.
 */
export function originProblem(value: unknown): string | undefined {
  const url = parseUrl(value);
  if (!url || url.origin !== value || !HOSTNAME.test(url.hostname)) return ORIGIN_EXPECTED;
  return url.protocol === 'https:' || isLocalHttp(url) ? undefined : ORIGIN_EXPECTED;
}
