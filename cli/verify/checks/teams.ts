import { IAMClient } from '@aws-sdk/client-iam';
import { issuerHostAndPath, OKTA_SUB_TAG } from '../../../lib/policy/user-prefix-names';
import { TEAMS_TAG_KEY } from '../../../lib/policy/team-folder-names';
import { CheckResult, guarded, skip, verdict } from '../check';
import { Outputs, teamFoldersOutput } from '../outputs';
import { buildTeamMatrix, ClaimedTeamUser, tallyTeamMatrix, verifyTeamUsers } from '../team-matrix';
import { batches, missingRoleOutput, simulateBatches } from './simulate';

interface TeamRoute {
  readonly check: string;
  readonly roleArn?: string;
  readonly output: string;
  /** Route 2 is personal only: its users are members of nothing, whatever their claim says. */
  readonly teams: boolean;
  readonly identity: (user: ClaimedTeamUser) => Record<string, string>;
}

function teamRoutes(o: Outputs): TeamRoute[] {
  const tagged = (u: ClaimedTeamUser) => ({
    [`aws:PrincipalTag/${OKTA_SUB_TAG}`]: u.sub,
    [TEAMS_TAG_KEY]: u.claim,
  });
  return [
    {
      check: 'iam.teams.route1',
      roleArn: o.IdentityPoolRoleArn,
      output: 'IdentityPoolRoleArn',
      teams: true,
      identity: tagged,
    },
    {
      check: 'iam.teams.route2',
      roleArn: o.WebIdentityRoleArn,
      output: 'WebIdentityRoleArn',
      teams: false,
      // Even a session that somehow carried the tag must reach no team folder.
      identity: (u) => ({ [`${issuerHostAndPath(o.OktaIssuer)}:sub`]: u.sub, [TEAMS_TAG_KEY]: u.claim }),
    },
    {
      check: 'iam.teams.route3',
      roleArn: o.PresignRoleArn,
      output: 'PresignRoleArn',
      teams: true,
      identity: tagged,
    },
  ];
}

/**
 * `iam:SimulatePrincipalPolicy` on each route's role with the team matrix of the deployed folders
 * (the `TeamFolders` output): members reach their folders as their access allows, non-members,
 * `<folder>x/` and `teams/` itself nothing, and the own prefix is unchanged; route 2 reaches no team
 * folder at all. As for `iam.route*`, the bucket policy cannot be part of the simulation.
 */
export async function teamSimulationChecks(client: IAMClient, o: Outputs): Promise<CheckResult[]> {
  const routes = teamRoutes(o);
  const expectedOf = (route: TeamRoute) =>
    route.teams
      ? 'members reach their folders as their access allows; non-members, <folder>x/ and teams/ denied'
      : 'no team folder reached (route 2 is personal), own prefix unchanged';
  if (o.TeamFolders === undefined) {
    return routes.map((route) =>
      skip(
        route.check,
        expectedOf(route),
        'The outputs file has no TeamFolders output (a stack deployed before team folders): redeploy the current stack and write the outputs file again.',
      ),
    );
  }
  const rows: CheckResult[] = [];
  for (const route of routes) {
    const expected = expectedOf(route);
    if (!route.roleArn) {
      rows.push(missingRoleOutput(route, expected));
      continue;
    }
    const roleArn = route.roleArn;
    rows.push(
      ...(await guarded(route.check, expected, async () => {
        const { teamsPrefix, folders } = teamFoldersOutput(o.TeamFolders)!;
        const claimed = verifyTeamUsers(folders);
        const users = route.teams ? claimed : claimed.map((u) => ({ ...u, memberships: {} }));
        const bySub = new Map(users.map((u) => [u.sub, u]));
        const cases = buildTeamMatrix({
          bucketName: o.BucketName,
          folders: folders.map((f) => f.folder),
          users,
          partition: roleArn.split(':')[1] || 'aws',
          teamsPrefix,
        });
        const identity = (sub: string) => route.identity(bySub.get(sub)!);
        const { decisions, missing } = await simulateBatches(client, roleArn, batches(cases, identity));
        const actual = cases.map((c) => {
          const key = `${JSON.stringify({ ...identity(c.user.sub), ...c.context })}|${c.action}|${c.resource}`;
          const decision = decisions.get(key);
          if (!decision) throw new Error(`IAM returned no decision for ${c.id}`);
          return decision;
        });
        const tally = tallyTeamMatrix(cases, actual);
        const wrong = cases.filter((c, i) => (actual[i] === 'Allowed') !== (c.expected === 'Allowed'));
        // The first case of each user, so every synthetic user that went wrong is named.
        const ids = (list: typeof cases) => {
          const seen = new Set<string>();
          const firsts = list.filter((c) => !seen.has(c.user.sub) && seen.add(c.user.sub));
          return firsts.map((c) => c.id).join('; ') + (list.length > firsts.length ? '; ...' : '');
        };
        const crossTeam = wrong.filter((c) => c.owner === 'non-member' || c.owner === 'shared');
        const readOnly = wrong.filter(
          (c) => c.owner === 'read-member' && !['s3:GetObject', 's3:ListBucket'].includes(c.action),
        );
        const deniedMembers = wrong.filter((c) => c.expected === 'Allowed' && c.owner !== 'own');
        const ok =
          wrong.length === 0 &&
          tally.crossTeamAllows === 0 &&
          tally.readOnlyWrites === 0 &&
          tally.ownPrefixRegressions === 0;
        const findings = [
          crossTeam.length ? `Cross-team allows: ${ids(crossTeam)}.` : '',
          readOnly.length ? `Read-only writes: ${ids(readOnly)}.` : '',
          deniedMembers.length
            ? `Members denied: ${ids(deniedMembers)} (the role lacks the team statements: a stack from before team folders, or teamFolders changed without a redeploy).`
            : '',
          tally.ownPrefixRegressions
            ? `Own-prefix regressions: ${ids(wrong.filter((c) => c.owner === 'own'))}.`
            : '',
          missing.size ? `IAM reported missing context values: ${[...missing].join(', ')}.` : '',
        ].filter(Boolean);
        return [
          verdict(
            route.check,
            ok,
            `${cases.length} decisions, ${cases.filter((c) => c.expected === 'Allowed').length} allowed, 0 cross-team allows, 0 read-only writes, 0 own-prefix regressions`,
            `${tally.total} decisions, ${tally.allowed} allowed, ${tally.crossTeamAllows} cross-team allows, ${tally.readOnlyWrites} read-only writes, ${tally.ownPrefixRegressions} own-prefix regressions, ${wrong.length} unexpected` +
              ` (folders: ${folders.map((f) => `${f.folder}=${f.access}`).join(', ') || 'none'})`,
            `The deployed policies of ${roleArn} differ from the team-folder design: ${findings.join(' ')}` +
              (route.teams
                ? ' Every team statement must require aws:PrincipalTag/okta_teams to name the folder between colons (*:<folder>=r:* or *:<folder>=rw:*), and writes only =rw.'
                : ' Route 2 must stay personal: remove any team-folder statement from its role.') +
              ' Redeploy the stack; run cdk diff to see what changed.',
          ),
        ];
      })),
    );
  }
  return rows;
}
