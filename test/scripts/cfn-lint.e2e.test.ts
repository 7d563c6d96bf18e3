import { spawnSync } from 'child_process';
import * as path from 'path';

/** `npm run lint:cfn` on a machine without cfn-lint, run as the command it is. */
const ROOT = path.join(__dirname, '..', '..');

test('without cfn-lint, the script says how to install it in one line and exits 1', () => {
  // PATH holds only node's own directory: no cfn-lint, whatever this machine has installed.
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register', 'scripts/cfn-lint.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: path.dirname(process.execPath) },
  });
  expect(r.stderr.trimEnd().split('\n')).toEqual([
    expect.stringMatching(/^lint:cfn: cfn-lint is not installed\. .*`pip install cfn-lint`/),
  ]);
  expect(r.status).toBe(1);
}, 30_000);
