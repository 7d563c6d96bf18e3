import type { ChildProcess } from 'child_process';
import * as net from 'net';
import { PORT_OFFSETS } from '../../emulator/local/environment';

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

/** A port base whose ports (every offset of PORT_OFFSETS) are all free now. */
export async function freePortBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
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
