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

export const CONNECT_SOURCE_EXPECTED =
  'an origin (https://host[:port], or http on localhost) or a wildcard host source https://*.host';

/**
 * What is wrong with a Content-Security-Policy `connect-src` source the web client may call, or
 * undefined if nothing is: an origin as `originProblem` takes it, or `https://*.<host>`, which
 * matches any subdomain of the host (CSP host-source syntax).
 */
export function connectSourceProblem(value: unknown): string | undefined {
  if (typeof value === 'string' && value.startsWith('https://*.')) {
    const host = value.slice('https://*.'.length);
    return HOSTNAME.test(host) && host.includes('.') ? undefined : CONNECT_SOURCE_EXPECTED;
  }
  return originProblem(value) ? CONNECT_SOURCE_EXPECTED : undefined;
}
