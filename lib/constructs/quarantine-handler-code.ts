import * as fs from 'fs';
import * as path from 'path';
import { PRESIGN_BUNDLING } from './presign-handler-code';

/** The quarantine Lambda's TypeScript source (present in a checkout of this repo). */
export const QUARANTINE_HANDLER_ENTRY = path.join(
  __dirname,
  '..',
  '..',
  'lambda',
  'quarantine',
  'handler.ts',
);

/** Where the published package carries the prebuilt bundle (scripts/build-package.ts writes it). */
export const PREBUILT_QUARANTINE_BUNDLE = path.join(__dirname, '..', '..', 'lambda', 'quarantine-bundle');

/** The same esbuild options as the presign function. */
export const QUARANTINE_BUNDLING = PRESIGN_BUNDLING;

export function hasPrebuiltQuarantineBundle(): boolean {
  return fs.existsSync(path.join(PREBUILT_QUARANTINE_BUNDLE, 'index.js'));
}
