/**
 * Serves the web client (examples/web) on loopback: the file browser's `index.html` for `/` and the
 * sign-in callback `/callback` (as the hosting construct's CloudFront Function does), every other
 * built file (examples/web/build.ts) by its path, and the generated client configuration, read on
 * each request so that a restart of the stack is picked up by a reload.
 */
import * as fs from 'fs';
import type { WebFile } from '../../examples/web/build';
import { LoopbackServer, startLoopbackServer } from '../services/loopback-server';

export async function startWebClientServer(options: {
  port: number;
  /** The built client's files by path (`/index.html`, `/app.js`, ...). */
  bundle: ReadonlyMap<string, WebFile>;
  clientConfigFile: string;
}): Promise<LoopbackServer> {
  const noStore = { 'cache-control': 'no-store' };
  return startLoopbackServer(async (request) => {
    const { pathname } = new URL(request.url ?? '/', 'http://web');
    if (request.method !== 'GET') return { status: 405 };
    if (pathname === '/okta-s3-client.json')
      return {
        status: 200,
        headers: { 'content-type': 'application/json', ...noStore },
        body: fs.readFileSync(options.clientConfigFile),
      };
    const file = options.bundle.get(pathname === '/' || pathname === '/callback' ? '/index.html' : pathname);
    if (file)
      return { status: 200, headers: { 'content-type': file.contentType, ...noStore }, body: file.body };
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
  }, options.port);
}
