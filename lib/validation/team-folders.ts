import {
  folderOf,
  membershipEntry,
  TeamFolder,
  TeamFolderAccess,
  teamsClaimValue,
} from '../policy/team-folder-names';
import { teamFolderStatements } from '../policy/team-folder-statements';
import { isUsersPrefix } from './rules';

/*
 * What makes a team-folder list valid, shared by the configuration and the constructs. Every limit
 * is AWS's own:
 * - a session tag value holds at most 256 characters of letters, digits, spaces and _ . : / = + - @
 *   (IAM, id_session-tags.html and id_tags.html#id_tags_rules_creating), and the membership claim
 *   of a user in every group must fit;
 * - a role's inline policies hold at most 10,240 characters, whitespace not counted (IAM quotas,
 *   reference_iam-quotas.html); the team statements get TEAM_POLICY_BUDGET of it, the rest is kept
 *   for the own-prefix, KMS and logging statements a role already has.
 */

/** A session tag value's maximum length, and so the membership claim's. */
export const MAX_TEAMS_CLAIM_CHARS = 256;
/** Characters of a role's 10,240 that team statements may use. */
export const TEAM_POLICY_BUDGET = 7168;
/**
 * A folder: letters, digits and `. _ -`, starting with a letter or digit, at most 63 characters.
 * No `*`, `?`, `$`, `{`, `,` or `/` (IAM wildcards, policy variables, list and path separators),
 * no `:` or `=` (the claim's own separators), no `..`.
 */
const FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Okta group names appear inside a quoted Okta EL string: no quote, backslash or control character. */
const GROUP = /^[^"\\\p{C}]{1,255}$/u;
/** The longest bucket ARN (partition `aws-us-gov`, 63-character name), for the size estimate. */
const LONGEST_BUCKET_ARN = `arn:aws-us-gov:s3:::${'b'.repeat(63)}`;

/**
 * Every problem with a team-folder list, each naming its entry (`teamFolders[1] (finance)`), or
 * none. `prop` is how the caller names the list.
 */
export function teamFolderProblems(
  prop: string,
  teams: readonly TeamFolder[],
  teamsPrefix: string,
  usersPrefix: string,
): string[] {
  const problems: string[] = [];
  const seenGroups = new Set<string>();
  teams.forEach((team, index) => {
    const name = `${prop}[${index}]`;
    if (typeof team.group !== 'string' || !GROUP.test(team.group)) {
      problems.push(`${name}.group: must be an Okta group name of 1 to 255 characters without " or \\`);
    } else if (seenGroups.has(team.group)) {
      problems.push(`${name}.group: "${team.group}" is listed twice; give each group one entry`);
    } else seenGroups.add(team.group);
    const folder = folderOf(team);
    if (typeof folder !== 'string' || !FOLDER.test(folder) || folder.includes('..')) {
      problems.push(
        `${name}${team.folder === undefined ? '.group (the folder defaults to it)' : '.folder'}: "${folder}" ` +
          'must be 1 to 63 letters, digits, ".", "_" or "-", starting with a letter or digit, without ".."',
      );
    }
    if (!Object.values(TeamFolderAccess).includes(team.access)) {
      problems.push(`${name}.access: must be "read" or "read-write"`);
    }
  });
  if (!isUsersPrefix(teamsPrefix)) {
    problems.push(
      `teamsPrefix: must be folder segments each ending in "/", such as "teams/", got "${teamsPrefix}"`,
    );
  } else if (teamsPrefix.startsWith(usersPrefix) || usersPrefix.startsWith(teamsPrefix)) {
    problems.push(
      `teamsPrefix: "${teamsPrefix}" and usersPrefix "${usersPrefix}" must not contain one another`,
    );
  }
  return problems.length ? problems : limitProblems(prop, teams, teamsPrefix);
}

/** AWS's limits, checked once every entry is well formed. */
function limitProblems(prop: string, teams: readonly TeamFolder[], teamsPrefix: string): string[] {
  const problems: string[] = [];
  const everyMembership = [...new Set(teams.map((t) => membershipEntry(folderOf(t), t.access)))];
  const claim = teamsClaimValue(everyMembership).length;
  if (claim > MAX_TEAMS_CLAIM_CHARS) {
    problems.push(
      `${prop}: a member of every group would carry a ${claim}-character okta_teams claim; a session tag value holds at most ${MAX_TEAMS_CLAIM_CHARS}. Use fewer or shorter folder names`,
    );
  }
  const size = policyCharacters(teams, teamsPrefix);
  if (size > TEAM_POLICY_BUDGET) {
    problems.push(
      `${prop}: the team statements take up to ${size} characters of a role's policy; at most ${TEAM_POLICY_BUDGET} fit beside the role's other statements (IAM allows 10,240 per role). Use fewer folders`,
    );
  }
  return problems;
}

/** The statements' size as IAM counts it (no whitespace), for the longest possible bucket ARN. */
export function policyCharacters(teams: readonly TeamFolder[], teamsPrefix: string): number {
  const statements = teamFolderStatements(LONGEST_BUCKET_ARN, teams, teamsPrefix);
  const document = { Version: '2012-10-17', Statement: statements.map((s) => s.toStatementJson()) };
  return JSON.stringify(document).length;
}
