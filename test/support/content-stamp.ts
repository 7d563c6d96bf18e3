import { contentHash } from '../../emulator/local/kept-between-starts';

/**
 * A hash of the contents (and names) of files and folders of the repository: what a cache of
 * something made from them is named by, so that any edit to them makes it anew. The same hash
 * names what `npm run local` keeps between starts.
 */
export function contentStamp(entries: readonly string[]): string {
  return contentHash(entries).slice(0, 16);
}
