/**
 * The verifier CLI as one file, with the AWS SDK inside: the package's runtime dependencies stay
 * jsii modules. The package build writes it to dist/cli; the README-commands test bundles its own
 * copy with the same options.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';

const root = path.join(__dirname, '..');

export function bundleCli(outfile: string): void {
  buildSync({
    entryPoints: [path.join(root, 'cli', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    mainFields: ['module', 'main'],
    legalComments: 'none',
    logLevel: 'warning',
  });
  // npm links bins and makes them executable on install; set the bit here too for direct runs.
  fs.chmodSync(outfile, 0o755);
}
