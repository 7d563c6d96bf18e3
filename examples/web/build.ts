/**
 * Bundles the reference web client with esbuild: one browser script, `app.js`, beside
 * `index.html`. `npm run local` builds it in memory; `npm run build:web` writes
 * `examples/web/dist/` to copy to any static host together with your `okta-s3-client.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { build, stop } from 'esbuild';

export const WEB_DIR = __dirname;

/** The bundle; `withSourceMap` inlines a source map (for `npm run local`, where the browser's tools read it). */
export async function bundleWebClient(withSourceMap = true): Promise<string> {
  const result = await build({
    entryPoints: [path.join(WEB_DIR, 'src', 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: withSourceMap ? 'inline' : false,
    // lib-storage and the SDK reach for Node's `global` in a few places.
    define: { global: 'globalThis' },
    // The package's `browser` map names `./dist-es/index` without `.js`, which esbuild does not
    // match against `module`'s `./dist-es/index.js`: point it at the browser build by hand.
    alias: { '@aws-sdk/credential-providers': '@aws-sdk/credential-providers/dist-es/index.browser.js' },
    logLevel: 'silent',
  });
  // esbuild's service process is not needed after this build: no process outlives the stack.
  await stop();
  return result.outputFiles[0].text;
}

async function main() {
  const out = path.join(WEB_DIR, 'dist');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'app.js'), await bundleWebClient(false));
  fs.copyFileSync(path.join(WEB_DIR, 'index.html'), path.join(out, 'index.html'));
  console.log(
    `wrote ${path.relative(process.cwd(), out)}/ (index.html, app.js): add okta-s3-client.json beside them`,
  );
}

if (require.main === module) main().catch((error) => ((process.exitCode = 1), console.error(error)));
