/**
 * The web client's bundle for `npm run local`, kept between starts by a hash of everything it is
 * built from: the client's sources and pages, its build script, and the installed packages (the
 * lock file). Bundling React, Amplify and Storage Browser costs esbuild about 6 s of CPU, every
 * start, though the client rarely changes between them. `npm run build:web` and the bench always
 * build afresh.
 */
import * as path from 'path';
import { bundleWebClient, WEB_DIR, type WebFile } from '../../examples/web/build';
import { contentHash, keptJson, PROJECT_DIR } from './kept-between-starts';

interface KeptFile {
  readonly contentType: string;
  readonly text?: string;
  readonly base64?: string;
}

export async function webClientBundle(): Promise<Map<string, WebFile>> {
  const web = path.relative(PROJECT_DIR, WEB_DIR);
  const pages = ['index.html', 'developer.html', 'request.html'];
  const inputs = ['src', ...pages, 'build.ts'].map((name) => path.join(web, name));
  let built: Map<string, WebFile> | undefined;
  const kept = await keptJson('web-client', contentHash([...inputs, 'package-lock.json']), async () => {
    built = await bundleWebClient();
    return Object.fromEntries(
      [...built].map(([name, f]): [string, KeptFile] => [
        name,
        typeof f.body === 'string'
          ? { contentType: f.contentType, text: f.body }
          : { contentType: f.contentType, base64: f.body.toString('base64') },
      ]),
    );
  });
  return (
    built ??
    new Map(
      Object.entries(kept).map(([name, f]) => [
        name,
        { contentType: f.contentType, body: f.text ?? Buffer.from(f.base64 ?? '', 'base64') },
      ]),
    )
  );
}
