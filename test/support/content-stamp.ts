import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * A hash of the contents (and names) of files and folders of the repository: what a cache of
 * something made from them is named by, so that any edit to them makes it anew.
 */
export function contentStamp(entries: readonly string[]): string {
  const digest = createHash('sha256');
  for (const file of entries.flatMap((entry) => filesOf(path.join(ROOT, entry))).sort()) {
    digest.update(`${path.relative(ROOT, file)}\0`).update(fs.readFileSync(file));
  }
  return digest.digest('hex').slice(0, 16);
}

function filesOf(entry: string): string[] {
  if (!fs.existsSync(entry)) return [];
  if (!fs.statSync(entry).isDirectory()) return [entry];
  return fs.readdirSync(entry).flatMap((name) => filesOf(path.join(entry, name)));
}
