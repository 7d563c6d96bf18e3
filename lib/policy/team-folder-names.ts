/*
 * Team folders by name, with no CDK import, so the Lambda and the verifier can use them in their
 * bundles. Membership travels as ONE string claim (and session tag) listing the caller's team
 * memberships between colons, e.g. `:finance=rw:auditors=r:`. A session tag carries one string
 * only (STS: "Multivalued session tags are not supported"), and a colon on both sides of every
 * entry means `fin=r` can never match inside `finance=r` (id_session-tags.html).
 */

/** Every team folder lives under `teams/<folder>/` unless a construct's `teamsPrefix` says otherwise. */
export const DEFAULT_TEAMS_PREFIX = 'teams/';

/**
 * The name of the membership claim in the Okta ID token (routes 1 and 3), of the principal tag the
 * identity pool and the presign role's sessions carry, and of the user pool's custom attribute
 * (`custom:okta_teams`) that route 3 reads.
 */
export const TEAMS_CLAIM = 'okta_teams';

import { TeamFolder, TeamFolderAccess } from './team-folder';

export { TeamFolderAccess } from './team-folder';
export type { TeamFolder } from './team-folder';

/** Object actions every member of a folder gets. */
export const TEAM_READ_ACTIONS = ['s3:GetObject', 's3:GetObjectTagging'] as const;
/** Object actions read-write members get as well. No version actions, as on the own prefix. */
export const TEAM_WRITE_ACTIONS = [
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

/** The policy variable every team grant reads: the session's `okta_teams` tag. */
export const TEAMS_TAG_KEY = `aws:PrincipalTag/${TEAMS_CLAIM}`;

export function folderOf(team: TeamFolder): string {
  return team.folder ?? team.group;
}

/** `finance=rw`: one membership as it stands between colons in the claim. */
export function membershipEntry(folder: string, access: TeamFolderAccess): string {
  return `${folder}=${access === TeamFolderAccess.READ ? 'r' : 'rw'}`;
}

/** The claim value for a set of memberships: `:` alone for none. */
export function teamsClaimValue(entries: readonly string[]): string {
  return `:${entries.map((e) => `${e}:`).join('')}`;
}

/** The claim's whole grammar: `:` then `<folder>=<r|rw>:` repeated. */
const CLAIM = /^:(?:[A-Za-z0-9][A-Za-z0-9._-]*=(?:r|rw):)*$/;

/**
 * The memberships a claim value names, folder to access (the higher access wins when a user is
 * in two groups of one folder), or undefined when the value is not of the claim's grammar.
 */
export function parseTeamsClaim(value: unknown): Map<string, TeamFolderAccess> | undefined {
  if (typeof value !== 'string' || value.length > 256 || !CLAIM.test(value)) return undefined;
  const memberships = new Map<string, TeamFolderAccess>();
  for (const entry of value.split(':').filter(Boolean)) {
    const [folder, level] = entry.split('=');
    const access = level === 'rw' ? TeamFolderAccess.READ_WRITE : TeamFolderAccess.READ;
    if (memberships.get(folder) !== TeamFolderAccess.READ_WRITE) memberships.set(folder, access);
  }
  return memberships;
}

/**
 * The Okta Expression Language that builds the claim for an authorization server's custom claim
 * `okta_teams` (value type Expression, include in the ID token, always): one conditional per
 * configured group, concatenated. `isMemberOfGroupName`, `?:` and `+` are documented Okta EL
 * (https://developer.okta.com/docs/reference/okta-expression-language/).
 */
export function oktaTeamsClaimExpression(teams: readonly TeamFolder[]): string {
  const parts = teams.map(
    (t) => `(isMemberOfGroupName("${t.group}") ? "${membershipEntry(folderOf(t), t.access)}:" : "")`,
  );
  return ['":"', ...parts].join(' + ');
}
