/**
 * Bench section about `npm run local`: whole-process wall time from start until the web client
 * answers, and from Ctrl-C (SIGINT) until the process has exited; and the reference web client's
 * bundle size. Printed, never asserted.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { bundleWebClient } from '../examples/web/build';

const ROOT = path.join(__dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function oneRun(portBase: number): Promise<{ start: number; stop: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-local-'));
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/local.ts', '--port-base', String(portBase), '--data-dir', dataDir],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  while (!(await answers(portBase))) {
    if (child.exitCode !== null) throw new Error(`npm run local exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const start = seconds(started);
  const stopping = process.hrtime.bigint();
  child.kill('SIGINT');
  await exited;
  const stop = seconds(stopping);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { start, stop };
}

/** `npm run local` start and stop times (median of `runs`), and the web client bundle. */
export async function localSection(runs = 3): Promise<string[][]> {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await oneRun(30_000 + i * 10));
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(2)} s (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;
  const files = await bundleWebClient(false);
  const bundle = Buffer.concat(['/app.js', '/app.css'].map((name) => Buffer.from(files.get(name)!.body)));
  return [
    [`start until the web client answers (median of ${runs})`, fmt(times.map((t) => t.start))],
    ['Ctrl-C until the process has exited', fmt(times.map((t) => t.stop))],
    [
      'file browser bundle, app.js + app.css, minified (raw / gzip)',
      `${(bundle.length / 1024).toFixed(1)} KiB / ${(gzipSync(bundle).length / 1024).toFixed(1)} KiB`,
    ],
  ];
}
