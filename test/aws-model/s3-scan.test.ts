import { MATRIX_USERS } from '../../cli/verify/matrix';
import {
  decide,
  IgnoredContextKeyError,
  identityPoliciesOf,
  type RequestContext,
  sessionArnOf,
} from '../../emulator/iam/simulate';
import {
  EXISTING_TAG_ACTIONS,
  existingTagContext,
  scannedCleanContext,
  scannedPrefixes,
  tagsScannedObjects,
} from '../../emulator/model/s3-scan-rules';
import { resourcesOfType } from '../../emulator/model/template-query';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';

const [ALICE] = MATRIX_USERS;
const dataBucketOf = (t: ReturnType<typeof fixtureBase>) =>
  t.ref(resourcesOfType(t, 'AWS::S3::Bucket').find((b) => b.id.startsWith('StorageData'))!.id);
const scanning = ENVIRONMENT_ROWS.filter(
  ([, env]) =>
    (env.raw.environments[env.env] as { malwareScanning?: string }).malwareScanning === 'guardduty',
);

test('the example and the test configuration each scan in prod', () => {
  expect(scanning.map(([label]) => label)).toEqual(['test config prod', 'okta-config.example prod']);
});

describe.each(scanning)('GuardDuty on the data bucket, %s', (_label, env) => {
  const template = environmentTemplate(env);
  const bucket = dataBucketOf(template);

  test('the plan tags scanned objects of the data bucket', () => {
    expect(tagsScannedObjects(template, bucket)).toBe(true);
  });

  test('the plan scans every folder a user route reaches: users/ and teams/', () => {
    expect(scannedPrefixes(template, bucket)).toEqual(['users/', 'teams/']);
  });
});

describe('the scan rules fail on broken templates', () => {
  const base = fixtureBase('prod');
  const bucket = dataBucketOf(base);

  test('a plan with tagging off never tags, so a gate on the tag would lock everyone out', () => {
    const broken = brokenTemplate('prod', (r) => {
      r[rawId(r, 'AWS::GuardDuty::MalwareProtectionPlan')].Properties.Actions.Tagging.Status = 'DISABLED';
    });
    expect(tagsScannedObjects(broken, bucket)).toBe(false);
  });

  test('a plan on another bucket does not tag this one', () => {
    const broken = brokenTemplate('prod', (r) => {
      r[rawId(r, 'AWS::GuardDuty::MalwareProtectionPlan')].Properties.ProtectedResource.S3Bucket.BucketName =
        'another-bucket';
    });
    expect(tagsScannedObjects(broken, bucket)).toBe(false);
    expect(scannedPrefixes(broken, bucket)).toBeUndefined();
  });

  test('a plan without teams/ leaves team uploads unscanned', () => {
    const broken = brokenTemplate('prod', (r) => {
      r[
        rawId(r, 'AWS::GuardDuty::MalwareProtectionPlan')
      ].Properties.ProtectedResource.S3Bucket.ObjectPrefixes = ['users/'];
    });
    expect(scannedPrefixes(broken, bucket)).not.toContain('teams/');
  });
});

describe('s3:ExistingObjectTag, as the model and the simulator have it', () => {
  const template = fixtureBase('prod');
  const roleId = resourcesOfType(template, 'AWS::IAM::Role').find((r) =>
    r.id.startsWith('PresignApiPresignRole'),
  )!.id;
  const ask = (action: string, context: RequestContext) =>
    decide({
      identityPolicies: identityPoliciesOf(template, roleId),
      action,
      resource: `arn:aws:s3:::${dataBucketOf(template)}/users/${ALICE.sub}/f.txt`,
      principal: sessionArnOf(template, roleId, 's'),
      context: { 'aws:PrincipalTag/okta_sub': ALICE.sub, ...context },
    });

  test.each([...EXISTING_TAG_ACTIONS])('%s carries the key: the simulator evaluates it', async (action) => {
    await expect(ask(action, scannedCleanContext(action))).resolves.toMatch(/Allowed|Denied/);
  });

  test('PutObject and DeleteObject carry no existing-object tag: the model adds none, the simulator refuses one', async () => {
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(existingTagContext(action, { GuardDutyMalwareScanStatus: 'NO_THREATS_FOUND' })).toEqual({});
      await expect(
        ask(action, { 's3:ExistingObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND' }),
      ).rejects.toBeInstanceOf(IgnoredContextKeyError);
    }
  });
});
