import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrowserLookup, findBrowser } from '../../scripts/browser-path';

/** A machine whose only executables are `files`, and whose directories hold `dirs`. */
function machine(
  platform: NodeJS.Platform,
  files: string[],
  env: Record<string, string> = {},
  dirs: Record<string, string[]> = {},
): BrowserLookup {
  return {
    env,
    platform,
    homedir: '/home/dev',
    isExecutable: (file) => files.includes(file),
    listDir: (dir) => dirs[dir] ?? [],
  };
}

const PLAYWRIGHT_LINUX = '/home/dev/.cache/ms-playwright';

describe('findBrowser', () => {
  test('CHROME_PATH wins over everything else', () => {
    const found = findBrowser(
      machine('linux', ['/opt/my/chrome', '/usr/bin/chromium'], { CHROME_PATH: '/opt/my/chrome' }),
    );
    expect(found).toEqual({ found: true, path: '/opt/my/chrome', source: 'CHROME_PATH' });
  });

  test('a CHROME_PATH that is not executable is an error, not a fall-through', () => {
    const found = findBrowser(machine('linux', ['/usr/bin/chromium'], { CHROME_PATH: '/nope/chrome' }));
    expect(found.found).toBe(false);
    expect(!found.found && found.howToInstall).toMatch(/CHROME_PATH is set to \/nope\/chrome/);
  });

  test("playwright's newest cached build comes before the system browser", () => {
    const newest = `${PLAYWRIGHT_LINUX}/chromium-1200/chrome-linux64/chrome`;
    const found = findBrowser(
      machine(
        'linux',
        [`${PLAYWRIGHT_LINUX}/chromium-1100/chrome-linux/chrome`, newest, '/usr/bin/chromium'],
        {},
        {
          [PLAYWRIGHT_LINUX]: ['chromium-1100', 'chromium-1200', 'ffmpeg-1011'],
        },
      ),
    );
    expect(found).toEqual({ found: true, path: newest, source: 'playwright cache' });
  });

  test('PLAYWRIGHT_BROWSERS_PATH moves the cache', () => {
    const exe = '/cache/chromium-7/chrome-linux/chrome';
    const found = findBrowser(
      machine('linux', [exe], { PLAYWRIGHT_BROWSERS_PATH: '/cache' }, { '/cache': ['chromium-7'] }),
    );
    expect(found).toMatchObject({ found: true, path: exe });
  });

  test.each(['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'])(
    'finds %s on Linux',
    (exe) => {
      expect(findBrowser(machine('linux', [exe]))).toEqual({ found: true, path: exe, source: 'system' });
    },
  );

  test('finds Google Chrome in /Applications on macOS, and never a Linux path there', () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findBrowser(machine('darwin', [chrome, '/usr/bin/chromium']))).toMatchObject({ path: chrome });
    expect(findBrowser(machine('darwin', ['/usr/bin/chromium'])).found).toBe(false);
  });

  test('with none found it lists where it looked and the exact command to run', () => {
    const linux = findBrowser(machine('linux', []));
    expect(linux.found).toBe(false);
    expect(!linux.found && linux.tried).toContain('/usr/bin/chromium');
    expect(!linux.found && linux.howToInstall).toMatch(/apt-get install chromium.*dnf install chromium/);
    const mac = findBrowser(machine('darwin', []));
    expect(!mac.found && mac.howToInstall).toMatch(/brew install --cask chromium/);
  });
});

describe('ensure-browser script', () => {
  const script = path.join(__dirname, '..', '..', 'scripts', 'ensure-browser.ts');
  const run = (env: Record<string, string>) =>
    execFileSync(process.execPath, ['-r', 'ts-node/register', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  test('passes with a fake CHROME_PATH that is executable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-chrome-'));
    const fake = path.join(dir, 'chrome');
    fs.writeFileSync(fake, '#!/bin/sh\n', { mode: 0o755 });
    expect(() => run({ CHROME_PATH: fake })).not.toThrow();
  });

  test('fails with the exact fix, and installs nothing, when CHROME_PATH names no browser', () => {
    let stderr = '';
    try {
      run({ CHROME_PATH: '/nonexistent/chrome' });
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/Run: CHROME_PATH is set to \/nonexistent\/chrome/);
    expect(stderr).not.toMatch(/installing/i);
  });
});
