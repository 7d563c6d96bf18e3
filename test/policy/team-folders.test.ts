import {
  membershipsByFolder,
  oktaTeamsClaimExpression,
  parseTeamsClaim,
  teamFolderStatements,
  TeamFolderAccess,
  teamsClaimValue,
} from '../../lib/policy/team-folder-statements';
import { policyCharacters, TEAM_POLICY_BUDGET, teamFolderProblems } from '../../lib/validation/team-folders';

const { READ, READ_WRITE } = TeamFolderAccess;
const BUCKET = 'arn:aws:s3:::files';

describe('the okta_teams claim', () => {
  test('lists memberships between colons, and a lone colon for none', () => {
    expect(teamsClaimValue(['finance=rw', 'auditors=r'])).toBe(':finance=rw:auditors=r:');
    expect(teamsClaimValue([])).toBe(':');
  });

  test('parses to folder and access; the higher access wins for a user in two groups of a folder', () => {
    expect(parseTeamsClaim(':finance=r:auditors=r:finance=rw:')).toEqual(
      new Map([
        ['finance', READ_WRITE],
        ['auditors', READ],
      ]),
    );
    expect(parseTeamsClaim(':')).toEqual(new Map());
  });

  test.each([
    ['no leading colon', 'finance=rw:'],
    ['no trailing colon', ':finance=rw'],
    ['an access other than r or rw', ':finance=admin:'],
    ['a wildcard', ':*=rw:'],
    ['a slash', ':finance/x=rw:'],
    ['a comma list, as Arrays.toCsvString writes', 'finance,auditors'],
    ['an array', ['finance']],
    ['too long for a session tag', `:${'a'.repeat(300)}=r:`],
  ])('refuses %s', (_, value) => expect(parseTeamsClaim(value)).toBeUndefined());
});

describe('oktaTeamsClaimExpression', () => {
  test('one documented conditional per group, concatenated after a colon', () => {
    expect(
      oktaTeamsClaimExpression([
        { group: 'Finance Team', folder: 'finance', access: READ_WRITE },
        { group: 'auditors', access: READ },
      ]),
    ).toBe(
      '":" + (isMemberOfGroupName("Finance Team") ? "finance=rw:" : "") + (isMemberOfGroupName("auditors") ? "auditors=r:" : "")',
    );
  });
});

describe('teamFolderStatements', () => {
  const teams = [
    { group: 'finance', access: READ_WRITE },
    { group: 'finance-readers', folder: 'finance', access: READ },
    { group: 'auditors', access: READ },
  ];
  const json = teamFolderStatements(BUCKET, teams).map((s) => s.toStatementJson());

  test('every statement is conditional on the okta_teams tag naming a membership between colons', () => {
    expect(json.length).toBeGreaterThan(0);
    for (const s of json) {
      const values = [s.Condition.StringLike['aws:PrincipalTag/okta_teams']].flat();
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) expect(v).toMatch(/^\*:[a-z-]+=(r|rw):\*$/);
    }
  });

  test('a folder only read members have gets no write statement', () => {
    const auditors = json.filter((s) =>
      [s.Resource].flat().some((r: string) => r.includes('/teams/auditors/')),
    );
    expect(auditors.map((s) => s.Action)).toEqual([['s3:GetObject', 's3:GetObjectTagging']]);
  });

  test('groups sharing a folder share its statements', () => {
    expect([...membershipsByFolder(teams)]).toEqual([
      ['finance', new Set([READ_WRITE, READ])],
      ['auditors', new Set([READ])],
    ]);
  });

  test('refuses a teams prefix that is not folder segments', () =>
    expect(() => teamFolderStatements(BUCKET, teams, 'teams/*')).toThrow('teamsPrefix'));
});

describe('teamFolderProblems', () => {
  const problems = (teams: object[], teamsPrefix = 'teams/', usersPrefix = 'users/') =>
    teamFolderProblems('teamFolders', teams as never, teamsPrefix, usersPrefix);

  test('accepts two folders, a shared folder, and the fin/finance pair', () =>
    expect(
      problems([
        { group: 'finance', access: 'read-write' },
        { group: 'Finance readers', folder: 'finance', access: 'read' },
        { group: 'fin', access: 'read-write' },
      ]),
    ).toEqual([]));

  test.each([
    ['*', 'a wildcard'],
    ['fin?', 'a one-character wildcard'],
    ['${aws:username}', 'a policy variable'],
    ['a,b', 'a list separator'],
    ['finance/2026', 'a nested folder, which another folder’s prefix would contain'],
    ['..', 'a parent folder'],
    ['a..b', 'two dots'],
    ['fin:x', 'the claim separator'],
    ['fin=rw', 'the access separator'],
    ['-finance', 'a leading dash'],
    ['x'.repeat(64), '64 characters'],
  ])('refuses the folder %j (%s), naming the entry', (folder) =>
    expect(
      problems([
        { group: 'ok', access: 'read' },
        { group: 'g', folder, access: 'read' },
      ]),
    ).toEqual([expect.stringMatching(/^teamFolders\[1\]\.folder: /)]),
  );

  test('a group name used as the folder is named as such', () =>
    expect(problems([{ group: 'Finance Team', access: 'read' }])).toEqual([
      expect.stringMatching(/^teamFolders\[0\]\.group \(the folder defaults to it\): "Finance Team"/),
    ]));

  test('one message lists every problem: group, access, duplicate, prefix', () =>
    expect(
      problems(
        [
          { group: 'say "hi"', folder: 'x', access: 'read' },
          { group: 'a', access: 'write' },
          { group: 'a', access: 'read' },
        ],
        'users/teams/',
      ),
    ).toEqual([
      expect.stringMatching(/^teamFolders\[0\]\.group: /),
      expect.stringMatching(/^teamFolders\[1\]\.access: must be "read" or "read-write"/),
      expect.stringMatching(/^teamFolders\[2\]\.group: "a" is listed twice/),
      expect.stringMatching(
        /^teamsPrefix: "users\/teams\/" and usersPrefix "users\/" must not contain one another/,
      ),
    ]));

  test('a membership claim longer than a session tag value holds is refused', () => {
    // 5 folders of 60 characters: 1 + 5 × (60 + 4) = 321 characters for a member of all five.
    const teams = Array.from({ length: 5 }, (_, i) => ({
      group: `g${i}`,
      folder: `${'f'.repeat(59)}${i}`,
      access: 'read-write',
    }));
    expect(problems(teams)).toEqual([
      'teamFolders: a member of every group would carry a 321-character okta_teams claim; a session tag value holds at most 256. Use fewer or shorter folder names',
    ]);
  });

  test('more folders than fit in a role policy are refused, and the limit sits where the size crosses the budget', () => {
    const teams = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ group: `g${i}`, access: READ_WRITE }));
    const fits = Array.from({ length: 40 }, (_, i) => i + 1).filter(
      (n) => policyCharacters(teams(n), 'teams/') <= TEAM_POLICY_BUDGET,
    );
    const most = Math.max(...fits);
    expect(most).toBeGreaterThan(3);
    expect(problems(teams(most))).toEqual([]);
    expect(problems(teams(most + 1))).toEqual([expect.stringMatching(/characters of a role's policy/)]);
  });
});
