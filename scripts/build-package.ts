/**
 * Builds the publishable package into dist/: the compiled library with its .d.ts files, and the
 * presign Lambda prebundled with the same esbuild options that synth-time bundling uses.
 *
 * With `--cli` it builds only the CLI's bundle, leaving the rest of dist/ alone: `prepare`
 * runs that on `npm ci`/`npm install`, so `npx okta-s3-storage verify` works in a fresh clone.
 *
 * Without it (`npm run package [-- --pack-destination DIR]`) it then writes the tarball
 * okta-s3-storage-<version>.tgz, packed from a staging folder whose package.json carries no
 * scripts and no development fields: the repository's `prepare` would otherwise ship, and npm 11
 * warns about it on every install ("npm warn install-scripts"). Publish that tarball
 * (`npm publish okta-s3-storage-<version>.tgz`), never `npm pack`/`npm publish` in the repository
 * (jsii-pacmak runs `npm pack` here for the bindings, so it cannot be refused).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { PRESIGN_BUNDLING } from '../lib/constructs/presign-handler-code';
import { bundleCli } from './cli-bundle';
import { JSII_ARGS } from './jsii-args';
import { PACKED_BESIDE_DIST } from './package-contents';

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

/** The fields of package.json that are the repository's, not the published package's. */
const DEVELOPMENT_FIELDS = ['scripts', 'devDependencies', 'overrides', 'allowScripts'] as const;

const cliOnly = process.argv.includes('--cli');
if (!cliOnly) buildLibraryAndLambda();

function buildLibraryAndLambda() {
  fs.rmSync(dist, { recursive: true, force: true });
  // jsii compiles lib/ (tsconfig.jsii.json) into dist/lib and writes the .jsii assembly that
  // jsii-pacmak and Construct Hub read.
  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii'), JSII_ARGS, { cwd: root, stdio: 'inherit' });
  // Each function's code, bundled as the constructs would with esbuild, so an importing app needs
  // neither esbuild nor the AWS SDK (lib/constructs/*-code.ts pick these up when present).
  for (const [entry, bundle] of [
    ['presign', 'presign-bundle'],
    ['quarantine', 'quarantine-bundle'],
    ['offboarding', 'offboarding-bundle'],
  ]) {
    buildSync({
      entryPoints: [path.join(root, 'lambda', entry, 'handler.ts')],
      outfile: path.join(dist, 'lambda', bundle, 'index.js'),
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
}
// The CLI (verify, client-config), with the AWS SDK inside: the package's runtime dependencies stay jsii modules.
const cli = path.join(dist, 'cli', 'okta-s3-storage.js');
bundleCli(cli);
if (cliOnly) console.log(`built ${path.relative(root, cli)}`);
else console.log(packTarball(packDestination()));

/** `--pack-destination DIR`, or the repository's root. */
function packDestination(): string {
  const i = process.argv.indexOf('--pack-destination');
  return path.resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : root);
}

/** Packs dist/ with a cleaned package.json; returns the tarball's path. */
function packTarball(destination: string): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-storage-pack-'));
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const field of DEVELOPMENT_FIELDS) delete manifest[field];
    fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    for (const entry of [...PACKED_BESIDE_DIST, 'dist']) {
      const from = path.join(root, entry);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
    }
    fs.mkdirSync(destination, { recursive: true });
    // The "files" globs of package.json pick what ships, as they would in the repository.
    const packed = execFileSync(
      'npm',
      ['pack', '--ignore-scripts', '--silent', '--pack-destination', destination],
      { cwd: stage, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    return path.join(destination, packed.trim().split('\n').pop()!);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
