/**
 * The jsii gate CI runs after `npm test` (`npm run check:api`):
 * 1. jsii compiles the library with warnings as errors;
 * 2. jsii-docgen regenerates the API reference in TypeScript, Python and Java, each of which must
 *    equal its committed file (API.md, API.python.md, API.java.md);
 * 3. jsii-pacmak generates the Python and Java bindings (code only: no Python or Java toolchain).
 * With `--write` it rewrites the three references instead of comparing (`npm run docgen`).
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { JSII_ARGS } from './jsii-args';

/**
 * The API reference of each language, as jsii-docgen names a file per language (`API.<language>.md`);
 * TypeScript keeps `API.md`, the file the package ships. They sit beside it, not in docs/: they are
 * generated, and their tables are jsii-docgen's, not written to be read in an editor.
 */
export const API_DOCS: readonly { readonly language: string; readonly file: string }[] = [
  { language: 'typescript', file: 'API.md' },
  { language: 'python', file: 'API.python.md' },
  { language: 'java', file: 'API.java.md' },
];

/** The committed references that differ from the fresh ones, by file name; a missing one is stale. */
export function staleDocs(root: string, fresh: Readonly<Record<string, string>>): string[] {
  return API_DOCS.map((d) => d.file).filter((file) => {
    const committed = path.join(root, file);
    return !fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fresh[file];
  });
}

/**
 * Each reference as jsii-docgen's CLI writes it, one process per language, side by side. Not its
 * library in this process: under ts-node, rosetta's translation of the Python and Java examples
 * fails with "Cannot find module 'ts-node/register'".
 */
/** The last line of a tool's stderr that is not jsii's Node end-of-life banner (`!!` lines). */
const lastLine = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('!!'))
    .pop();

async function renderDocs(root: string, dir: string): Promise<Record<string, string>> {
  const docgen = path.join(root, 'node_modules', '.bin', 'jsii-docgen');
  const write = ({ language, file }: (typeof API_DOCS)[number]) =>
    new Promise<void>((resolve, reject) =>
      execFile(
        docgen,
        ['-l', language, '-o', path.join(dir, file)],
        { cwd: root, encoding: 'utf8' },
        (error, _stdout, stderr) =>
          error
            ? reject(new Error(`jsii-docgen -l ${language}: ${lastLine(stderr) ?? error.message}`))
            : resolve(),
      ),
    );
  await Promise.all(API_DOCS.map(write));
  return Object.fromEntries(
    API_DOCS.map(({ file }) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]),
  );
}

async function main() {
  const root = path.join(__dirname, '..');
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  const run = (name: string, args: string[]) =>
    execFileSync(bin(name), args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-api-'));
  try {
    run('jsii', JSII_ARGS);
    const rendered = await renderDocs(root, work);
    if (process.argv.includes('--write')) {
      for (const [file, text] of Object.entries(rendered)) fs.writeFileSync(path.join(root, file), text);
      console.log(`wrote ${Object.keys(rendered).join(', ')}`);
      return;
    }
    const stale = staleDocs(root, rendered);
    if (stale.length > 0) {
      throw new Error(
        `${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} stale: run \`npm run docgen\` and commit`,
      );
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
    console.log(
      `jsii: 0 errors, 0 warnings; ${API_DOCS.map((d) => d.file).join(', ')} are fresh; Python and Java bindings generated`,
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    // A failed gate is one line (the tools have already printed their own diagnostics).
    console.error(`check:api: ${(error as Error).message.split('\n')[0]}`);
    if (process.env.DEBUG) console.error(error);
    process.exitCode = 1;
  });
}
