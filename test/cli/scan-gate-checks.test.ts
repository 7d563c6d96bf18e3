import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CheckResult } from '../../cli/verify/check';
import { bucketChecks } from '../../cli/verify/checks/bucket';
import { deploy, mockDeployment, testClients } from './deployed';

/** `verify` on a deployment with malware scanning (the test config's prod): the scan gate rows. */
const scanRows = (rows: CheckResult[]) =>
  rows.filter((r) => r.check.startsWith('bucket.policy.scan')).map((r) => [r.check, r.status]);

describe('bucket.policy.scan-gate and scan-tags', () => {
  let mocks: ReturnType<typeof mockDeployment>;
  const prod = deploy('prod');
  beforeEach(() => {
    mocks = mockDeployment(prod);
  });
  afterEach(() => {
    for (const m of Object.values(mocks)) m.restore();
  });
  const policyWithout = (sids: string[]) => {
    const policy = JSON.parse(prod.responses.getBucketPolicy.Policy);
    expect(policy.Statement.map((s: { Sid?: string }) => s.Sid)).toEqual(expect.arrayContaining(sids));
    policy.Statement = policy.Statement.filter((s: { Sid?: string }) => !sids.includes(s.Sid ?? ''));
    return JSON.stringify(policy);
  };

  test('the deployed prod stack, which scans, passes both', async () => {
    expect(prod.outputs.MalwareScanning).toBe('guardduty');
    const rows = await bucketChecks(testClients().s3, prod.outputs);
    expect(scanRows(rows)).toEqual([
      ['bucket.policy.scan-gate', 'PASS'],
      ['bucket.policy.scan-tags', 'PASS'],
    ]);
    expect(rows.filter((r) => r.status !== 'PASS')).toEqual([]);
  });

  test.each([
    [['DenyReadUntilScannedClean'], 'bucket.policy.scan-gate'],
    [['DenyScanTagChanges'], 'bucket.policy.scan-tags'],
    [['DenyTagsAtUpload'], 'bucket.policy.scan-tags'],
  ])('without %j: %s FAILs', async (sids, check) => {
    mocks.s3.on(GetBucketPolicyCommand).resolves({ Policy: policyWithout(sids) });
    const rows = await bucketChecks(testClients().s3, prod.outputs);
    expect(rows.filter((r) => r.status === 'FAIL').map((r) => r.check)).toEqual([check]);
  });

  test('a gate that leaves one user route out (the presign role) FAILs', async () => {
    const policy = JSON.parse(prod.responses.getBucketPolicy.Policy);
    for (const s of policy.Statement)
      if (s.Sid === 'DenyReadUntilScannedClean')
        s.Principal.AWS = [s.Principal.AWS]
          .flat()
          .filter((arn: string) => arn !== prod.outputs.PresignRoleArn);
    mocks.s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
    const rows = await bucketChecks(testClients().s3, prod.outputs);
    expect(rows.filter((r) => r.status === 'FAIL').map((r) => r.check)).toEqual(['bucket.policy.scan-gate']);
  });

  test('a stack without scanning gets no scan rows', async () => {
    const rows = await bucketChecks(testClients().s3, { ...prod.outputs, MalwareScanning: 'off' });
    expect(scanRows(rows)).toEqual([]);
  });
});
