/** What the tarball packs beside dist/ (package.json's "files" globs then pick from these). */
export const PACKED_BESIDE_DIST = [
  '.jsii',
  'README.md',
  'API.md',
  'API.python.md',
  'API.java.md',
  'docs',
  'LICENSE',
] as const;
