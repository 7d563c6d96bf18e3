import { GetPrincipalTagAttributeMapCommand } from '@aws-sdk/client-cognito-identity';
import { SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { identityPoolChecks } from '../../cli/verify/checks/identity-pool';
import { CheckResult } from '../../cli/verify/check';
import { teamSimulationChecks } from '../../cli/verify/checks/teams';
import { OutputsError, teamFoldersOutput } from '../../cli/verify/outputs';
import { verifyTeamUsers } from '../../cli/verify/team-matrix';
import { NamedPolicy } from '../../emulator/iam/simulate';
import { Deployment, deploy, mockDeployment, testClients, withRoute3TeamFolders } from './deployed';

/**
 * `iam.teams.route*`: SimulatePrincipalPolicy answered by the offline simulator on the synthesized
 * dev stack's policies (finance read-write, "Finance readers" read on finance, fin read-write,
 * auditors read), each failing case changing one statement as a bad deploy would.
 */
let d: Deployment;
let mocks: ReturnType<typeof mockDeployment> | undefined;
beforeAll(() => {
  d = deploy();
});
afterEach(() => {
  for (const m of Object.values(mocks ?? {})) m.restore();
  mocks = undefined;
});

const TEAMS_TAG = 'aws:PrincipalTag/okta_teams';
type Statement = { Action: string | string[]; Condition?: Record<string, Record<string, unknown>> };
const statementsOf = (policies: NamedPolicy[]) => policies.flatMap((p) => p.policy.Statement as Statement[]);
const isTeamStatement = (s: Statement) => s.Condition?.StringLike?.[TEAMS_TAG] !== undefined;

/** The identity-pool role's policies, copied so a test may edit them. */
const route1Policies = () => structuredClone(d.policiesOfRole(d.outputs.IdentityPoolRoleArn!));
/** Only the identity-pool role's team statements, as one policy. */
const teamPolicy = (): NamedPolicy => ({
  name: 'team statements of the identity-pool role',
  policy: { Version: '2012-10-17', Statement: statementsOf(route1Policies()).filter(isTeamStatement) },
});

/** The deployment with route 3's team folders (see withRoute3TeamFolders), and `edit` applied to one role. */
function simulateWith(edit?: { role: string; change: (policies: NamedPolicy[]) => NamedPolicy[] }) {
  const deployed = withRoute3TeamFolders(d);
  mocks = mockDeployment(d, (arn) => {
    const policies = deployed(arn);
    return edit && arn === edit.role ? edit.change(policies) : policies;
  });
}

/** The outputs of a stack deployed before the output existed. */
const withoutOutput = (name: keyof Deployment['outputs']) =>
  Object.fromEntries(Object.entries(d.outputs).filter(([key]) => key !== name)) as Deployment['outputs'];
const run = (outputs = d.outputs) => teamSimulationChecks(testClients().iam, outputs);
const rowOf = (rows: CheckResult[], check: string) => rows.find((r) => r.check === check)!;

describe('TeamFolders output', () => {
  test('the stack outputs each folder once, with the highest access any group gives', () => {
    expect(d.outputs.TeamFolders).toBe('finance=read-write,fin=read-write,auditors=read');
    expect(teamFoldersOutput(d.outputs.TeamFolders)).toEqual({
      teamsPrefix: 'teams/',
      folders: [
        { folder: 'finance', access: 'read-write' },
        { folder: 'fin', access: 'read-write' },
        { folder: 'auditors', access: 'read' },
      ],
    });
  });

  test.each([
    ['none', { teamsPrefix: 'teams/', folders: [] }],
    ['', { teamsPrefix: 'teams/', folders: [] }],
    ['groups/hr/ops=read', { teamsPrefix: 'groups/hr/', folders: [{ folder: 'ops', access: 'read' }] }],
    [undefined, undefined],
  ])('reads %j', (value, expected) => {
    expect(teamFoldersOutput(value)).toEqual(expected);
  });

  test('a malformed entry is an outputs error naming it', () => {
    expect(() => teamFoldersOutput('finance=write')).toThrow(OutputsError);
    expect(() => teamFoldersOutput('finance=write')).toThrow('"finance=write"');
  });
});

describe('the synthetic users', () => {
  test('come from the folders given: a writer, a reader, two folders, a non-member, the extension', () => {
    const users = verifyTeamUsers([
      { folder: 'legal', access: 'read' },
      { folder: 'ops', access: 'read-write' },
    ]);
    expect(users.map((u) => [u.label, u.claim])).toEqual([
      ['read-write member (ops)', ':ops=rw:'],
      ['read member (legal)', ':legal=r:'],
      ['member of legal and ops', ':legal=r:ops=rw:'],
      ['non-member', ':'],
      ['prefix extension (claims legalx=rw, opsx=rw)', ':legalx=rw:opsx=rw:'],
    ]);
    expect(users[4].memberships).toEqual({});
  });
});

describe('iam.teams.route1..3', () => {
  test('the deployed roles pass: members reach their folders, nobody else, route 2 nothing', async () => {
    simulateWith();
    const rows = await run();
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['iam.teams.route1', 'PASS'],
      ['iam.teams.route2', 'PASS'],
      ['iam.teams.route3', 'PASS'],
    ]);
    expect(rows[0].found).toMatch(
      /^\d+ decisions, [1-9]\d* allowed, 0 cross-team allows, 0 read-only writes, 0 own-prefix regressions, 0 unexpected/,
    );
    // The sessions IAM was asked about carry the claims of users built from the output's folders.
    const claims = new Set(
      mocks!.iam
        .commandCalls(SimulatePrincipalPolicyCommand)
        .flatMap((c) => c.args[0].input.ContextEntries ?? [])
        .filter((e) => e.ContextKeyName === TEAMS_TAG)
        .flatMap((e) => e.ContextKeyValues ?? []),
    );
    expect([...claims].sort()).toEqual(
      [
        ':',
        ':auditors=r:',
        ':finance=rw:',
        ':finance=rw:fin=rw:',
        ':financex=rw:finx=rw:auditorsx=rw:',
      ].sort(),
    );
  });

  test('a team statement that lost its okta_teams condition: FAIL naming a cross-team allow', async () => {
    simulateWith({
      role: d.outputs.IdentityPoolRoleArn!,
      change: (policies) => {
        const [first] = statementsOf(policies).filter(isTeamStatement);
        delete first.Condition!.StringLike[TEAMS_TAG];
        if (Object.keys(first.Condition!.StringLike).length === 0) delete first.Condition;
        return policies;
      },
    });
    const row = rowOf(await run(), 'iam.teams.route1');
    expect(row.status).toBe('FAIL');
    expect(row.found).toMatch(/ [1-9]\d* cross-team allows/);
    expect(row.finding).toContain('non-member s3:GetObject teams/finance/f.txt (non-member)');
  });

  test('a read member allowed to write: FAIL naming a read-only write', async () => {
    simulateWith({
      role: d.outputs.IdentityPoolRoleArn!,
      change: (policies) => {
        for (const s of statementsOf(policies).filter(isTeamStatement)) {
          const readers = [s.Condition!.StringLike[TEAMS_TAG]].flat();
          if (readers.includes('*:auditors=r:*') && [s.Action].flat().includes('s3:GetObject'))
            s.Action = [...[s.Action].flat(), 's3:PutObject'];
        }
        return policies;
      },
    });
    const row = rowOf(await run(), 'iam.teams.route1');
    expect(row.status).toBe('FAIL');
    expect(row.found).toMatch(/ [1-9]\d* read-only writes/);
    expect(row.finding).toContain(
      'Read-only writes: read member (auditors) s3:PutObject teams/auditors/f.txt',
    );
  });

  test('a membership condition without the "=" after the folder: the prefix-extension user gets in, FAIL', async () => {
    simulateWith({
      role: d.outputs.PresignRoleArn!,
      change: (policies) => {
        for (const s of statementsOf(policies).filter(isTeamStatement)) {
          const values = [s.Condition!.StringLike[TEAMS_TAG]].flat() as string[];
          s.Condition!.StringLike[TEAMS_TAG] = values.map((v) => v.replace(/=rw?:\*$/, '*'));
        }
        return policies;
      },
    });
    const rows = await run();
    expect(rows.map((r) => r.status)).toEqual(['PASS', 'PASS', 'FAIL']);
    expect(rows[2].finding).toContain('prefix extension (claims financex=rw, finx=rw, auditorsx=rw)');
  });

  test('route 2 with team statements: FAIL, route 2 must stay personal', async () => {
    simulateWith({ role: d.outputs.WebIdentityRoleArn, change: (policies) => [...policies, teamPolicy()] });
    const rows = await run();
    expect(rows.map((r) => r.status)).toEqual(['PASS', 'FAIL', 'PASS']);
    expect(rows[1].finding).toContain('Route 2 must stay personal');
    expect(rows[1].found).toMatch(/ [1-9]\d* cross-team allows/);
  });

  test('a role without the team statements: FAIL naming the members denied', async () => {
    simulateWith({
      role: d.outputs.IdentityPoolRoleArn!,
      change: (policies) =>
        policies.map((p) => ({
          ...p,
          policy: { ...p.policy, Statement: statementsOf([p]).filter((s) => !isTeamStatement(s)) },
        })),
    });
    const row = rowOf(await run(), 'iam.teams.route1');
    expect(row.status).toBe('FAIL');
    expect(row.finding).toContain(
      'Members denied: read-write member (finance) s3:GetObject teams/finance/f.txt',
    );
  });

  test('no team folders configured ("none"): PASS, nothing under teams/ is reached', async () => {
    simulateWith();
    const rows = await run({ ...d.outputs, TeamFolders: 'none' });
    expect(rows.map((r) => r.status)).toEqual(['PASS', 'PASS', 'PASS']);
    expect(rows[0].found).toContain('(folders: none)');
  });

  test('an older stack without the TeamFolders output: three SKIPs naming it, and no IAM call', async () => {
    simulateWith();
    const rows = await run(withoutOutput('TeamFolders'));
    expect(rows.map((r) => [r.check, r.status])).toEqual([
      ['iam.teams.route1', 'SKIP'],
      ['iam.teams.route2', 'SKIP'],
      ['iam.teams.route3', 'SKIP'],
    ]);
    expect(rows[0].finding).toContain('no TeamFolders output');
    expect(mocks!.iam.commandCalls(SimulatePrincipalPolicyCommand)).toHaveLength(0);
  });

  test('a route whose role output is missing: SKIP naming the output', async () => {
    simulateWith();
    const rows = await run(withoutOutput('PresignRoleArn'));
    expect(rows[2]).toMatchObject({ check: 'iam.teams.route3', status: 'SKIP' });
    expect(rows[2].finding).toContain('PresignRoleArn');
  });
});

describe('identity-pool.principal-tags with team folders', () => {
  const mapOf = (tags: Record<string, string>) => ({
    ...d.responses.getPrincipalTagAttributeMap,
    PrincipalTags: tags,
  });
  beforeEach(() => {
    mocks = mockDeployment(d);
  });
  const tagsRow = async (tags: Record<string, string>, outputs = d.outputs) => {
    mocks!.cognitoIdentity.on(GetPrincipalTagAttributeMapCommand).resolves(mapOf(tags));
    const rows = await identityPoolChecks(testClients().cognitoIdentity, outputs);
    return rowOf(rows, 'identity-pool.principal-tags');
  };
  const ALL = { okta_sub: 'sub', okta_aud: 'aud', okta_teams: 'okta_teams' };

  test('the deployed map (okta_sub, okta_aud, okta_teams) passes', async () => {
    expect(d.responses.getPrincipalTagAttributeMap.PrincipalTags).toEqual(ALL);
    expect((await tagsRow(ALL)).status).toBe('PASS');
  });

  test('a map without okta_teams while TeamFolders lists folders: FAIL, members would be refused', async () => {
    const row = await tagsRow({ okta_sub: 'sub', okta_aud: 'aud' });
    expect(row.status).toBe('FAIL');
    expect(row.expected).toContain('okta_teams <- okta_teams');
  });

  test('no team folders ("none"): okta_teams must be absent; an older stack may have it or not', async () => {
    const none = { ...d.outputs, TeamFolders: 'none' };
    expect((await tagsRow({ okta_sub: 'sub', okta_aud: 'aud' }, none)).status).toBe('PASS');
    expect((await tagsRow(ALL, none)).status).toBe('FAIL');
    const older = withoutOutput('TeamFolders');
    expect((await tagsRow(ALL, older)).status).toBe('PASS');
    expect((await tagsRow({ okta_sub: 'sub', okta_aud: 'aud' }, older)).status).toBe('PASS');
  });
});
