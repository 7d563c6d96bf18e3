/**
 * Makes sure the browser tests have Chromium or Chrome (see browser-path.ts for the order). On a
 * Debian or Ubuntu machine running as root, a missing browser is installed with apt, and this says
 * so; anywhere else it stops with the exact command to run. It never skips the browser tests.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { findBrowser, systemBrowserLookup } from './browser-path';

function main(): number {
  const first = findBrowser(systemBrowserLookup());
  if (first.found) return 0;
  const canInstall =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    !process.env.CHROME_PATH;
  if (!canInstall) {
    console.error(`No Chromium or Chrome for the browser tests. Looked in:\n  ${first.tried.join('\n  ')}`);
    console.error(`Run: ${first.howToInstall}`);
    return 1;
  }
  console.error("No Chromium found: installing Debian's chromium package with apt-get (running as root)...");
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const second = findBrowser(systemBrowserLookup());
  if (!second.found) {
    console.error('apt-get installed chromium, but no executable was found where expected.');
    return 1;
  }
  console.error(`Installed ${second.path}.`);
  return 0;
}

process.exitCode = main();
