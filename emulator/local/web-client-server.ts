/**
 * Serves the reference web client (examples/web) on loopback: `index.html` for `/` and the sign-in
 * callback, the bundle (examples/web/build.ts), and the generated client configuration, read on each
 * request so that a restart of the stack is picked up by a reload.
 */
import * as fs from 'fs';
import * as path from 'path';
import { WEB_DIR } from '../../examples/web/build';
import { LoopbackServer, startLoopbackServer } from '../services/loopback-server';

export async function startWebClientServer(options: {
  port: number;
  /** The bundled client, `app.js`. */
  script: string;
  clientConfigFile: string;
}): Promise<LoopbackServer> {
  const { script } = options;
  const index = fs.readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8');
  const noStore = { 'cache-control': 'no-store' };
  return startLoopbackServer(async (request) => {
    const { pathname } = new URL(request.url ?? '/', 'http://web');
    if (request.method !== 'GET') return { status: 405 };
    if (pathname === '/' || pathname === '/callback')
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', ...noStore },
        body: index,
      };
    if (pathname === '/app.js')
      return { status: 200, headers: { 'content-type': 'text/javascript', ...noStore }, body: script };
    if (pathname === '/okta-s3-client.json')
      return {
        status: 200,
        headers: { 'content-type': 'application/json', ...noStore },
        body: fs.readFileSync(options.clientConfigFile),
      };
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
  }, options.port);
}
