import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { PORT_OFFSETS } from '../../emulator/local/environment';
import { localCertificate, type LocalCertificate } from '../../emulator/services/local-certificate';
import { launchBrowser } from '../../scripts/launch-browser';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run local` started as a process on free ports, and a Chromium that trusts its HTTPS front. */
export interface LocalWithBrowser {
  readonly local: ChildProcess;
  readonly browser: Browser;
  /** The web client's origin, `http://127.0.0.1:<port>`. */
  readonly web: string;
  readonly dataDir: string;
  readonly certificate: LocalCertificate;
}

/**
 * Starts both at once. The certificate is made first, in the stack's data directory (which then
 * keeps it), so that Chromium starts trusting exactly its key while the stack starts.
 */
export async function startLocalWithBrowser(
  dataPrefix: string,
  localArgs: string[] = [],
): Promise<LocalWithBrowser> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), dataPrefix));
  const portBase = await freePortBase();
  const certificate = await localCertificate(dataDir);
  const local = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register',
      'scripts/local.ts',
      '--port-base',
      String(portBase),
      '--data-dir',
      dataDir,
      ...localArgs,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [, browser] = await Promise.all([
    readyLine(local),
    launchBrowser([`--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`]),
  ]);
  return { local, browser, web: `http://127.0.0.1:${portBase}`, dataDir, certificate };
}

/** The first line that says the stack is ready; rejects with everything printed if it exits first. */
export function readyLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('ready in'));
      if (line) resolve(line);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm run local exited with ${code}:\n${output}`)));
  });
}

/**
 * A port base whose ports (every offset of PORT_OFFSETS) are all free now, below the ports the OS
 * hands out for `listen(0)` and outgoing connections (Linux 32768-60999 by default,
 * net.ipv4.ip_local_port_range; macOS 49152-65535): another test's ephemeral port can then never
 * take one of ours between this check and the stack's start (it did once, in CI).
 */
export async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Object.values(PORT_OFFSETS).map((o) => canListen(base + o)));
    if (free.every(Boolean)) return base;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
