import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { readConfig } from '../../lambda/presign/config';
import { CallerSessions, SAFETY_MARGIN_SECONDS } from '../../lambda/presign/credentials';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import { executionRoleOf, lambdaEnvironment, presignFunctionOf } from '../../emulator/model/lambda-rules';
import {
  decideAsSession,
  MIN_SESSION_SECONDS,
  ModelSession,
  ROLE_CHAINING_MAX_SECONDS,
  SESSION_POLICY_MAX_CHARS,
  StsAssumeRoleModel,
  urlOutlivesSession,
} from '../../emulator/model/sts-rules';
import { pinnedSessions } from '../../lambda/presign/sharing/pinned-sessions';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import { sharingTestConfig } from '../support/config';
import { templateJson } from '../support/template-cache';

const ALICE = '00uStsModel000000001';
const NOW = new Date('2026-11-22T12:00:00Z');

/** The real CallerSessions of the presign Lambda, configured from the template, against the STS model. */
function presignSessions(template: ResolvedTemplate, callerFunctionArn?: string) {
  const fn = presignFunctionOf(template);
  const config = readConfig(lambdaEnvironment(template, fn));
  const sts = new StsAssumeRoleModel({
    template,
    callerRoleId: executionRoleOf(template, fn),
    callerFunctionArn: callerFunctionArn ?? template.getAtt(fn.id, 'Arn'),
    now: () => NOW,
  });
  const sessions = new CallerSessions({
    sts,
    roleArn: config.presignRoleArn,
    urlExpirySeconds: config.urlExpirySeconds,
    now: () => NOW,
  });
  return { sts, sessions, config };
}

describe.each(ENVIRONMENT_ROWS)('STS for the presign Lambda, %s', (_label, env) => {
  const template = environmentTemplate(env);

  test('the chained AssumeRole is within the 1 h cap, tagged with the caller, and its trust admits it', async () => {
    const { sts, sessions, config } = presignSessions(template);
    const session = await sessions.credentialsFor(ALICE);
    expect(sts.requests).toEqual([
      expect.objectContaining({ RoleArn: config.presignRoleArn, Tags: [{ Key: 'okta_sub', Value: ALICE }] }),
    ]);
    const duration = sts.requests[0].DurationSeconds!;
    expect(duration).toBeLessThanOrEqual(ROLE_CHAINING_MAX_SECONDS);
    expect(session.expiration.getTime() - NOW.getTime()).toBe(duration * 1000);
    expect(urlOutlivesSession(config.urlExpirySeconds + SAFETY_MARGIN_SECONDS, duration)).toBe(false);
  });

  test('a subject outside Okta’s id alphabet is refused by the presign role’s trust', async () => {
    await expect(presignSessions(template).sessions.credentialsFor('00u/other')).rejects.toThrow(
      /AccessDenied/,
    );
  });
});

describe('STS rules fail on broken requests and templates', () => {
  const template = fixtureBase('dev');

  test('role chaining refuses a session longer than one hour', async () => {
    const { sts, config } = presignSessions(template);
    const command = new AssumeRoleCommand({
      RoleArn: config.presignRoleArn,
      RoleSessionName: 's',
      DurationSeconds: 7200,
    });
    await expect(sts.send(command)).rejects.toThrow(
      /1 hour session limit for roles assumed by role chaining/,
    );
  });

  test('a URL that outlives its session is found', () => {
    expect(urlOutlivesSession(3601, 3600)).toBe(true);
  });

  test('a presign role trust without sts:TagSession refuses the tagged session', async () => {
    const broken = brokenTemplate('dev', (resources) => {
      const role = resources[rawId(resources, 'AWS::IAM::Role', 'PresignApiPresignRole')];
      role.Properties.AssumeRolePolicyDocument.Statement[0].Action = 'sts:AssumeRole';
    });
    await expect(presignSessions(broken).sessions.credentialsFor(ALICE)).rejects.toThrow(
      /sts:TagSession .*ImplicitlyDenied/,
    );
  });

  test('the execution role’s credentials used outside its function are refused', async () => {
    const other = `arn:aws:lambda:eu-west-1:${template.env.account}:function:other`;
    await expect(presignSessions(template, other).sessions.credentialsFor(ALICE)).rejects.toThrow(
      /sts:AssumeRole .*ExplicitlyDenied/,
    );
  });
});

/*
 * Pinned share links (issue 21): the real `pinnedSessions` of the presign Lambda, configured from
 * the prod template with sharing on, against the STS model; what the session may then do is the
 * intersection of the pinned-link role's policies and the session policy, with the bucket policy.
 */
describe('STS session policies: pinned-link sessions are the intersection', () => {
  const CLEAN_READ = {
    'aws:SecureTransport': 'true',
    's3:TlsVersion': '1.3',
    's3:ExistingObjectTag/GuardDutyMalwareScanStatus': 'NO_THREATS_FOUND',
  };
  const KEY = `users/${ALICE}/11111111-1111-4111-8111-111111111111/report.pdf`;

  function sharingTemplate(change?: (resources: Record<string, any>) => void): ResolvedTemplate {
    const raw = structuredClone(templateJson(sharingTestConfig(), { env: 'prod' }));
    change?.(raw.Resources);
    return resolveTemplate(raw, { account: '210987654321', region: 'us-east-1' });
  }

  function pinnedVisit(template: ResolvedTemplate) {
    const fn = presignFunctionOf(template);
    const config = readConfig(lambdaEnvironment(template, fn));
    const sts = new StsAssumeRoleModel({
      template,
      callerRoleId: executionRoleOf(template, fn),
      callerFunctionArn: template.getAtt(fn.id, 'Arn'),
      now: () => NOW,
    });
    const pinned = config.sharing?.pinned;
    if (!pinned) throw new Error('the sharing template configures no pinned-link role');
    const dataBucket = Object.keys(template.resources).find(
      (id) => id.startsWith('StorageData') && template.resources[id].Type === 'AWS::S3::Bucket',
    )!;
    const open = async (key: string, versionId: string) => {
      const credentials = await pinnedSessions(sts, pinned)({ key, versionId, linkId: 'a'.repeat(64) });
      return sts.sessions.get(credentials.accessKeyId)!;
    };
    const read = (session: ModelSession, key: string, versionId: string) =>
      decideAsSession(template, session, dataBucket, {
        action: 's3:GetObjectVersion',
        resource: `arn:aws:s3:::${template.ref(dataBucket)}/${key}`,
        context: { ...CLEAN_READ, 's3:VersionId': versionId },
      });
    return { sts, open, read, pinned };
  }

  test('the session reads the version its policy names, and no other version, key or user', async () => {
    const { open, read, sts, pinned } = pinnedVisit(sharingTemplate());
    const session = await open(KEY, 'v1');
    expect(sts.requests[0]).toMatchObject({ RoleArn: pinned.roleArn, DurationSeconds: MIN_SESSION_SECONDS });
    expect(session.sessionPolicy).toBeDefined();
    expect(await read(session, KEY, 'v1')).toBe('Allowed');
    expect(await read(session, KEY, 'v2')).toBe('ImplicitlyDenied');
    expect(await read(session, KEY.replace('report', 'other'), 'v1')).toBe('ImplicitlyDenied');
    expect(await read(session, KEY.replace(ALICE, '00uBOB00000000000002'), 'v1')).toBe('ImplicitlyDenied');
    // The same role without a session policy: the role alone reaches the other user's version.
    const bare: ModelSession = { roleId: session.roleId, sessionName: session.sessionName };
    expect(await read(bare, KEY.replace(ALICE, '00uBOB00000000000002'), 'v1')).toBe('Allowed');
  });

  test('a session policy grants nothing the role lacks (broken: the role without s3:GetObjectVersion)', async () => {
    const broken = sharingTemplate((resources) => {
      const policy =
        resources[rawId(resources, 'AWS::IAM::Policy', 'PresignApiPinnedLinksRoleDefaultPolicy')];
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Action === 's3:GetObjectVersion') statement.Action = 's3:GetObjectVersionAcl';
      }
    });
    const { open, read } = pinnedVisit(broken);
    expect(await read(await open(KEY, 'v1'), KEY, 'v1')).toBe('ImplicitlyDenied');
  });

  test('a trust that names another principal refuses the function (broken: trust of the presign role)', async () => {
    const broken = sharingTemplate((resources) => {
      const role = resources[rawId(resources, 'AWS::IAM::Role', 'PresignApiPinnedLinksRole')];
      role.Properties.AssumeRolePolicyDocument.Statement[0].Principal = {
        AWS: { 'Fn::GetAtt': [rawId(resources, 'AWS::IAM::Role', 'PresignApiPresignRole'), 'Arn'] },
      };
    });
    await expect(pinnedVisit(broken).open(KEY, 'v1')).rejects.toThrow(/AccessDenied/);
  });

  test('a session policy over 2,048 characters is refused', async () => {
    const { sts, pinned } = pinnedVisit(sharingTemplate());
    const command = new AssumeRoleCommand({
      RoleArn: pinned.roleArn,
      RoleSessionName: 'too-long',
      DurationSeconds: MIN_SESSION_SECONDS,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'x'.repeat(SESSION_POLICY_MAX_CHARS) }],
      }),
    });
    await expect(sts.send(command)).rejects.toThrow(/ValidationError: Policy is \d+ characters/);
  });
});
