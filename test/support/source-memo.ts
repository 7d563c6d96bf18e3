import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TEMPLATE_CACHE_VARIABLE } from './template-cache';

/**
 * A result that depends only on the sources the template cache is named by (lib, app, bin, lambda,
 * cdk.json, package-lock.json, test/support) and on `key`, kept beside the templates for those
 * sources: an edit to any of them, or another key, computes it afresh. For checks that run a whole
 * engine (cfn-guard, CloudFormation's schemas, a compiler) on what those sources make; `key` must
 * name every other input (the rule files, a README example, a tsconfig). Without a test run's cache
 * folder (global-setup.ts sets it) nothing is kept.
 */
export function memoizedForSources<T>(name: string, key: unknown, compute: () => T): T {
  const dir = process.env[TEMPLATE_CACHE_VARIABLE];
  const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
  const file = dir && path.join(dir, `${name}-${digest}.json`);
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')).value as T;
  const value = compute();
  if (file) {
    fs.mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a parallel worker never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify({ value }));
    fs.renameSync(partial, file);
  }
  return value;
}

/** The contents of files, for a key: a rule or config file's edit then changes the key. */
export function contentsOf(files: readonly string[]): string[] {
  return files.map((file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex'));
}
