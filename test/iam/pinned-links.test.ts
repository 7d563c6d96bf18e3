import { resolveTemplate } from '../../emulator/iam/resolve-template';
import {
  bucketPolicyOf,
  decide,
  decideTrust,
  identityPoliciesOf,
  PolicyDocument,
  sessionArnOf,
  trustPolicyOf,
} from '../../emulator/iam/simulate';
import { EXISTING_SCAN_TAG_KEY } from '../../lib/policy/scan-status-names';
import { pinnedVersionSessionPolicy } from '../../lib/policy/pinned-version-session-policy';
import { sharingTestConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

/*
 * Pinned share links through IAM, on the synthesized prod template with sharing on (SSE-KMS,
 * malware scanning): the pinned-link role, with the session policy the Lambda builds for one
 * version of one key, reads exactly that version; every neighbour is refused (another version,
 * another key of the same user, another user's key, a team folder, the current version, a write,
 * a listing), and the scan gate refuses the version until it is scanned clean. Without a session
 * policy, the role reaches versions under users/ and teams/ and nothing else (the control that
 * the same simulator allows where a policy grants). Its trust admits only the presign function.
 */

const template = resolveTemplate(templateJson(sharingTestConfig(), { env: 'prod' }), {
  account: '210987654321',
  region: 'us-east-1',
});
const only = (type: string, prefix: string) => {
  const ids = Object.keys(template.resources).filter(
    (id) => id.startsWith(prefix) && template.resources[id].Type === type,
  );
  expect(ids).toHaveLength(1);
  return ids[0];
};
const pinnedRole = only('AWS::IAM::Role', 'PresignApiPinnedLinksRole');
const presignRole = only('AWS::IAM::Role', 'PresignApiPresignRole');
const executionRole = only('AWS::IAM::Role', 'PresignApiHandlerRole');
const presignFunction = only('AWS::Lambda::Function', 'PresignApiHandler');
const dataBucket = only('AWS::S3::Bucket', 'StorageData');
const bucketName = template.ref(dataBucket);
const bucketArn = `arn:aws:s3:::${bucketName}`;
const bucketPolicy = bucketPolicyOf(template, dataBucket);
const ALICE = '00uALICE000000000001';
const BOB = '00uBOB00000000000002';
const KEY = `users/${ALICE}/11111111-1111-4111-8111-111111111111/report.pdf`;
const CLEAN = { [EXISTING_SCAN_TAG_KEY]: 'NO_THREATS_FOUND' };
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };
const sessionPolicy = pinnedVersionSessionPolicy({ bucketArn, key: KEY, versionId: 'v1' }) as PolicyDocument;

const ask = (
  action: string,
  resource: string,
  context: Record<string, string> = {},
  policy: PolicyDocument | null = sessionPolicy,
) =>
  decide({
    identityPolicies: identityPoliciesOf(template, pinnedRole),
    resourcePolicy: bucketPolicy,
    sessionPolicy: policy ?? undefined,
    action,
    resource,
    principal: sessionArnOf(template, pinnedRole, 'link-visit'),
    context: { ...TLS, ...context },
  });
const object = (key: string) => `${bucketArn}/${key}`;

describe('the pinned-link role with its session policy', () => {
  test('reads the one version of the one key, once scanned clean', async () => {
    expect(await ask('s3:GetObjectVersion', object(KEY), { 's3:VersionId': 'v1', ...CLEAN })).toBe('Allowed');
  });

  test('is refused by the scan gate while the version is pending or blocked', async () => {
    expect(await ask('s3:GetObjectVersion', object(KEY), { 's3:VersionId': 'v1' })).toBe('ExplicitlyDenied');
    expect(
      await ask('s3:GetObjectVersion', object(KEY), {
        's3:VersionId': 'v1',
        [EXISTING_SCAN_TAG_KEY]: 'THREATS_FOUND',
      }),
    ).toBe('ExplicitlyDenied');
  });

  test.each([
    ['another version of the key', KEY, 'v2'],
    ['another key of the same user', `users/${ALICE}/22222222-2222-4222-8222-222222222222/other.pdf`, 'v1'],
    ['another user’s key', `users/${BOB}/11111111-1111-4111-8111-111111111111/report.pdf`, 'v1'],
    ['a key extending the user id', `users/${ALICE}x/11111111-1111-4111-8111-111111111111/report.pdf`, 'v1'],
    ['a team folder', 'teams/finance/11111111-1111-4111-8111-111111111111/report.pdf', 'v1'],
  ])('refuses %s', async (_name, key, versionId) => {
    expect(await ask('s3:GetObjectVersion', object(key), { 's3:VersionId': versionId, ...CLEAN })).toBe(
      'ImplicitlyDenied',
    );
  });

  test.each([
    ['the current version (GetObject)', 's3:GetObject', object(KEY), CLEAN],
    ['a write', 's3:PutObject', object(KEY), {}],
    ['deleting the version', 's3:DeleteObjectVersion', object(KEY), { 's3:VersionId': 'v1' }],
    ['the version’s tags', 's3:GetObjectVersionTagging', object(KEY), { 's3:VersionId': 'v1' }],
    ['a listing of the user’s prefix', 's3:ListBucket', bucketArn, { 's3:prefix': `users/${ALICE}/` }],
  ])('refuses %s', async (_name, action, resource, context) => {
    expect(await ask(action, resource, context)).toBe('ImplicitlyDenied');
  });
});

describe('the pinned-link role without a session policy', () => {
  const bare = (action: string, key: string) => ask(action, object(key), contextOf(action), null);
  /** The context S3 gives each action: the version it names, and the tags of what it reads. */
  const contextOf = (action: string): Record<string, string> => ({
    ...(/Version$/.test(action) ? { 's3:VersionId': 'v1' } : {}),
    ...(/^s3:GetObject(Version)?$/.test(action) ? CLEAN : {}),
  });

  test('reaches any version under users/ and teams/ (what every session policy narrows)', async () => {
    expect(await bare('s3:GetObjectVersion', `users/${BOB}/x/f.txt`)).toBe('Allowed');
    expect(await bare('s3:GetObjectVersion', 'teams/finance/x/f.txt')).toBe('Allowed');
  });

  test.each(['offboarded/00uX/f.txt', 'quarantine/users/00uX/f.txt', 'f.txt', 'usersx/f.txt'])(
    'reaches nothing outside users/ and teams/: %s',
    async (key) => {
      expect(await bare('s3:GetObjectVersion', key)).toBe('ImplicitlyDenied');
    },
  );

  test.each(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'])(
    'has no %s even under users/',
    async (action) => {
      expect(await bare(action, `users/${ALICE}/x/f.txt`)).toBe('ImplicitlyDenied');
    },
  );
});

describe('the pinned-link role’s trust', () => {
  const fromFunction = { 'lambda:SourceFunctionArn': template.getAtt(presignFunction, 'Arn') };
  const assume = (callerRole: string, context: Record<string, string | string[]>) =>
    decideTrust({
      trustPolicy: trustPolicyOf(template, pinnedRole),
      action: 'sts:AssumeRole',
      principal: sessionArnOf(template, callerRole, 'caller'),
      roleArn: template.getAtt(pinnedRole, 'Arn'),
      context,
      callerIdentityPolicies: identityPoliciesOf(template, callerRole),
    });

  test('admits the presign function’s role, from the function', async () => {
    expect(await assume(executionRole, fromFunction)).toBe('Allowed');
  });

  test('refuses the execution role’s credentials used outside the function', async () => {
    expect(await assume(executionRole, {})).toBe('ExplicitlyDenied');
    expect(
      await assume(executionRole, {
        'lambda:SourceFunctionArn': 'arn:aws:lambda:us-east-1:210987654321:function:other',
      }),
    ).toBe('ExplicitlyDenied');
  });

  test('refuses a user’s presign session (route 3), which could otherwise widen itself', async () => {
    expect(await assume(presignRole, { ...fromFunction, 'aws:PrincipalTag/okta_sub': ALICE })).not.toBe(
      'Allowed',
    );
  });
});
