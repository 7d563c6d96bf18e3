/**
 * Builds the web client with esbuild: the file browser (`index.html`, `app.js`, `app.css`, on
 * Storage Browser for S3), the developer view (`developer.html`, `developer.js`) and Storage
 * Browser's download service worker. `npm run local` builds it in memory; `npm run build:web`
 * writes `examples/web/dist/` to copy to any static host together with your `okta-s3-client.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build, stop } from 'esbuild';

export const WEB_DIR = __dirname;

/** One file of the built client, by its path on the site (`/app.js`). */
export interface WebFile {
  readonly contentType: string;
  readonly body: string | Buffer;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const contentType = (file: string) => CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';

/** Storage Browser registers this worker at this path to stream multi-file downloads as one zip. */
export const DOWNLOAD_WORKER = '/amplify-storage-download/download-sw.js';

/** Storage Browser's own styles, built into `app.css`. */
export const STORAGE_BROWSER_CSS = require.resolve('@aws-amplify/ui-react-storage/styles.css');

/** The entry points: `app.js` and `app.css` for the file browser, `developer.js` for the developer view. */
export const ENTRY_POINTS = [
  { in: path.join(WEB_DIR, 'src', 'file-browser', 'main.ts'), out: 'app' },
  { in: STORAGE_BROWSER_CSS, out: 'app' },
  { in: path.join(WEB_DIR, 'src', 'developer.ts'), out: 'developer' },
  // A file request's visitor page (request.html): no sign-in, no React.
  { in: path.join(WEB_DIR, 'src', 'sharing', 'visitor.ts'), out: 'request' },
];

/** esbuild's settings for the browser bundles, shared with the bench's minimal Storage Browser app. */
export const BROWSER_BUILD = {
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  // lib-storage and the SDK reach for Node's `global` in a few places; React reads NODE_ENV.
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  // The package's `browser` map names `./dist-es/index` without `.js`, which esbuild does not
  // match against `module`'s `./dist-es/index.js`: point it at the browser build by hand.
  alias: { '@aws-sdk/credential-providers': '@aws-sdk/credential-providers/dist-es/index.browser.js' },
  logLevel: 'silent',
} as const;

/**
 * Every file of the built client, by path. `withSourceMap` inlines source maps (for `npm run
 * local`, where the browser's tools read them).
 */
export async function bundleWebClient(withSourceMap = true): Promise<Map<string, WebFile>> {
  const result = await build({
    ...BROWSER_BUILD,
    entryPoints: ENTRY_POINTS,
    outdir: path.join(WEB_DIR, 'dist'),
    sourcemap: withSourceMap ? 'inline' : false,
  });
  // esbuild's service process is not needed after this build: no process outlives the stack.
  await stop();
  const files = new Map<string, WebFile>();
  for (const out of result.outputFiles) {
    const name = `/${path.basename(out.path)}`;
    files.set(name, { contentType: contentType(name), body: out.text });
  }
  for (const page of ['index.html', 'developer.html', 'request.html'])
    files.set(`/${page}`, {
      contentType: contentType(page),
      body: fs.readFileSync(path.join(WEB_DIR, page), 'utf8'),
    });
  const worker = path.join(path.dirname(STORAGE_BROWSER_CSS), 'download-sw.js');
  files.set(DOWNLOAD_WORKER, { contentType: contentType(worker), body: fs.readFileSync(worker) });
  return files;
}

async function main() {
  const out = path.join(WEB_DIR, 'dist');
  const files = await bundleWebClient(false);
  for (const [name, file] of files) {
    fs.mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
    fs.writeFileSync(path.join(out, name), file.body);
  }
  console.log(
    `wrote ${path.relative(process.cwd(), out)}/ (${[...files.keys()].map((n) => n.slice(1)).join(', ')}): ` +
      'add okta-s3-client.json beside them',
  );
}

if (require.main === module) main().catch((error) => ((process.exitCode = 1), console.error(error)));
