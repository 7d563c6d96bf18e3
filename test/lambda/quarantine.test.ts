import {
  ObjectVersion,
  quarantine,
  QUARANTINE_METADATA,
  QuarantineDeps,
  QuarantineLog,
  QuarantineStore,
  ScanResultEvent,
  VersionFacts,
} from '../../lambda/quarantine/core';

const BUCKET = 'files-data';
const KEY = 'users/00uALICE000000000001/3f2a/invoice.pdf';

/**
 * A scan result as GuardDuty sends it to EventBridge
 * (https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html).
 */
function scanResult(overrides: { key?: string; versionId?: string; status?: string; bucket?: string } = {}) {
  return {
    version: '0',
    id: 'b1c2d3e4-event',
    'detail-type': 'GuardDuty Malware Protection Object Scan Result',
    source: 'aws.guardduty',
    account: '210987654321',
    region: 'us-east-1',
    resources: ['arn:aws:guardduty:us-east-1:210987654321:malware-protection-plan/abc'],
    detail: {
      schemaVersion: '1.0',
      scanStatus: 'COMPLETED',
      resourceType: 'S3_OBJECT',
      s3ObjectDetails: {
        bucketName: overrides.bucket ?? BUCKET,
        objectKey: overrides.key ?? KEY,
        eTag: 'e1',
        versionId: overrides.versionId ?? 'v1',
        s3Throttled: false,
      },
      scanResultDetails: {
        scanResultStatus: overrides.status ?? 'THREATS_FOUND',
        threats: [{ name: 'EICAR-Test-File (not a virus)' }],
      },
    },
  } as ScanResultEvent;
}

/** A versioned bucket in memory: key → versionId → facts. */
class MemoryStore implements QuarantineStore {
  readonly versions = new Map<string, Map<string, VersionFacts>>();
  readonly calls: string[] = [];
  failCopyOnce = false;
  corruptCopy = false;
  put(key: string, versionId: string, size = 42) {
    if (!this.versions.has(key)) this.versions.set(key, new Map());
    this.versions
      .get(key)!
      .set(versionId, { size, contentType: 'application/pdf', metadata: { 'original-name': 'invoice.pdf' } });
  }
  async head(key: string, versionId?: string) {
    this.calls.push(`head ${key}${versionId ? ` ${versionId}` : ''}`);
    const all = this.versions.get(key);
    if (!all || all.size === 0) return undefined;
    return versionId ? all.get(versionId) : [...all.values()].at(-1);
  }
  async copy(
    source: ObjectVersion,
    destinationKey: string,
    facts: VersionFacts,
    metadata: Record<string, string>,
  ) {
    this.calls.push(`copy ${source.key} ${source.versionId} -> ${destinationKey}`);
    if (this.failCopyOnce) {
      this.failCopyOnce = false;
      throw Object.assign(new Error('SlowDown'), { name: 'SlowDown' });
    }
    if (!this.versions.has(destinationKey)) this.versions.set(destinationKey, new Map());
    const size = this.corruptCopy ? facts.size - 1 : facts.size;
    this.versions.get(destinationKey)!.set(`q${this.calls.length}`, { ...facts, size, metadata });
  }
  async deleteVersion(source: ObjectVersion) {
    this.calls.push(`delete ${source.key} ${source.versionId}`);
    this.versions.get(source.key)?.delete(source.versionId);
  }
}

function setup() {
  const store = new MemoryStore();
  const logs: QuarantineLog[] = [];
  const deps: QuarantineDeps = {
    bucket: BUCKET,
    store,
    log: (l) => logs.push(l),
    protectedPrefixes: ['users/', 'teams/'],
  };
  return { store, logs, run: (event: ScanResultEvent = scanResult()) => quarantine(event, deps) };
}

describe('quarantine', () => {
  test('copies the infected version to quarantine/, verifies, then deletes exactly that version', async () => {
    const { store, logs, run } = setup();
    store.put(KEY, 'v1');
    store.put(KEY, 'v2'); // a newer, clean upload of the same name stays
    const result = await run();
    expect(result).toMatchObject({ outcome: 'quarantined', quarantineKey: `quarantine/v1/${KEY}` });
    const copy = await store.head(`quarantine/v1/${KEY}`);
    expect(copy).toMatchObject({
      size: 42,
      contentType: 'application/pdf',
      metadata: {
        'original-name': 'invoice.pdf',
        [QUARANTINE_METADATA.source]: KEY,
        [QUARANTINE_METADATA.version]: 'v1',
        [QUARANTINE_METADATA.threats]: 'EICAR-Test-File (not a virus)',
      },
    });
    expect([...store.versions.get(KEY)!.keys()]).toEqual(['v2']);
    const order = store.calls.filter((c) => !c.startsWith('head'));
    expect(order).toEqual([`copy ${KEY} v1 -> quarantine/v1/${KEY}`, `delete ${KEY} v1`]);
    expect(logs).toEqual([
      expect.objectContaining({
        outcome: 'quarantined',
        owner: 'users/00uALICE000000000001',
        eventId: 'b1c2d3e4-event',
      }),
    ]);
  });

  test('delivered twice: the second delivery finds the copy and changes nothing', async () => {
    const { store, logs, run } = setup();
    store.put(KEY, 'v1');
    await run();
    const callsAfterFirst = store.calls.length;
    expect(await run()).toMatchObject({ outcome: 'already-quarantined' });
    expect(store.calls.slice(callsAfterFirst).every((c) => c.startsWith('head'))).toBe(true);
    expect(logs.map((l) => l.outcome)).toEqual(['quarantined', 'already-quarantined']);
  });

  test('a failed copy keeps the original; the retry completes the move', async () => {
    const { store, run } = setup();
    store.put(KEY, 'v1');
    store.failCopyOnce = true;
    await expect(run()).rejects.toThrow('SlowDown');
    expect(store.versions.get(KEY)!.has('v1')).toBe(true);
    expect(await run()).toMatchObject({ outcome: 'quarantined' });
  });

  test('a crash after the copy: the retry verifies the existing copy and deletes without copying again', async () => {
    const { store, run } = setup();
    store.put(KEY, 'v1');
    const deleteVersion = store.deleteVersion.bind(store);
    store.deleteVersion = async () => {
      throw new Error('Lambda timed out');
    };
    await expect(run()).rejects.toThrow('timed out');
    store.deleteVersion = deleteVersion;
    store.calls.length = 0;
    expect(await run()).toMatchObject({ outcome: 'quarantined' });
    expect(store.calls.filter((c) => c.startsWith('copy'))).toEqual([]);
  });

  test('a copy that does not verify is an error, and the original is not deleted', async () => {
    const { store, run } = setup();
    store.put(KEY, 'v1');
    store.corruptCopy = true;
    await expect(run()).rejects.toThrow('did not verify');
    expect(store.versions.get(KEY)!.has('v1')).toBe(true);
    expect(store.calls.some((c) => c.startsWith('delete'))).toBe(false);
  });

  test('neither the version nor a copy: an error to alarm on, nothing changed', async () => {
    const { store, logs, run } = setup();
    await expect(run()).rejects.toThrow('no quarantine copy');
    expect(logs.map((l) => l.outcome)).toEqual(['source-missing']);
    expect(store.calls.filter((c) => !c.startsWith('head'))).toEqual([]);
  });

  test.each([
    ['a clean result', scanResult({ status: 'NO_THREATS_FOUND' })],
    ['another bucket', scanResult({ bucket: 'elsewhere' })],
    ['a key outside users/ and teams/', scanResult({ key: 'web/index.html' })],
    ['a key already in quarantine/', scanResult({ key: 'quarantine/v1/users/x/f' })],
    ['another event type', { ...scanResult(), 'detail-type': 'Object Created', source: 'aws.s3' }],
    ['an empty event', {}],
  ])('ignores %s, touching nothing', async (_name, event) => {
    const { store, logs, run } = setup();
    store.put(KEY, 'v1');
    expect(await run(event as ScanResultEvent)).toMatchObject({ outcome: 'ignored' });
    expect(store.calls).toEqual([]);
    expect(logs).toHaveLength(1);
  });

  test('an object of a team folder is quarantined the same way', async () => {
    const { store, run } = setup();
    const key = 'teams/finance/q3.xlsx';
    store.put(key, 'v9');
    expect(await run(scanResult({ key, versionId: 'v9' }))).toMatchObject({
      outcome: 'quarantined',
      owner: 'teams/finance',
      quarantineKey: `quarantine/v9/${key}`,
    });
  });
});
