import { TEST_ISSUER } from '../support/config';
import {
  buildTeamMatrix,
  tallyTeamMatrix,
  TeamMatrixCase,
  TeamMatrixTally,
  TeamMatrixUser,
  teamsClaimOf,
} from '../../cli/verify/team-matrix';
import {
  bucketPolicyOf,
  decide,
  Decision,
  identityPoliciesOf,
  NamedPolicy,
  sessionArnOf,
} from '../../emulator/iam/simulate';
import { issuerKeyPrefix } from '../../emulator/iam/web-identity-context';
import { resolvedStack } from './stack-under-test';

/**
 * Team folders through IAM, on the synthesized template of the test configuration's dev
 * environment (finance read-write, "Finance readers" read on finance, fin read-write, auditors
 * read): every user × action × key, with the bucket policy, over TLS 1.3.
 */
const { template, ids } = resolvedStack();
const bucketName = template.ref(ids.dataBucket);
const bucketPolicy = bucketPolicyOf(template, ids.dataBucket);
const TLS = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

export const TEAM_USERS: readonly TeamMatrixUser[] = [
  { sub: '00uALICE000000000001', label: 'alice (finance rw)', memberships: { finance: 'read-write' } },
  { sub: '00uBOB00000000000002', label: 'bob (finance r)', memberships: { finance: 'read' } },
  {
    sub: '00uDORA0000000000003',
    label: 'dora (finance rw, auditors r)',
    memberships: { finance: 'read-write', auditors: 'read' },
  },
  { sub: '00uCAROL000000000004', label: 'carol (no team)', memberships: {} },
  { sub: '00uFIN00000000000005', label: 'erin (fin rw)', memberships: { fin: 'read-write' } },
];
const allCases = buildTeamMatrix({ bucketName, folders: ['finance', 'fin', 'auditors'], users: TEAM_USERS });

async function run(
  policies: NamedPolicy[],
  roleId: string,
  identity: (u: TeamMatrixUser) => object,
  cases: readonly TeamMatrixCase[] = allCases,
) {
  const decisions: Decision[] = [];
  for (const c of cases) {
    decisions.push(
      await decide({
        identityPolicies: policies,
        resourcePolicy: bucketPolicy,
        action: c.action,
        resource: c.resource,
        principal: sessionArnOf(template, roleId, `session-${c.user.sub}`),
        context: { ...TLS, ...identity(c.user), ...c.context },
      }),
    );
  }
  const mismatches = cases.filter((c, i) => (decisions[i] === 'Allowed') !== (c.expected === 'Allowed'));
  const teamAllows = cases.filter((c, i) => c.owner !== 'own' && decisions[i] === 'Allowed');
  return { tally: tallyTeamMatrix(cases, decisions), mismatches: mismatches.map((c) => c.id), teamAllows };
}

const tagged = (u: TeamMatrixUser) => ({
  'aws:PrincipalTag/okta_sub': u.sub,
  'aws:PrincipalTag/okta_teams': teamsClaimOf(u),
});

const tallies: Record<string, TeamMatrixTally> = {};

const cases = allCases;
/** The negative controls need only the folder cases of one member of each kind. */
const folderCases = allCases.filter((c) => c.folder !== undefined && /^(alice|bob|erin)/.test(c.user.label));
/** Members' cases: what a session that lost (or never had) its tag must no longer reach. */
const memberCases = allCases.filter((c) => /^(alice|bob|dora)/.test(c.user.label));

describe('the team matrix', () => {
  test('covers members, read members, two teams, no team and the fin/finance pair', () => {
    expect(new Set(cases.map((c) => c.owner))).toEqual(
      new Set(['member', 'read-member', 'non-member', 'own', 'shared']),
    );
    expect(
      cases.some((c) => c.user.label.startsWith('erin') && c.resource.endsWith('/teams/finance/f.txt')),
    ).toBe(true);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });
});

describe.each([
  ['route 1: identity pool authenticated role', () => ids.identityPoolRole],
  ['route 3: presign role session', () => ids.presignRole],
])('%s', (route, roleId) => {
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run(identityPoliciesOf(template, roleId()), roleId(), tagged);
    tallies[route] = result.tally;
  });

  test('every member reaches their folders as their access allows, and nothing else', () => {
    expect(result.mismatches).toEqual([]);
  });

  test('0 cross-team allows, 0 writes by read-only members, 0 own-prefix regressions', () => {
    expect(result.tally).toMatchObject({ crossTeamAllows: 0, readOnlyWrites: 0, ownPrefixRegressions: 0 });
    expect(result.tally.allowed).toBe(cases.filter((c) => c.expected === 'Allowed').length);
  });

  test('a session without the okta_teams tag reaches no team folder, and still its own prefix', async () => {
    const untagged = await run(
      identityPoliciesOf(template, roleId()),
      roleId(),
      (u) => ({ 'aws:PrincipalTag/okta_sub': u.sub }),
      memberCases,
    );
    expect(untagged.teamAllows).toEqual([]);
    expect(untagged.tally.ownPrefixRegressions).toBe(0);
  });
});

describe('route 2: web-identity role', () => {
  test('stays personal: no team folder is reached, whatever the token says', async () => {
    const issuer = issuerKeyPrefix(TEST_ISSUER);
    const { tally } = await run(
      identityPoliciesOf(template, ids.webIdentityRole),
      ids.webIdentityRole,
      (u) => ({
        [`${issuer}:sub`]: u.sub,
        'aws:PrincipalTag/okta_teams': teamsClaimOf(u),
      }),
      memberCases,
    );
    expect(tally.crossTeamAllows).toBe(0);
    expect(tally.allowed).toBe(
      memberCases.filter((c) => c.owner === 'own' && c.expected === 'Allowed').length,
    );
  });
});

describe('the matrix can fail (negative controls on the template’s own statements)', () => {
  const statements = () =>
    identityPoliciesOf(template, ids.identityPoolRole).map((p) => ({
      ...p,
      policy: structuredClone(p.policy),
    }));
  const teamStatements = (policies: NamedPolicy[]) =>
    policies
      .flatMap((p) => p.policy.Statement as any[])
      .filter((s) => s.Condition?.StringLike?.['aws:PrincipalTag/okta_teams']);

  test('without the membership condition on one statement, a non-member gets in', async () => {
    const policies = statements();
    const [first] = teamStatements(policies);
    delete first.Condition.StringLike['aws:PrincipalTag/okta_teams'];
    if (Object.keys(first.Condition.StringLike).length === 0) delete first.Condition;
    const { tally } = await run(policies, ids.identityPoolRole, tagged, folderCases);
    expect(tally.crossTeamAllows).toBeGreaterThan(0);
  });

  test('with read members in a write statement, a read-only member writes', async () => {
    const policies = statements();
    const writes = teamStatements(policies).filter((s) => [s.Action].flat().includes('s3:PutObject'));
    for (const s of writes) s.Condition.StringLike['aws:PrincipalTag/okta_teams'].push('*:finance=r:*');
    const { tally } = await run(policies, ids.identityPoolRole, tagged, folderCases);
    expect(tally.readOnlyWrites).toBeGreaterThan(0);
  });

  test('without the delimiter after the folder name, a finance member reaches fin', async () => {
    const policies = statements();
    for (const s of teamStatements(policies)) {
      const values: string[] = [s.Condition.StringLike['aws:PrincipalTag/okta_teams']].flat();
      s.Condition.StringLike['aws:PrincipalTag/okta_teams'] = values.map((v) => v.replace(/=rw?:\*$/, '*'));
    }
    const { teamAllows } = await run(policies, ids.identityPoolRole, tagged, folderCases);
    expect(teamAllows.filter((c) => c.user.label.startsWith('alice') && c.folder === 'fin')).not.toEqual([]);
  });
});

afterAll(() => {
  const rows = Object.entries(tallies);
  // Printed for the record: the closing note quotes these figures.
  console.log(
    `Team-folder matrix: ${rows.reduce((n, [, t]) => n + t.total, 0)} decisions\n` +
      rows
        .map(
          ([route, t]) =>
            `  ${route}: ${t.total} (${t.allowed} allowed), ${t.crossTeamAllows} cross-team allows, ` +
            `${t.readOnlyWrites} read-only writes, ${t.ownPrefixRegressions} own-prefix regressions`,
        )
        .join('\n'),
  );
});
