import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Template } from 'aws-cdk-lib/assertions';
import { testConfig } from './config';
import { contentStamp } from './content-stamp';

/** The folder of templates for the current sources, set by global-setup.ts for a test run. */
export const TEMPLATE_CACHE_VARIABLE = 'TEST_TEMPLATE_CACHE';

const ROOT = path.join(__dirname, '..', '..');

/** Templates kept between runs, a folder per state of the sources that make them. */
export const TEMPLATE_CACHE_ROOT = path.join(ROOT, 'node_modules', '.cache', 'okta-s3-storage', 'templates');

/**
 * Everything a synthesized template can depend on: the library, the app and the Lambda's source,
 * CDK's settings, the installed versions, and these helpers. Edit any of them and every template
 * is synthesized again.
 */
const SOURCES = ['lib', 'app', 'bin', 'lambda', 'cdk.json', 'package-lock.json', 'test/support'];

/**
 * The synthesized template of a configuration, synthesized once for the current sources and shared
 * by every test file, and every run, that asks for the same configuration and context. For tests that read the template
 * only; tests of the constructs themselves use `synthesize`.
 */
export function synthesizedTemplate(
  raw: unknown = testConfig(),
  context: Record<string, unknown> = {},
): Template {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Template: Loaded } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
  return Loaded.fromJSON(templateJson(raw, context));
}

/**
 * The template as JSON. A file that finds it cached never loads aws-cdk-lib or the app: in a test
 * worker, loading them costs more CPU than most test files spend testing.
 */
export function templateJson(raw: unknown = testConfig(), context: Record<string, unknown> = {}) {
  // Set by global-setup.ts for a test run; without it nothing is cached.
  const dir = process.env[TEMPLATE_CACHE_VARIABLE];
  const file = dir && path.join(dir, `${hash([raw, context])}.json`);
  const read = file && parsed.get(file);
  if (read) return read;
  if (file && fs.existsSync(file)) return remember(file, JSON.parse(fs.readFileSync(file, 'utf8')));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesize } = require('./synth') as typeof import('./synth');
  const json = synthesize(raw, context).template.toJSON();
  if (file) {
    fs.mkdirSync(dir, { recursive: true });
    // Written whole, then renamed: a parallel worker never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(json));
    fs.renameSync(partial, file);
    return remember(file, json);
  }
  return json;
}

/**
 * Templates already read by this process: a worker's files ask for the same few again and again.
 * Frozen, since they are shared: a test that changes one (a broken fixture) changes a copy
 * (`structuredClone`), and changing the shared one throws.
 */
const parsed = new Map<string, any>();

function remember(file: string, json: any) {
  parsed.set(file, deepFreeze(json));
  return json;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/** A hash of SOURCES' contents: the name of the folder of templates they make. */
export function sourceStamp(): string {
  return contentStamp(SOURCES);
}

/**
 * The cache folder for the current sources. Folders of other sources are removed once unused for a
 * day: another checkout sharing node_modules (a git worktree) may be using one right now.
 */
export function templateCacheForCurrentSources(): string {
  const stamp = sourceStamp();
  removeStaleFolders(TEMPLATE_CACHE_ROOT, stamp);
  const dir = path.join(TEMPLATE_CACHE_ROOT, stamp);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const DAY_MS = 24 * 3600 * 1000;

function removeStaleFolders(root: string, keep: string): void {
  if (!fs.existsSync(root)) return;
  for (const entry of fs.readdirSync(root)) {
    const folder = path.join(root, entry);
    if (entry !== keep && Date.now() - fs.statSync(folder).mtimeMs > DAY_MS)
      fs.rmSync(folder, { recursive: true, force: true });
  }
}
