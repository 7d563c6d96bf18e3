/**
 * The README and the pages under docs/ read in an editor and hold together: no table cell is too
 * long to read without scrolling, every relative link and anchor points at something that exists,
 * and nothing points outside the repository's own files.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const PAGES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => fs.readFileSync(path.join(ROOT, page), 'utf8');
/** A table cell past this is a paragraph in disguise: write it as prose or a list. */
const MAX_CELL = 200;

/** The page without its fenced code blocks, line numbers kept. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

describe.each(PAGES)('%s', (page) => {
  const text = read(page);
  const lines = prose(text);

  test(`has no table cell longer than ${MAX_CELL} characters`, () => {
    const long = lines.flatMap((line, i) =>
      /^\s*\|/.test(line)
        ? line
            .trim()
            .replace(/^\||\|$/g, '')
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim())
            .filter((cell) => cell.length > MAX_CELL)
            .map((cell) => `line ${i + 1}: ${cell.length} characters: ${cell.slice(0, 60)}…`)
        : [],
    );
    expect(long).toEqual([]);
  });

  test('links only to files and headings that exist', () => {
    const targets = lines
      .map((line) => line.replace(/`[^`]*`/g, ''))
      .flatMap((line) => [...line.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]))
      .filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    const broken = targets.filter((target) => {
      const [file, anchor] = target.split('#');
      const resolved = file ? path.join(path.dirname(path.join(ROOT, page)), file) : path.join(ROOT, page);
      if (!fs.existsSync(resolved)) return true;
      return (
        anchor !== undefined &&
        resolved.endsWith('.md') &&
        !anchors(fs.readFileSync(resolved, 'utf8')).has(anchor)
      );
    });
    expect(broken).toEqual([]);
  });

  test('stands alone: nothing outside the repository is referred to by path', () => {
    const relative = path.relative(ROOT, path.join(ROOT, page));
    const outside = [...text.matchAll(/\]\(([^)\s#]+)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) =>
        path.relative(ROOT, path.join(path.dirname(path.join(ROOT, relative)), target)).startsWith('..'),
      );
    expect(outside).toEqual([]);
    expect(text).not.toMatch(/\.\.\/shared\b|\/work\/shared\b/);
  });
});

test('anchors are made as GitHub makes them', () => {
  const made = anchors(
    "# A title\n## Team folders (optional)\n## Sharing the account's OIDC provider\n## `verify`\n## `verify`\n",
  );
  expect([...made]).toEqual([
    'a-title',
    'team-folders-optional',
    'sharing-the-accounts-oidc-provider',
    'verify',
    'verify-1',
  ]);
});
