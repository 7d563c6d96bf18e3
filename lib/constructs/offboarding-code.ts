import * as fs from 'fs';
import * as path from 'path';

/** The offboarding functions' TypeScript source (present in a checkout of this repo). */
export const OFFBOARDING_HANDLER_ENTRY = path.join(
  __dirname,
  '..',
  '..',
  'lambda',
  'offboarding',
  'handler.ts',
);

/** Where the published package carries the prebuilt bundle (scripts/build-package.ts writes it). */
export const PREBUILT_OFFBOARDING_BUNDLE = path.join(__dirname, '..', '..', 'lambda', 'offboarding-bundle');

export function hasPrebuiltOffboardingBundle(): boolean {
  return fs.existsSync(path.join(PREBUILT_OFFBOARDING_BUNDLE, 'index.js'));
}
