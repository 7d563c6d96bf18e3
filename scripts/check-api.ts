/**
 * The jsii gate CI runs after `npm test` (`npm run check:api`):
 * 1. jsii compiles the library with warnings as errors;
 * 2. jsii-docgen regenerates the API reference, which must equal the committed API.md;
 * 3. jsii-pacmak generates the Python and Java bindings (code only: no Python or Java toolchain).
 * With `--write` it rewrites API.md instead of comparing (`npm run docgen`).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JSII_ARGS } from './jsii-args';

const root = path.join(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const run = (name: string, args: string[]) =>
  execFileSync(bin(name), args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-api-'));
try {
  run('jsii', JSII_ARGS);
  const committed = path.join(root, 'API.md');
  if (process.argv.includes('--write')) {
    run('jsii-docgen', ['-o', committed]);
    console.log('wrote API.md');
  } else {
    const fresh = path.join(work, 'API.md');
    run('jsii-docgen', ['-o', fresh]);
    if (!fs.existsSync(committed) || fs.readFileSync(fresh, 'utf8') !== fs.readFileSync(committed, 'utf8')) {
      throw new Error('API.md is stale: run `npm run docgen` and commit it');
    }
    run('jsii-pacmak', ['--code-only', '-t', 'python', '-t', 'java', '-o', path.join(work, 'bindings')]);
    const python = path.join(work, 'bindings', 'python', 'src', 'okta_s3_storage', '__init__.py');
    const java = path.join(work, 'bindings', 'java', 'src', 'main', 'java', 'io', 'github', 'oktas3storage');
    for (const [language, file] of [
      ['Python', python],
      ['Java', path.join(java, 'OktaS3Storage.java')],
    ]) {
      if (!fs.existsSync(file) || !fs.readFileSync(file, 'utf8').includes('OktaS3Storage')) {
        throw new Error(`jsii-pacmak generated no ${language} OktaS3Storage (${path.relative(work, file)})`);
      }
    }
    console.log('jsii: 0 errors, 0 warnings; API.md is fresh; Python and Java bindings generated');
  }
} catch (error) {
  // A failed gate is one line (the tools have already printed their own diagnostics).
  console.error(`check:api: ${(error as Error).message.split('\n')[0]}`);
  if (process.env.DEBUG) console.error(error);
  process.exitCode = 1;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
