/**
 * Builds the publishable package into dist/: the compiled library with its .d.ts files, and the
 * presign Lambda prebundled with the same esbuild options that synth-time bundling uses.
 *
 * With `--cli` it builds only the verifier's bundle, leaving the rest of dist/ alone: `prepare`
 * runs that on `npm ci`/`npm install`, so `npx okta-s3-storage verify` works in a fresh clone.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { PRESIGN_BUNDLING } from '../lib/constructs/presign-handler-code';
import { bundleCli } from './cli-bundle';
import { JSII_ARGS } from './jsii-args';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

const cliOnly = process.argv.includes('--cli');
if (!cliOnly) buildLibraryAndLambda();

function buildLibraryAndLambda() {
  fs.rmSync(dist, { recursive: true, force: true });
  // jsii compiles lib/ (tsconfig.jsii.json) into dist/lib and writes the .jsii assembly that
  // jsii-pacmak and Construct Hub read.
  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii'), JSII_ARGS, { cwd: root, stdio: 'inherit' });
  buildSync({
    entryPoints: [path.join(root, 'lambda', 'presign', 'handler.ts')],
    outfile: path.join(dist, 'lambda', 'presign-bundle', 'index.js'),
    bundle: true,
    platform: 'node',
    target: PRESIGN_BUNDLING.target,
    format: 'cjs',
    minify: PRESIGN_BUNDLING.minify,
    sourcemap: PRESIGN_BUNDLING.sourceMap,
    mainFields: [...PRESIGN_BUNDLING.mainFields],
    logLevel: 'warning',
  });
}
const cli = path.join(dist, 'cli', 'okta-s3-storage.js');
bundleCli(cli);
console.log(`built ${cliOnly ? path.relative(root, cli) : `${path.relative(root, dist)}/`}`);
