import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { readConfig } from '../../lambda/presign/config';
import { CallerSessions, SAFETY_MARGIN_SECONDS } from '../../lambda/presign/credentials';
import type { ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { brokenTemplate, ENVIRONMENT_ROWS, environmentTemplate, fixtureBase, rawId } from './environments';
import { executionRoleOf, lambdaEnvironment, presignFunctionOf } from '../../emulator/model/lambda-rules';
import {
  ROLE_CHAINING_MAX_SECONDS,
  StsAssumeRoleModel,
  urlOutlivesSession,
} from '../../emulator/model/sts-rules';

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
