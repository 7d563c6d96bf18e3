import * as fs from 'fs';
import * as path from 'path';
import { BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The presign Lambda's TypeScript source (present in a checkout of this repo). */
export const PRESIGN_HANDLER_ENTRY = path.join(__dirname, '..', '..', 'lambda', 'presign', 'handler.ts');

/**
 * Where the published package carries the prebuilt bundle, so importing apps need neither
 * esbuild nor the AWS SDK to synthesize.
 */
export const PREBUILT_PRESIGN_BUNDLE = path.join(__dirname, '..', '..', 'lambda', 'presign-bundle');

/** The one set of esbuild options, shared by synth-time bundling and the package build. */
export const PRESIGN_BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node24',
  format: OutputFormat.CJS,
  // ESM entry points tree-shake the SDK far better than its CommonJS builds.
  mainFields: ['module', 'main'],
  bundleAwsSDK: true,
} as const satisfies BundlingOptions;

export function hasPrebuiltPresignBundle(): boolean {
  return fs.existsSync(path.join(PREBUILT_PRESIGN_BUNDLE, 'index.js'));
}
