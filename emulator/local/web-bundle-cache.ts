/**
 * The web client's bundle for `npm run local`, kept between starts by a hash of everything it is
 * built from: the client's sources and pages, its build script, and the installed packages (the
 * lock file). Bundling React, Amplify and Storage Browser costs esbuild about 6 s of CPU, every
 * start, though the client rarely changes between them. `npm run build:web` and the bench always
 * build afresh.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { bundleWebClient, WEB_DIR, type WebFile } from '../../examples/web/build';

const PROJECT_DIR = path.join(WEB_DIR, '..', '..');
const CACHE_DIR = path.join(PROJECT_DIR, 'node_modules', '.cache', 'okta-s3-storage', 'web-client');
const DAY_MS = 24 * 3600 * 1000;

interface KeptFile {
  readonly contentType: string;
  readonly text?: string;
  readonly base64?: string;
}

export async function webClientBundle(): Promise<Map<string, WebFile>> {
  const file = path.join(CACHE_DIR, `${bundleInputsHash()}.json`);
  if (fs.existsSync(file)) {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, KeptFile>;
    return new Map(
      Object.entries(kept).map(([name, f]) => [
        name,
        { contentType: f.contentType, body: f.text ?? Buffer.from(f.base64 ?? '', 'base64') },
      ]),
    );
  }
  const files = await bundleWebClient();
  const kept: Record<string, KeptFile> = Object.fromEntries(
    [...files].map(([name, f]) => [
      name,
      typeof f.body === 'string'
        ? { contentType: f.contentType, text: f.body }
        : { contentType: f.contentType, base64: f.body.toString('base64') },
    ]),
  );
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  removeStale(path.basename(file));
  // Written whole, then renamed: a second local stack starting at once never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(kept));
  fs.renameSync(partial, file);
  return files;
}

/** Sources and pages of the client (not its dist/), the build script, and the lock file. */
function bundleInputsHash(): string {
  const digest = createHash('sha256');
  const inputs = [
    ...filesUnder(path.join(WEB_DIR, 'src')),
    ...['index.html', 'developer.html', 'request.html', 'build.ts'].map((name) => path.join(WEB_DIR, name)),
    path.join(PROJECT_DIR, 'package-lock.json'),
  ];
  for (const input of inputs.sort()) {
    digest.update(`${path.relative(PROJECT_DIR, input)}\0`).update(fs.readFileSync(input));
  }
  return digest.digest('hex').slice(0, 32);
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

/** Bundles of other sources, once unused for a day (another checkout may share this cache). */
function removeStale(keep: string): void {
  for (const name of fs.readdirSync(CACHE_DIR)) {
    const file = path.join(CACHE_DIR, name);
    if (name !== keep && Date.now() - fs.statSync(file).mtimeMs > DAY_MS) fs.rmSync(file, { force: true });
  }
}
