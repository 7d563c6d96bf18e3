import { Browser, chromium } from 'playwright-core';
import { findBrowser, systemBrowserLookup } from './browser-path';

/**
 * Headless Chromium (or Chrome) as the browser tests and the bench run it: found on this machine, never
 * downloaded, with nothing that calls home, and `localhost` resolving to 127.0.0.1 only.
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const found = findBrowser(systemBrowserLookup());
  if (!found.found) throw new Error(`No Chromium or Chrome for the browser tests: ${found.howToInstall}`);
  return chromium.launch({
    executablePath: found.path,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // never ::1 or anything but loopback v4; `*.localhost` is the HTTPS S3 endpoint's virtual hosts
      '--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1',
      ...extraArgs,
    ],
  });
}
