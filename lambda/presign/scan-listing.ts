import { scanStateOf, ScanState } from '../../lib/policy/scan-status-names';
import type { FileEntry } from './core';
import type { ScanTag } from './s3';

/** A listed file with its malware-scan state (only when the deployment scans). */
export interface ScannedFileEntry extends FileEntry {
  readonly scanState: ScanState;
}

/**
 * At most this many GetObjectTagging calls of one listing run at once: a page of 1000 files
 * (the largest `listPageSize`) takes 1000 / 8 round trips instead of 1000, and one caller's listing
 * never opens more than 8 connections (S3 scales to thousands of GETs per second per prefix:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html).
 */
export const SCAN_TAG_CONCURRENCY = 8;

/**
 * Each file of a page with its scan state, in the page's order, from its GuardDuty tag
 * (`scanStatus`, the caller's own GetObjectTagging). A file whose tags S3 no longer shows the caller
 * (deleted since the listing: 404; 403) is left out, as a listing a moment later would leave it out.
 */
export async function withScanStates(
  files: readonly FileEntry[],
  scanStatus: (key: string) => Promise<ScanTag>,
  concurrency = SCAN_TAG_CONCURRENCY,
): Promise<ScannedFileEntry[]> {
  const tags = await mapBounded(files, concurrency, (file) => scanStatus(file.key));
  return files.flatMap((file, i) => {
    const tag = tags[i];
    return tag.found ? [{ ...file, scanState: scanStateOf(tag.status) }] : [];
  });
}

/** `fn` over `items` with at most `limit` calls in flight; results in the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
