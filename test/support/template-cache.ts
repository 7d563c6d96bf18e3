import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Template } from 'aws-cdk-lib/assertions';
import { testConfig } from './config';
import { TEMPLATE_CACHE_VARIABLE } from './global-setup';

/**
 * The synthesized template of a configuration, synthesized once per test run and shared by every
 * test file that asks for the same configuration and context. For tests that read the template
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
 * The template as JSON. A file that finds it cached never loads aws-cdk-lib or the app: in a jest
 * worker, loading them costs more CPU than most test files spend testing.
 */
export function templateJson(raw: unknown = testConfig(), context: Record<string, unknown> = {}) {
  // Set by global-setup.ts for one `jest` run; without it nothing is cached.
  const dir = process.env[TEMPLATE_CACHE_VARIABLE];
  const file = dir && path.join(dir, `${hash([raw, context])}.json`);
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesize } = require('./synth') as typeof import('./synth');
  const json = synthesize(raw, context).template.toJSON();
  if (file) {
    // Written whole, then renamed: a parallel worker never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(json));
    fs.renameSync(partial, file);
  }
  return json;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}
