/**
 * The API references and the README's Python example that `npm run docgen` writes and
 * `npm run check:api` compares. Rendering them takes jsii, jsii-docgen and jsii-rosetta, about two
 * minutes, so CI's check:api does that; here the comparisons themselves, and the committed files
 * against each other.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { API_DOCS, exampleBlock, pythonOf, staleDocs, withPythonExample } from '../../scripts/check-api';

const ROOT = path.join(__dirname, '..', '..');
const committed = () =>
  Object.fromEntries(API_DOCS.map(({ file }) => [file, fs.readFileSync(path.join(ROOT, file), 'utf8')]));

describe('staleDocs', () => {
  test('nothing is stale when every reference equals what jsii-docgen wrote', () => {
    expect(staleDocs(ROOT, committed())).toEqual([]);
  });

  test('a stale language reference is named, whichever language it is', () => {
    for (const { file } of API_DOCS) {
      const fresh = { ...committed(), [file]: `${committed()[file]}\n### NewConstruct\n` };
      expect(staleDocs(ROOT, fresh)).toEqual([file]);
    }
  });

  test('a missing reference is stale', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-api-docs-'));
    try {
      expect(staleDocs(empty, committed())).toEqual(API_DOCS.map((d) => d.file));
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the committed API references', () => {
  test('are TypeScript, Python and Java, in the files the README links', () => {
    expect(API_DOCS.map((d) => [d.language, d.file])).toEqual([
      ['typescript', 'API.md'],
      ['python', 'API.python.md'],
      ['java', 'API.java.md'],
    ]);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const { file } of API_DOCS) expect(readme).toContain(`](${file})`);
  });

  /**
   * Every type, property and method has an anchor named by its jsii name in every language, so a
   * reference left behind after an API change (API.md regenerated, the others not) shows here.
   * Parameters differ on purpose: Python and Java flatten a props struct into its fields.
   */
  test('document the same types and members in every language', () => {
    const anchors = (text: string) =>
      [...new Set([...text.matchAll(/ id="(okta-s3-storage\.[^"]+)"/g)].map((m) => m[1]))]
        .filter((id) => !/\.parameter\.|\.Initializer$/.test(id))
        .sort();
    const [typescript, ...others] = API_DOCS.map(({ file }) => anchors(committed()[file]));
    expect(typescript.length).toBeGreaterThan(100);
    for (const other of others) expect(other).toEqual(typescript);
  });

  test('show each language its own syntax', () => {
    const docs = committed();
    expect(docs['API.python.md']).toContain('```python\nimport okta_s3_storage\n');
    expect(docs['API.java.md']).toContain('```java\nimport io.github.oktas3storage.');
  });
});

describe("the README's Python example", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const typescript = exampleBlock(readme, 'ts').body;
  const python = exampleBlock(readme, 'python').body;
  /** A tablet as `jsii-rosetta extract --cache-to` writes it, with the README's snippet in it. */
  const tablet = (didCompile: boolean, translated = python.trimEnd()) => ({
    snippets: {
      other: { didCompile: false, translations: { $: { source: 'teamFolders: [],' } } },
      importer: {
        didCompile,
        translations: { $: { source: typescript.trimEnd() }, python: { source: translated } },
      },
    },
  });

  test('follows the TypeScript example under the same heading, the one the package tests compile', () => {
    expect(typescript).toMatch(/new OktaS3Storage\(/);
    expect(python).toMatch(/OktaS3Storage\(stack, "Files",/);
    expect(exampleBlock(readme, 'python').start).toBeGreaterThan(exampleBlock(readme, 'ts').end);
  });

  test("is found in rosetta's tablet by the TypeScript it translates", () => {
    expect(pythonOf(tablet(true), typescript)).toBe(python);
  });

  test('is refused when the TypeScript did not compile for rosetta, or was not translated', () => {
    expect(() => pythonOf(tablet(false), typescript)).toThrow(/does not compile/);
    expect(() => pythonOf(tablet(true), `${typescript}\nconst changed = 1;\n`)).toThrow(/did not translate/);
  });

  test('a changed translation replaces the block and nothing else', () => {
    const changed = `${python}print("changed")\n`;
    const rewritten = withPythonExample(readme, changed);
    expect(exampleBlock(rewritten, 'python').body).toBe(changed);
    expect(rewritten.replace(changed, python)).toBe(readme);
    expect(withPythonExample(readme, python)).toBe(readme);
  });
});
