import * as fs from 'fs';
import * as path from 'path';
import { contentHash, keptJson, PROJECT_DIR } from '../../emulator/local/kept-between-starts';

/** A folder of the repository's own (hashes are of paths inside it), removed afterwards. */
const scratch = path.join('node_modules', '.cache', 'okta-s3-storage', `kept-test-${process.pid}`);
const file = path.join(scratch, 'source.txt');
beforeAll(() => {
  fs.mkdirSync(path.join(PROJECT_DIR, scratch), { recursive: true });
  fs.writeFileSync(path.join(PROJECT_DIR, file), 'first');
});
afterAll(() => {
  fs.rmSync(path.join(PROJECT_DIR, scratch), { recursive: true, force: true });
  fs.rmSync(
    path.join(PROJECT_DIR, 'node_modules', '.cache', 'okta-s3-storage', `kept-test-${process.pid}-kept`),
    {
      recursive: true,
      force: true,
    },
  );
});

describe('what npm run local keeps between starts', () => {
  test('is named by the contents of its sources and by its settings', () => {
    const first = contentHash([scratch], { env: 'dev' });
    expect(contentHash([scratch], { env: 'dev' })).toBe(first);
    expect(contentHash([scratch], { env: 'prod' })).not.toBe(first);
    fs.writeFileSync(path.join(PROJECT_DIR, file), 'second');
    expect(contentHash([scratch], { env: 'dev' })).not.toBe(first);
    fs.writeFileSync(path.join(PROJECT_DIR, file), 'first');
    expect(contentHash([scratch], { env: 'dev' })).toBe(first);
    fs.writeFileSync(path.join(PROJECT_DIR, scratch, 'added.txt'), '');
    expect(contentHash([scratch], { env: 'dev' })).not.toBe(first);
  });

  test('is made once for a key, and made again for another', async () => {
    const folder = `kept-test-${process.pid}-kept`;
    const make = vi.fn(async () => ({ template: { Resources: { A: 1 } } }));
    expect(await keptJson(folder, 'a'.repeat(64), make)).toEqual({ template: { Resources: { A: 1 } } });
    expect(await keptJson(folder, 'a'.repeat(64), make)).toEqual({ template: { Resources: { A: 1 } } });
    expect(make).toHaveBeenCalledTimes(1);
    await keptJson(folder, 'b'.repeat(64), make);
    expect(make).toHaveBeenCalledTimes(2);
  });
});
