import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { PORT_OFFSETS } from '../../emulator/local/environment';
import { LocalArgsError, main, parseLocalArgs } from '../../scripts/local';
import { freePortBase } from '../browser/local-process';

const ROOT = path.join(__dirname, '..', '..');

describe('npm run local arguments', () => {
  test('defaults: port base 4400, data in .local/, no reset, the configuration’s first environment', () => {
    expect(parseLocalArgs([])).toEqual({
      env: undefined,
      portBase: 4400,
      dataDir: path.join(ROOT, '.local'),
      reset: false,
    });
  });

  test('every option, in both spellings', () => {
    expect(parseLocalArgs(['--env', 'prod', '--port-base=5000', '--data-dir', 'tmp/x', '--reset'])).toEqual({
      env: 'prod',
      portBase: 5000,
      dataDir: path.resolve('tmp/x'),
      reset: true,
    });
  });

  test('--sharing turns share links and file requests on; it takes no value', () => {
    expect(parseLocalArgs(['--sharing'])).toMatchObject({ sharing: true, reset: false });
    expect(() => parseLocalArgs(['--sharing=yes'])).toThrow(LocalArgsError);
  });

  test('every problem is listed at once, then the usage', () => {
    let message = '';
    try {
      parseLocalArgs([
        '--port-base',
        '70000',
        '--nope',
        'stray',
        '--env',
        '--env=a',
        '--env=b',
        '--reset=yes',
      ]);
    } catch (e) {
      expect(e).toBeInstanceOf(LocalArgsError);
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'unknown option --nope',
      'unexpected argument stray',
      '--env needs a value',
      '--env is given twice',
      '--reset takes no value',
      '--port-base must be a whole number from 1024 to 65528, got "70000"',
      'Usage: npm run local -- [--env NAME] [--port-base N] [--data-dir DIR] [--reset] [--sharing]',
    ]);
  });

  test('an unknown option names the nearest one; --help prints the options and exits 0', async () => {
    expect(() => parseLocalArgs(['--port-bse', '5000'])).toThrow(
      'unknown option --port-bse; did you mean --port-base?',
    );
    expect(parseLocalArgs(['--help', '--nope'])).toMatchObject({ help: true });
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((t) => (out.push(String(t)), true));
    try {
      expect(await main(['--help'], false)).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(out.join('')).toContain('Usage: npm run local -- [options]');
    expect(out.join('')).toContain('--port-base N');
  });

  test.each([['0'], ['1023'], ['4400.5'], ['-1'], ['65530']])('refuses --port-base %s', (base) => {
    expect(() => parseLocalArgs(['--port-base', base])).toThrow('--port-base must be a whole number');
  });

  test('the command prints bad arguments once, without a stack trace, and exits 1 having started nothing', () => {
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register', 'scripts/local.ts', '--bogus'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DEBUG: '' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('local: '));
    expect(lines).toEqual([
      'local: unknown option --bogus',
      expect.stringMatching(/^local: Usage: npm run local/),
    ]);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('an environment the configuration lacks is a configuration problem: listed once, exit 1, no trace', async () => {
    const { code, lines } = await runMain(['--env', 'nope']);
    expect(code).toBe(1);
    expect(lines).toEqual([
      'local: Invalid okta-s3-storage configuration (1 problem):',
      expect.stringMatching(/^local: {3}- env: expected dev, prod, all .*got "nope"$/),
    ]);
  });

  test('a port in use: one line naming it, exit 1, and nothing left listening', async () => {
    const base = await freePortBase();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(base + PORT_OFFSETS.api, '127.0.0.1', resolve));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-local-'));
    try {
      const { code, lines } = await runMain(['--port-base', String(base), '--data-dir', dataDir]);
      expect(code).toBe(1);
      expect(lines).toEqual([
        `local: port ${base + PORT_OFFSETS.api} is in use: stop what holds it, or move every port with --port-base`,
      ]);
      const others = Object.values(PORT_OFFSETS).filter((o) => o !== PORT_OFFSETS.api);
      const open = [];
      for (const offset of others) if (await answers(base + offset)) open.push(base + offset);
      expect(open).toEqual([]);
    } finally {
      blocker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('npm run local stops cleanly on a signal sent to the npm process', () => {
  // Ctrl-C signals the whole process group; `kill <npm pid>` reaches only npm, which forwards
  // SIGINT and SIGTERM to its child, and dies of SIGHUP. Each must leave no port open.
  test.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s to npm: every port closed, the local process gone',
    async (signal) => {
      const base = await freePortBase();
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-local-signal-'));
      const npm = spawn('npm', ['run', 'local', '--', '--port-base', String(base), '--data-dir', dataDir], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, npm_config_loglevel: 'error' },
      });
      let output = '';
      npm.stdout.on('data', (chunk) => (output += chunk));
      npm.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
      try {
        await new Promise<void>((resolve, reject) => {
          const poll = setInterval(() => {
            if (/ready in/.test(output)) {
              clearInterval(poll);
              resolve();
            } else if (npm.exitCode !== null) {
              clearInterval(poll);
              reject(new Error(output));
            }
          }, 100);
        });
        const ports = Object.values(PORT_OFFSETS).map((o) => base + o);
        expect((await Promise.all(ports.map(answers))).every(Boolean)).toBe(true);
        npm.kill(signal);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        // The local process may outlive npm by the time it takes to close its servers.
        const deadline = Date.now() + 10_000;
        let open = ports;
        while (open.length && Date.now() < deadline) {
          const answered = await Promise.all(open.map(answers));
          open = open.filter((_, i) => answered[i]);
          if (open.length) await new Promise((r) => setTimeout(r, 200));
        }
        expect(open).toEqual([]);
        // A closed port stops listening at once; the process exits once its servers' close
        // callbacks have run (the HTTPS front's among them), within the same deadline.
        const running = () =>
          spawnSync('pgrep', ['-f', '--', `--data-dir ${dataDir}`], { encoding: 'utf8' }).stdout.trim();
        let left = running();
        while (left && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          left = running();
        }
        expect(left).toBe('');
      } finally {
        if (npm.exitCode === null) npm.kill('SIGKILL');
        // What a failed stop left behind: the local process of this run only, by its id.
        const pids = spawnSync('pgrep', ['-f', '--', `--data-dir ${dataDir}`], { encoding: 'utf8' }).stdout;
        for (const pid of pids.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

/** `main` in this process, as without DEBUG: its exit code and every line it printed (stack traces included). */
async function runMain(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const spies = (['log', 'error'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(...args.map(String).join(' ').split('\n'));
    }),
  );
  try {
    return { code: await main(argv, false), lines };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
