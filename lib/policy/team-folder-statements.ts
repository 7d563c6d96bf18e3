import * as iam from 'aws-cdk-lib/aws-iam';
import { isUsersPrefix } from '../validation/rules';
import {
  DEFAULT_TEAMS_PREFIX,
  folderOf,
  membershipEntry,
  TEAM_READ_ACTIONS,
  TEAM_WRITE_ACTIONS,
  TeamFolder,
  TeamFolderAccess,
  TEAMS_TAG_KEY,
} from './team-folder-names';

export * from './team-folder-names';

/**
 * The single source of team-folder access, beside the per-user statements and of the same shape:
 * objects under `<teamsPrefix><folder>/` and a listing limited to that prefix, each statement
 * conditional on the session's `okta_teams` tag naming the membership between colons. The slash
 * after the folder keeps `fin` out of `finance`, and the colons keep `fin=r` out of `finance=r`.
 * Read members get GetObject and the listing; read-write members also put, delete (a delete
 * marker) and abort multipart uploads. Versions, ACLs and tagging are never granted.
 *
 * @param bucketArn ARN of the data bucket (a token is fine)
 * @param teams the groups and their folders; several groups may share a folder
 * @param teamsPrefix the folder team folders live under (default `teams/`)
 */
export function teamFolderStatements(
  bucketArn: string,
  teams: readonly TeamFolder[],
  teamsPrefix: string = DEFAULT_TEAMS_PREFIX,
): iam.PolicyStatement[] {
  if (!isUsersPrefix(teamsPrefix)) {
    throw new Error(
      `teamsPrefix must be folder segments each ending in "/", such as "teams/", got "${teamsPrefix}"`,
    );
  }
  return [...membershipsByFolder(teams)].flatMap(([folder, accesses]) => {
    const prefix = `${teamsPrefix}${folder}/`;
    const readers = [...accesses].map((access) => `*:${membershipEntry(folder, access)}:*`);
    const writers = accesses.has(TeamFolderAccess.READ_WRITE)
      ? [`*:${membershipEntry(folder, TeamFolderAccess.READ_WRITE)}:*`]
      : [];
    const objects = `${bucketArn}/${prefix}*`;
    return [
      new iam.PolicyStatement({
        actions: [...TEAM_READ_ACTIONS],
        resources: [objects],
        conditions: { StringLike: { [TEAMS_TAG_KEY]: readers } },
      }),
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { [TEAMS_TAG_KEY]: readers, 's3:prefix': [prefix, `${prefix}*`] } },
      }),
      ...(writers.length
        ? [
            new iam.PolicyStatement({
              actions: [...TEAM_WRITE_ACTIONS],
              resources: [objects],
              conditions: { StringLike: { [TEAMS_TAG_KEY]: writers } },
            }),
          ]
        : []),
    ];
  });
}

/** Each folder with the access levels some group has to it, in configuration order. */
export function membershipsByFolder(teams: readonly TeamFolder[]): Map<string, Set<TeamFolderAccess>> {
  const folders = new Map<string, Set<TeamFolderAccess>>();
  for (const team of teams) {
    const folder = folderOf(team);
    folders.set(folder, (folders.get(folder) ?? new Set()).add(team.access));
  }
  return folders;
}
