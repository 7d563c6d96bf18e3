import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { PresignApi, PresignApiProps } from '../../lib/constructs/presign-api';
import { TeamFolder, TeamFolderAccess } from '../../lib/policy/team-folder-names';
import { statementsOfRole } from '../support/resources';
import { resolveTemplate, type ResolvedTemplate } from '../../emulator/iam/resolve-template';
import { decide, decideTrust, identityPoliciesOf, sessionArnOf } from '../../emulator/iam/simulate';
import { trustPolicyOf } from '../../emulator/iam/template-policies';

/*
 * PresignApi with team folders, in a bare Stack with explicit props (no bundling: these tests read
 * the template). Permission questions go through the IAM simulator on the resolved template.
 */

const ALICE = '00uAlice0000000000a1';
/** The lead's dev configuration: finance (read-write), "Finance readers" → finance (read), fin, auditors. */
const TEAMS: TeamFolder[] = [
  { group: 'finance', access: TeamFolderAccess.READ_WRITE },
  { group: 'Finance readers', folder: 'finance', access: TeamFolderAccess.READ },
  { group: 'fin', access: TeamFolderAccess.READ_WRITE },
  { group: 'auditors', access: TeamFolderAccess.READ },
];

function presignStack(props: Partial<PresignApiProps> = {}, id = 'S'): Stack {
  const stack = new Stack(new App({ context: { [cxapi.BUNDLING_STACKS]: [] } }), id);
  new PresignApi(stack, 'PresignApi', {
    userPool: new cognito.UserPool(stack, 'UserPool'),
    bucket: new s3.Bucket(stack, 'Bucket'),
    allowedOrigins: ['https://files.example.com'],
    ...props,
  });
  return stack;
}

const stack = presignStack({ teamFolders: TEAMS, teamMembershipMaxAge: Duration.minutes(30) });
const template = Template.fromStack(stack);
const resolved: ResolvedTemplate = resolveTemplate(template.toJSON());
const roleId = (prefix: string) =>
  Object.keys(resolved.resources).find(
    (id) => resolved.resources[id].Type === 'AWS::IAM::Role' && id.startsWith(prefix),
  )!;
const presignRole = roleId('PresignApiPresignRole');
const executionRole = roleId('PresignApiHandlerRole');

describe('PresignApi with team folders: configuration', () => {
  test('the Lambda is told the teams prefix, every configured membership once, and the membership age', () => {
    const fn = Object.values(resolved.resources).find((r) => r.Type === 'AWS::Lambda::Function')!;
    expect((fn.Properties.Environment as { Variables: object }).Variables).toMatchObject({
      TEAMS_PREFIX: 'teams/',
      TEAM_FOLDERS: 'finance=rw,finance=r,fin=rw,auditors=r',
      TEAM_MEMBERSHIP_MAX_AGE_SECONDS: '1800',
    });
  });

  test('GET /folders is a method behind the authorizer, and GET /files takes an optional folder', () => {
    const methods = Object.values(resolved.resources).filter(
      (r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.HttpMethod === 'GET',
    );
    expect(methods).toHaveLength(2);
    for (const m of methods) expect(m.Properties.AuthorizationType).toBe('COGNITO_USER_POOLS');
    const files = methods.find((m) => m.Properties.RequestParameters);
    expect(files!.Properties.RequestParameters).toEqual({
      'method.request.querystring.nextToken': false,
      'method.request.querystring.folder': false,
    });
  });

  test.each([
    [
      { teamFolders: [{ group: 'fin*', access: TeamFolderAccess.READ }] },
      /teamFolders\[0\]\.group \(the folder defaults to it\): "fin\*"/,
    ],
    [
      { teamFolders: TEAMS, teamsPrefix: 'users/teams/' },
      /teamsPrefix: "users\/teams\/" and usersPrefix "users\/"/,
    ],
    [
      { teamFolders: TEAMS, teamMembershipMaxAge: Duration.days(2) },
      /teamMembershipMaxAge: must be whole seconds from 1 minute to 1 day/,
    ],
    [{ teamFolders: TEAMS, teamMembershipMaxAge: Duration.seconds(59) }, /teamMembershipMaxAge/],
  ])('refuses bad team props, naming the prop (%#)', (props, message) => {
    expect(() =>
      presignStack(props as Partial<PresignApiProps>, `Bad${Math.random().toString(36).slice(2, 8)}`),
    ).toThrow(message);
  });
});

describe('PresignApi with team folders: the presign role (simulated)', () => {
  const bucketArn = `arn:aws:s3:::${resolved.ref(Object.keys(resolved.resources).find((id) => id.startsWith('Bucket'))!)}`;
  const session = sessionArnOf(resolved, presignRole, `okta-${ALICE}`);
  const ask = (action: string, key: string, teams: string) =>
    decide({
      identityPolicies: identityPoliciesOf(resolved, presignRole),
      action,
      resource: `${bucketArn}/${key}`,
      principal: session,
      context: { 'aws:PrincipalTag/okta_sub': ALICE, 'aws:PrincipalTag/okta_teams': teams } as never,
    });

  test('every team statement requires the okta_teams tag to name the membership between colons', () => {
    const statements = statementsOfRole(template, presignRole);
    const teamStatements = statements.filter((s) => JSON.stringify(s).includes('/teams/'));
    expect(teamStatements.length).toBeGreaterThan(0);
    for (const s of teamStatements) {
      expect(Object.keys(s.Condition.StringLike)).toContain('aws:PrincipalTag/okta_teams');
      for (const pattern of [s.Condition.StringLike['aws:PrincipalTag/okta_teams']].flat()) {
        expect(pattern).toMatch(/^\*:[A-Za-z0-9._-]+=(r|rw):\*$/);
      }
    }
  });

  test.each([
    ['a read member reads', 's3:GetObject', 'teams/finance/id/q3.xlsx', ':finance=r:', 'Allowed'],
    [
      'a read member may not write',
      's3:PutObject',
      'teams/finance/id/q3.xlsx',
      ':finance=r:',
      'ImplicitlyDenied',
    ],
    ['a read-write member writes', 's3:PutObject', 'teams/finance/id/q3.xlsx', ':finance=rw:', 'Allowed'],
    [
      'fin does not reach finance',
      's3:GetObject',
      'teams/finance/id/q3.xlsx',
      ':fin=rw:',
      'ImplicitlyDenied',
    ],
    ['finance does not reach fin', 's3:PutObject', 'teams/fin/id/x', ':finance=rw:', 'ImplicitlyDenied'],
    ['no membership reaches nothing', 's3:GetObject', 'teams/auditors/x', ':', 'ImplicitlyDenied'],
    [
      'auditors=rw is not configured',
      's3:PutObject',
      'teams/auditors/x',
      ':auditors=rw:',
      'ImplicitlyDenied',
    ],
    ['the own prefix still works', 's3:PutObject', `users/${ALICE}/id/x`, ':', 'Allowed'],
  ])('%s (%s %s with %s)', async (_what, action, key, teams, expected) => {
    expect(await ask(action, key, teams)).toBe(expected);
  });

  describe('trust: the function tags okta_sub and okta_teams, nothing else', () => {
    const fn = Object.keys(resolved.resources).find(
      (id) => resolved.resources[id].Type === 'AWS::Lambda::Function',
    )!;
    const assume = (tags: Record<string, string>) =>
      decideTrust({
        trustPolicy: trustPolicyOf(resolved, presignRole),
        action: 'sts:TagSession',
        principal: sessionArnOf(resolved, executionRole, 'presign-fn'),
        roleArn: resolved.getAtt(presignRole, 'Arn'),
        context: {
          'lambda:SourceFunctionArn': resolved.getAtt(fn, 'Arn'),
          'aws:TagKeys': Object.keys(tags),
          ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v])),
        } as never,
        callerIdentityPolicies: identityPoliciesOf(resolved, executionRole),
      });

    test('okta_sub with okta_teams, or okta_sub alone, is allowed', async () => {
      expect(await assume({ okta_sub: ALICE, okta_teams: ':finance=rw:auditors=r:' })).toBe('Allowed');
      expect(await assume({ okta_sub: ALICE, okta_teams: ':' })).toBe('Allowed');
      expect(await assume({ okta_sub: ALICE })).toBe('Allowed');
    });

    test('okta_teams without okta_sub, or with another tag, is refused', async () => {
      expect(await assume({ okta_teams: ':finance=rw:' })).toBe('ImplicitlyDenied');
      expect(await assume({ okta_sub: ALICE, okta_teams: ':finance=rw:', role: 'admin' })).toBe(
        'ImplicitlyDenied',
      );
    });

    /* STS allows letters, digits, whitespace and _ . : / = + - @ in a tag value (API_Tag.html); the claim has no / + @ or space. */
    test.each([':a/b=rw:', ':a b=rw:', ':a+b=rw:', ':a@b=rw:', ':*=rw:'])(
      'an okta_teams value %j, which the claim never holds, is refused',
      async (value) => {
        expect(await assume({ okta_sub: ALICE, okta_teams: value })).toBe('ImplicitlyDenied');
      },
    );
  });
});

describe('PresignApi without team folders', () => {
  const plainTemplate = Template.fromStack(presignStack({}, 'Plain'));
  const t = resolveTemplate(plainTemplate.toJSON());
  const role = Object.keys(t.resources).find(
    (id) => id.startsWith('PresignApiPresignRole') && t.resources[id].Type === 'AWS::IAM::Role',
  )!;

  test('the trust allows the okta_sub tag only, and the role has no team statement (secure by default)', () => {
    const trust = JSON.stringify(trustPolicyOf(t, role));
    expect(trust).not.toContain('okta_teams');
    expect(JSON.stringify(statementsOfRole(plainTemplate, role))).not.toContain('teams/');
  });
});
