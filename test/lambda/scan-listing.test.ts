import { FileEntry } from '../../lambda/presign/core';
import { mapBounded, SCAN_TAG_CONCURRENCY, withScanStates } from '../../lambda/presign/scan-listing';
import { ScanTag } from '../../lambda/presign/s3';
import { SCAN_RESULTS, scanStateOf } from '../../lib/policy/scan-status-names';

/**
 * `GET /files` with malware scanning: each listed file's state from its GuardDuty tag, whose values
 * GuardDuty documents as NO_THREATS_FOUND, THREATS_FOUND, UNSUPPORTED, ACCESS_DENIED and FAILED
 * (https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html);
 * the bucket policy opens only NO_THREATS_FOUND.
 */
const file = (n: number): FileEntry => ({
  key: `users/00uALICE/${n}/f${n}.txt`,
  name: `f${n}.txt`,
  size: n,
  lastModified: '2026-12-01T00:00:00.000Z',
  etag: `etag${n}`,
});

describe('scanStateOf: every documented tag value mapped explicitly', () => {
  test.each([
    [undefined, 'pending'],
    ['NO_THREATS_FOUND', 'clean'],
    ['THREATS_FOUND', 'blocked'],
    ['UNSUPPORTED', 'blocked'],
    ['ACCESS_DENIED', 'blocked'],
    ['FAILED', 'blocked'],
  ])('%s: %s', (tag, state) => {
    expect(scanStateOf(tag)).toBe(state);
  });

  test('the table covers exactly the documented values', () => {
    expect(SCAN_RESULTS.map((r) => scanStateOf(r))).toEqual([
      'clean',
      'blocked',
      'blocked',
      'blocked',
      'blocked',
    ]);
  });

  test.each(['no_threats_found', 'NO_THREATS_FOUND ', '', 'toString', '__proto__', 'CLEAN'])(
    'an undocumented value %j is blocked, never clean',
    (tag) => {
      expect(scanStateOf(tag)).toBe('blocked');
    },
  );
});

describe('withScanStates', () => {
  test('each file gets the state of its own tag, in the page order', async () => {
    const tags: Record<string, ScanTag> = {
      [file(1).key]: { found: true },
      [file(2).key]: { found: true, status: 'NO_THREATS_FOUND' },
      [file(3).key]: { found: true, status: 'THREATS_FOUND' },
      [file(4).key]: { found: true, status: 'UNSUPPORTED' },
    };
    const files = [1, 2, 3, 4].map(file);
    const asked: string[] = [];
    const listed = await withScanStates(files, async (key) => {
      asked.push(key);
      return tags[key];
    });
    expect(listed.map((f) => [f.name, f.scanState])).toEqual([
      ['f1.txt', 'pending'],
      ['f2.txt', 'clean'],
      ['f3.txt', 'blocked'],
      ['f4.txt', 'blocked'],
    ]);
    expect(listed[1]).toEqual({ ...file(2), scanState: 'clean' });
    expect(asked.sort()).toEqual(files.map((f) => f.key).sort());
  });

  test('a file deleted since the listing (tags not found) is left out', async () => {
    const listed = await withScanStates([1, 2, 3].map(file), async (key) =>
      key === file(2).key ? { found: false } : { found: true, status: 'NO_THREATS_FOUND' },
    );
    expect(listed.map((f) => f.name)).toEqual(['f1.txt', 'f3.txt']);
  });

  test('an S3 fault fails the listing (the handler reports it), never a file without its state', async () => {
    const fault = Object.assign(new Error('slow down'), { name: 'SlowDown' });
    await expect(
      withScanStates([1, 2].map(file), async (key) => {
        if (key === file(2).key) throw fault;
        return { found: true };
      }),
    ).rejects.toBe(fault);
  });

  test(`at most ${SCAN_TAG_CONCURRENCY} tag reads in flight, and that many at once on a big page`, async () => {
    let inFlight = 0;
    let most = 0;
    const files = Array.from({ length: 50 }, (_, i) => file(i));
    const listed = await withScanStates(files, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return { found: true, status: 'NO_THREATS_FOUND' };
    });
    expect(listed).toHaveLength(50);
    expect(most).toBe(SCAN_TAG_CONCURRENCY);
  });

  test('an empty page makes no call', async () => {
    const scanStatus = vi.fn();
    expect(await withScanStates([], scanStatus)).toEqual([]);
    expect(scanStatus).not.toHaveBeenCalled();
  });
});

describe('mapBounded', () => {
  test('keeps the order whatever order the calls finish in', async () => {
    const out = await mapBounded([30, 10, 20, 0], 2, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    });
    expect(out).toEqual([30, 10, 20, 0]);
  });
});
