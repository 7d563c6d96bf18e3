import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main as dispatch } from '../../cli/main';
import { main, RESTORE_HELP } from '../../cli/restore/main';
import { REQUIRED_OUTPUTS } from '../../cli/verify/outputs';
import { BOB, memoryStore } from '../lambda/offboarding/fixtures';

async function run(argv: string[], bucket = memoryStore()) {
  let out = '';
  let err = '';
  const stores: [string, string][] = [];
  const code = await main(argv, {
    out: { write: (t: string) => (out += t) },
    err: { write: (t: string) => (err += t) },
    store: (name, region) => (stores.push([name, region]), bucket.store),
  });
  return { code, out, err, stores };
}

function offboardedBob() {
  const bucket = memoryStore();
  bucket.put(`offboarded/${BOB}/a.txt`, 'a');
  bucket.put(`offboarded/${BOB}/deep/b.txt`, 'bb');
  bucket.put(`offboarded/00uOther0000000000001/c.txt`, 'other');
  return bucket;
}

describe('okta-s3-storage restore-offboarded', () => {
  test('moves offboarded/<sub>/ back to users/<sub>/ and nobody else’s files', async () => {
    const bucket = offboardedBob();
    const r = await run(['--user', BOB, '--bucket', 'files', '--region', 'eu-west-1'], bucket);
    expect(r).toMatchObject({ code: 0, err: '', stores: [['files', 'eu-west-1']] });
    expect(JSON.parse(r.out)).toEqual({
      restored: true,
      bucket: 'files',
      from: `offboarded/${BOB}/`,
      to: `users/${BOB}/`,
      moved: 2,
      resumed: 0,
      bytes: 3,
    });
    expect(bucket.contents('users/')).toEqual({
      [`users/${BOB}/a.txt`]: 'a',
      [`users/${BOB}/deep/b.txt`]: 'bb',
    });
    expect(Object.keys(bucket.contents('offboarded/'))).toEqual(['offboarded/00uOther0000000000001/c.txt']);
  });

  test('--dry-run counts and moves nothing', async () => {
    const bucket = offboardedBob();
    const r = await run(['--user', BOB, '--bucket', 'files', '--region', 'eu-west-1', '--dry-run'], bucket);
    expect(JSON.parse(r.out)).toMatchObject({ dryRun: true, objects: 2, bytes: 3 });
    expect(bucket.contents('users/')).toEqual({});
  });

  test('reads the bucket and region from the deployment outputs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-'));
    const file = path.join(dir, 'outputs.json');
    const outputs = Object.fromEntries(REQUIRED_OUTPUTS.map((name) => [name, `https://${name}.example`]));
    fs.writeFileSync(
      file,
      JSON.stringify({ Store: { ...outputs, BucketName: 'from-outputs', Region: 'us-east-1' } }),
    );
    try {
      const r = await run(['--user', BOB, '--outputs', file, '--dry-run']);
      expect(r.stores).toEqual([['from-outputs', 'us-east-1']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a move interrupted halfway finishes when run again, with no loss', async () => {
    const bucket = offboardedBob();
    bucket.crash('remove', 1);
    const first = await run(['--user', BOB, '--bucket', 'files', '--region', 'eu-west-1'], bucket);
    expect(first.code).toBe(1);
    expect(first.err).toContain('run it again to continue');
    const second = await run(['--user', BOB, '--bucket', 'files', '--region', 'eu-west-1'], bucket);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ moved: 2, resumed: 1 });
    expect(Object.keys(bucket.contents(`users/${BOB}/`))).toHaveLength(2);
  });

  test.each([
    [['--bucket', 'files', '--region', 'eu-west-1'], '--user: an Okta user id'],
    [['--user', '../x', '--bucket', 'files', '--region', 'r'], '--user: an Okta user id'],
    [['--user', BOB, '--bucket', 'files'], '--region: required with --bucket'],
    [['--user', BOB, '--outputs', '/nonexistent/o.json'], 'Outputs file not found'],
    [['--usr', BOB], 'unknown option --usr; did you mean --user?'],
    [['--user'], '--user needs a value'],
  ])('%j is refused with a clear message and moves nothing', async (argv, message) => {
    const bucket = offboardedBob();
    const r = await run(argv, bucket);
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toContain(message);
    expect(bucket.contents('users/')).toEqual({});
  });

  test('--help, and the package bin dispatches to it', async () => {
    expect(await run(['--help'])).toMatchObject({ code: 0, out: RESTORE_HELP });
    let out = '';
    const code = await dispatch(['restore-offboarded', '--help'], {
      out: { write: (t: string) => (out += t) },
      err: { write: () => undefined },
      clients: () => {
        throw new Error('no client');
      },
    });
    expect([code, out]).toEqual([0, RESTORE_HELP]);
  });
});
