/**
 * The team-folder matrix: members, read-only members, a member of two teams, non-members and the
 * prefix-extension pair of folders, × actions × keys, each with the decision the design requires.
 * Shared by the offline IAM tests and `okta-s3-storage verify`. Expected decisions come from each
 * user's declared memberships, never from the claim parser or the policy builder, so the matrix is
 * an oracle the policies are checked against.
 */
import { MatrixCase, NEVER_OBJECT_ACTIONS, OWN_OBJECT_ACTIONS, RequestContext } from './matrix';

/** Access as the matrix names it; the claim writes `r` and `rw`. */
export type TeamAccess = 'read' | 'read-write';

export interface TeamMatrixUser {
  readonly sub: string;
  readonly label: string;
  /** Folder → access, as Okta's groups would give it. */
  readonly memberships: Readonly<Record<string, TeamAccess>>;
}

/** Whose space a team case reaches into. */
export type TeamTargetOwner = 'member' | 'read-member' | 'non-member' | 'own' | 'shared';

export interface TeamMatrixCase extends Omit<MatrixCase, 'user' | 'owner'> {
  readonly user: TeamMatrixUser;
  readonly owner: TeamTargetOwner;
  /** The folder the case reaches into, if any. */
  readonly folder?: string;
}

export interface TeamMatrixOptions {
  readonly bucketName: string;
  /** Every configured folder; `extra` folders nobody is a member of are added by the matrix. */
  readonly folders: readonly string[];
  readonly users: readonly TeamMatrixUser[];
  readonly partition?: string;
  readonly teamsPrefix?: string;
}

/** Actions read members get; writers get OWN_OBJECT_ACTIONS, which include them. */
const READ_ACTIONS = ['s3:GetObject', 's3:GetObjectTagging'];

/** The claim value a user's memberships give: `:finance=rw:auditors=r:`. */
export function teamsClaimOf(user: TeamMatrixUser): string {
  const entries = Object.entries(user.memberships).map(([f, a]) => `${f}=${a === 'read' ? 'r' : 'rw'}`);
  return `:${entries.map((e) => `${e}:`).join('')}`;
}

export function buildTeamMatrix(options: TeamMatrixOptions): TeamMatrixCase[] {
  const teams = options.teamsPrefix ?? 'teams/';
  const bucketArn = `arn:${options.partition ?? 'aws'}:s3:::${options.bucketName}`;
  const cases: TeamMatrixCase[] = [];
  for (const user of options.users) {
    const ownerOf = (folder: string): TeamTargetOwner => {
      const access = user.memberships[folder];
      return access === 'read-write' ? 'member' : access === 'read' ? 'read-member' : 'non-member';
    };
    const objectTargets = [
      ...options.folders.map((folder) => ({
        key: `${teams}${folder}/f.txt`,
        folder,
        owner: ownerOf(folder),
      })),
      // One extension of a configured name (`financex`); configure a pair such as fin/finance to
      // test two real folders against each other.
      ...options.folders.slice(0, 1).map((folder) => ({
        key: `${teams}${folder}x/f.txt`,
        folder: `${folder}x`,
        owner: ownerOf(`${folder}x`),
      })),
      { key: `${teams}f.txt`, folder: undefined, owner: 'shared' as const },
      { key: `users/${user.sub}/f.txt`, folder: undefined, owner: 'own' as const },
    ];
    for (const action of [...OWN_OBJECT_ACTIONS, ...NEVER_OBJECT_ACTIONS]) {
      for (const t of objectTargets) {
        const allowed =
          t.owner === 'own'
            ? (OWN_OBJECT_ACTIONS as readonly string[]).includes(action)
            : t.owner === 'member'
              ? (OWN_OBJECT_ACTIONS as readonly string[]).includes(action)
              : t.owner === 'read-member' && READ_ACTIONS.includes(action);
        cases.push({
          id: `${user.label} ${action} ${t.key} (${t.owner})`,
          user,
          action,
          resource: `${bucketArn}/${t.key}`,
          context: {},
          owner: t.owner,
          folder: t.folder,
          expected: allowed ? 'Allowed' : 'Denied',
        });
      }
    }
    const listTargets: { prefix?: string; folder?: string; owner: TeamTargetOwner; grantable: boolean }[] = [
      ...options.folders.flatMap((folder) => [
        { prefix: `${teams}${folder}/`, folder, owner: ownerOf(folder), grantable: true },
        { prefix: `${teams}${folder}/q3/`, folder, owner: ownerOf(folder), grantable: true },
        { prefix: `${teams}${folder}`, folder, owner: ownerOf(folder), grantable: false },
      ]),
      { prefix: teams, owner: 'shared', grantable: false },
      { prefix: '', owner: 'shared', grantable: false },
      { prefix: undefined, owner: 'shared', grantable: false },
    ];
    for (const t of listTargets) {
      const context: RequestContext = t.prefix === undefined ? {} : { 's3:prefix': t.prefix };
      const isMember = t.owner === 'member' || t.owner === 'read-member';
      cases.push({
        id: `${user.label} s3:ListBucket prefix=${JSON.stringify(t.prefix ?? null)} (${t.owner})`,
        user,
        action: 's3:ListBucket',
        resource: bucketArn,
        context,
        owner: t.owner,
        folder: t.folder,
        expected: isMember && t.grantable ? 'Allowed' : 'Denied',
      });
    }
  }
  return cases;
}

/** What the team matrix must show, beyond matching every expected decision. */
export interface TeamMatrixTally {
  readonly total: number;
  readonly allowed: number;
  /** Allows into a folder the user is not a member of: must be 0. */
  readonly crossTeamAllows: number;
  /** Allowed writes by a read-only member: must be 0. */
  readonly readOnlyWrites: number;
  /** Own-prefix cases that do not get the expected decision: must be 0. */
  readonly ownPrefixRegressions: number;
}

export function tallyTeamMatrix(
  cases: readonly TeamMatrixCase[],
  decisions: readonly ('Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied')[],
): TeamMatrixTally {
  let allowed = 0;
  let crossTeamAllows = 0;
  let readOnlyWrites = 0;
  let ownPrefixRegressions = 0;
  cases.forEach((c, i) => {
    const isAllowed = decisions[i] === 'Allowed';
    if (isAllowed) allowed++;
    if (isAllowed && (c.owner === 'non-member' || c.owner === 'shared')) crossTeamAllows++;
    if (
      isAllowed &&
      c.owner === 'read-member' &&
      !READ_ACTIONS.includes(c.action) &&
      c.action !== 's3:ListBucket'
    )
      readOnlyWrites++;
    if (c.owner === 'own' && isAllowed !== (c.expected === 'Allowed')) ownPrefixRegressions++;
  });
  return { total: cases.length, allowed, crossTeamAllows, readOnlyWrites, ownPrefixRegressions };
}

/** A synthetic user for `verify`, with the `okta_teams` claim its session carries. */
export interface ClaimedTeamUser extends TeamMatrixUser {
  readonly claim: string;
}

/**
 * The users `verify` asks IAM about, built from the deployed folders (never from fixed names): a
 * read-write member, a read member, a member of two folders, a non-member, and the
 * prefix-extension user whose claim names `<folder>x` for each folder, which is configured nowhere
 * and so must reach nothing (a condition that lost the `=` after the folder name lets it in).
 * Each of the first three exists only when some folder has that access (or there are two folders).
 */
export function verifyTeamUsers(
  folders: readonly { readonly folder: string; readonly access: TeamAccess }[],
): ClaimedTeamUser[] {
  const user = (n: number, label: string, memberships: Record<string, TeamAccess>, claim?: string) => {
    const base = { sub: `00uVERIFYTEAMS${String(n).padStart(6, '0')}`, label, memberships };
    return { ...base, claim: claim ?? teamsClaimOf(base) };
  };
  const writer = folders.find((f) => f.access === 'read-write');
  const reader = folders.find((f) => f.access === 'read');
  const configured = new Set(folders.map((f) => f.folder));
  const extensions: string[] = [];
  for (const f of folders) {
    const entry = `${f.folder}x=rw`;
    if (configured.has(`${f.folder}x`)) continue;
    // A session tag value holds at most 256 characters (STS: session tags).
    if (`:${[...extensions, entry].join(':')}:`.length > 256) break;
    extensions.push(entry);
  }
  return [
    ...(writer ? [user(1, `read-write member (${writer.folder})`, { [writer.folder]: 'read-write' })] : []),
    ...(reader ? [user(2, `read member (${reader.folder})`, { [reader.folder]: 'read' })] : []),
    ...(folders.length >= 2
      ? [
          user(3, `member of ${folders[0].folder} and ${folders[1].folder}`, {
            [folders[0].folder]: folders[0].access,
            [folders[1].folder]: folders[1].access,
          }),
        ]
      : []),
    user(4, 'non-member', {}),
    ...(extensions.length
      ? [user(5, `prefix extension (claims ${extensions.join(', ')})`, {}, `:${extensions.join(':')}:`)]
      : []),
  ];
}
