/**
 * Where the browser tests find Chromium or Chrome, on any machine Node runs on. Pure: the file
 * system and the environment are passed in, so the order is testable without a browser.
 */
import * as path from 'path';

export interface BrowserLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  readonly homedir: string;
  /** Whether an executable file exists at a path. */
  readonly isExecutable: (file: string) => boolean;
  /** The entries of a directory, or [] when it does not exist. */
  readonly listDir: (dir: string) => readonly string[];
}

export type BrowserFound =
  | { readonly found: true; readonly path: string; readonly source: string }
  | { readonly found: false; readonly tried: readonly string[]; readonly howToInstall: string };

const LINUX_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

const MAC_PATHS = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Executables inside one playwright `chromium-<build>` folder, newest layouts first. */
const PLAYWRIGHT_EXECUTABLES: Readonly<Record<string, readonly string[]>> = {
  linux: ['chrome-linux64/chrome', 'chrome-linux/chrome'],
  darwin: [
    'chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  ],
};

/**
 * `CHROME_PATH`, then playwright's browser cache, then the usual Linux paths, then the macOS
 * applications. The first executable wins; `CHROME_PATH` naming a missing file is an error rather
 * than a silent fall-through, because the person who set it meant that browser.
 */
export function findBrowser(lookup: BrowserLookup): BrowserFound {
  const tried: string[] = [];
  const chromePath = lookup.env.CHROME_PATH;
  if (chromePath) {
    if (lookup.isExecutable(chromePath)) return { found: true, path: chromePath, source: 'CHROME_PATH' };
    return {
      found: false,
      tried: [chromePath],
      howToInstall: `CHROME_PATH is set to ${chromePath}, which is not an executable file: fix or unset it`,
    };
  }
  const candidates: [string, string][] = [
    ...playwrightCandidates(lookup).map((p): [string, string] => [p, 'playwright cache']),
    ...(lookup.platform === 'linux' ? LINUX_PATHS : []).map((p): [string, string] => [p, 'system']),
    ...(lookup.platform === 'darwin' ? MAC_PATHS : []).map((p): [string, string] => [p, 'Applications']),
  ];
  for (const [candidate, source] of candidates) {
    tried.push(candidate);
    if (lookup.isExecutable(candidate)) return { found: true, path: candidate, source };
  }
  return { found: false, tried, howToInstall: installHint(lookup) };
}

function playwrightCache(lookup: BrowserLookup): string {
  if (lookup.env.PLAYWRIGHT_BROWSERS_PATH) return lookup.env.PLAYWRIGHT_BROWSERS_PATH;
  return lookup.platform === 'darwin'
    ? path.join(lookup.homedir, 'Library', 'Caches', 'ms-playwright')
    : path.join(lookup.homedir, '.cache', 'ms-playwright');
}

/** `chromium-<build>` folders, highest build first. */
function playwrightCandidates(lookup: BrowserLookup): string[] {
  const cache = playwrightCache(lookup);
  const builds = lookup
    .listDir(cache)
    .filter((name) => /^chromium-\d+$/.test(name))
    .sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  const executables = PLAYWRIGHT_EXECUTABLES[lookup.platform] ?? [];
  return builds.flatMap((build) => executables.map((exe) => path.join(cache, build, exe)));
}

/** The exact command for this machine; the tests never download a browser themselves. */
function installHint(lookup: BrowserLookup): string {
  const help = 'or set CHROME_PATH to a Chromium or Chrome executable';
  if (lookup.platform === 'darwin') return `brew install --cask chromium (${help})`;
  if (lookup.platform === 'linux') {
    return `sudo apt-get install chromium on Debian or Ubuntu, sudo dnf install chromium on Fedora (${help})`;
  }
  return `Install Chromium or Chrome and set CHROME_PATH to its executable`;
}

/** The lookup on this machine. */
export function systemBrowserLookup(): BrowserLookup {
  // Required lazily so the pure lookup above stays importable without touching the disk.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs: typeof import('fs') = require('fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os: typeof import('os') = require('os');
  return {
    env: process.env,
    platform: process.platform,
    homedir: os.homedir(),
    isExecutable: (file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    },
    listDir: (dir) => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}
