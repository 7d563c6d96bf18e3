/**
 * The jsii gate CI runs after `npm test` (`npm run check:api`):
 * 1. jsii compiles the library with warnings as errors;
 * 2. jsii-docgen regenerates the API reference in TypeScript, Python and Java, each of which must
 *    equal its committed file (API.md, API.python.md, API.java.md);
 * 3. jsii-rosetta compiles the README's TypeScript example for importers against the assembly and
 *    translates it to Python, which must equal the README's Python example;
 * 4. jsii-pacmak generates the Python and Java bindings (code only: no Python or Java toolchain).
 * With `--write` it rewrites the three references and the Python example instead of comparing
 * (`npm run docgen`).
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

/**
 * The README's section for importers: its first ```ts block is the example, its first ```python
 * block the same in Python.
 */
export const IMPORTER_SECTION = '## Use the constructs in your own stack';

/** The body of the first block of `language` in the README's section for importers, and where it sits. */
export function exampleBlock(readme: string, language: 'ts' | 'python') {
  const section = readme.indexOf(`\n${IMPORTER_SECTION}\n`);
  if (section < 0) throw new Error(`README.md has no "${IMPORTER_SECTION}" section`);
  const fence = new RegExp(`^\`\`\`${language}\n([\\s\\S]*?)^\`\`\`$`, 'm');
  const match = fence.exec(readme.slice(section));
  if (!match) throw new Error(`README.md has no \`\`\`${language} block under "${IMPORTER_SECTION}"`);
  const start = section + match.index + `\`\`\`${language}\n`.length;
  return { body: match[1], start, end: start + match[1].length };
}

/** The README with its Python example replaced by `python`. */
export function withPythonExample(readme: string, python: string): string {
  const { start, end } = exampleBlock(readme, 'python');
  return `${readme.slice(0, start)}${python.trimEnd()}\n${readme.slice(end)}`;
}

/** What `jsii-rosetta extract --cache-to` writes: each snippet's source and its translations. */
interface Tablet {
  readonly snippets: Record<
    string,
    { readonly didCompile?: boolean; readonly translations: Record<string, { readonly source: string }> }
  >;
}

/** The Python rosetta wrote for `typescript`, which must have compiled against the library. */
export function pythonOf(tablet: Tablet, typescript: string): string {
  const snippet = Object.values(tablet.snippets).find(
    (s) => s.translations.$?.source === typescript.trimEnd(),
  );
  if (!snippet) throw new Error("jsii-rosetta did not translate the README's TypeScript example");
  if (!snippet.didCompile)
    throw new Error("the README's TypeScript example does not compile for jsii-rosetta");
  const python = snippet.translations.python?.source;
  if (python === undefined)
    throw new Error("jsii-rosetta wrote no Python for the README's TypeScript example");
  return `${python}\n`;
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
    // jsii put the README into the assembly; rosetta compiles its TypeScript blocks against the
    // library (others, such as the browser snippets, may fail: only the importer example must
    // compile) and caches what it translated in the tablet, and beside the assembly.
    const tablet = path.join(work, 'rosetta.tabl.json');
    // Quiet: its diagnostics on the other snippets (the team-folders fragment) are not failures.
    execFileSync(bin('jsii-rosetta'), ['extract', '--compile', '--cache-to', tablet, '.jsii'], {
      cwd: root,
      stdio: 'pipe',
    });
    fs.rmSync(path.join(root, '.jsii.tabl.json'), { force: true });
    const readmeFile = path.join(root, 'README.md');
    const readme = fs.readFileSync(readmeFile, 'utf8');
    const translated = pythonOf(JSON.parse(fs.readFileSync(tablet, 'utf8')), exampleBlock(readme, 'ts').body);
    if (process.argv.includes('--write')) {
      for (const [file, text] of Object.entries(rendered)) fs.writeFileSync(path.join(root, file), text);
      fs.writeFileSync(readmeFile, withPythonExample(readme, translated));
      console.log(`wrote ${Object.keys(rendered).join(', ')} and the README's Python example`);
      return;
    }
    if (exampleBlock(readme, 'python').body !== translated) {
      throw new Error(
        "README.md's Python example is not jsii-rosetta's translation of its TypeScript one: run `npm run docgen`",
      );
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
      `jsii: 0 errors, 0 warnings; ${API_DOCS.map((d) => d.file).join(', ')} and the README's Python example are fresh; Python and Java bindings generated`,
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
