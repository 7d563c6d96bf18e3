import {
  presignRefusalMessage,
  SCAN_MESSAGES,
  scanStateLabel,
  taggedRefusalMessage,
} from '../../examples/web/src/scan-state';

describe('the web client names the malware-scan states in plain words', () => {
  test('route 3: the API says ScanPending or Blocked', () => {
    expect(presignRefusalMessage(409, 'ScanPending')).toBe(SCAN_MESSAGES.pending);
    expect(presignRefusalMessage(403, 'Blocked')).toBe(SCAN_MESSAGES.blocked);
    expect(presignRefusalMessage(404, 'NotFound')).toBeUndefined();
    expect(presignRefusalMessage(403, 'Forbidden')).toBeUndefined();
  });

  test('routes 1 and 2: the GuardDuty tag of the refused file says which', () => {
    expect(taggedRefusalMessage([])).toBe(SCAN_MESSAGES.pending);
    expect(taggedRefusalMessage([{ Key: 'GuardDutyMalwareScanStatus', Value: 'THREATS_FOUND' }])).toBe(
      SCAN_MESSAGES.blocked,
    );
    expect(taggedRefusalMessage([{ Key: 'GuardDutyMalwareScanStatus', Value: 'FAILED' }])).toBe(
      SCAN_MESSAGES.blocked,
    );
    // Clean, yet refused: the scan is not the reason, and the client shows S3's own error.
    expect(
      taggedRefusalMessage([{ Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' }]),
    ).toBeUndefined();
  });

  test('the words say what happens, not a code', () => {
    expect(SCAN_MESSAGES.pending).toMatch(/still being scanned for malware/);
    expect(SCAN_MESSAGES.blocked).toMatch(/blocked by the malware scan/);
    expect(Object.values(SCAN_MESSAGES).join(' ')).not.toMatch(/ScanPending|THREATS_FOUND|403|409/);
  });
});

describe("the developer view's file list shows route 3's scan state", () => {
  test.each([
    ['pending', 'still being scanned for malware'],
    ['blocked', 'blocked by the malware scan'],
    ['clean', ''],
    [undefined, ''],
  ] as const)('%s: %j', (state, label) => {
    expect(scanStateLabel(state)).toBe(label);
  });
});
