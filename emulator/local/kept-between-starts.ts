/**
 * What `npm run local` makes at every start but rarely changes between starts (the web client's
 * bundle, the synthesized template), kept in node_modules/.cache by a hash of everything it is
 * made from. `npm ci` starts it afresh; an entry unused for a day is removed, since another
 * checkout sharing node_modules (a git worktree) may be using one right now.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const PROJECT_DIR = path.join(__dirname, '..', '..');
const CACHE_ROOT = path.join(PROJECT_DIR, 'node_modules', '.cache', 'okta-s3-storage');
const DAY_MS = 24 * 3600 * 1000;

/**
 * A hash of the names and contents of files and folders of the repository (paths relative to it),
 * and of `extra`: the name of something made from them, so that any edit to them makes it anew.
 */
export function contentHash(entries: readonly string[], extra: unknown = null): string {
  const digest = createHash('sha256');
  for (const file of entries.flatMap((entry) => filesOf(path.join(PROJECT_DIR, entry))).sort()) {
    digest.update(`${path.relative(PROJECT_DIR, file)}\0`).update(fs.readFileSync(file));
  }
  return digest.update(JSON.stringify(extra)).digest('hex');
}

function filesOf(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs.readdirSync(entry).flatMap((name) => filesOf(path.join(entry, name)));
}

/** A JSON value kept in `folder` under `key`, or what `make` gives, which is then kept. */
export async function keptJson<T>(folder: string, key: string, make: () => Promise<T> | T): Promise<T> {
  const dir = path.join(CACHE_ROOT, folder);
  const file = path.join(dir, `${key.slice(0, 32)}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  const value = await make();
  fs.mkdirSync(dir, { recursive: true });
  removeStale(dir, path.basename(file));
  // Written whole, then renamed: a second local stack starting at once never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(value));
  fs.renameSync(partial, file);
  return value;
}

function removeStale(dir: string, keep: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name !== keep && Date.now() - fs.statSync(file).mtimeMs > DAY_MS) fs.rmSync(file, { force: true });
  }
}
