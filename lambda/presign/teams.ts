import {
  membershipEntry,
  parseTeamsClaim,
  TEAMS_CLAIM,
  TeamFolderAccess,
  teamsClaimValue,
} from '../../lib/policy/team-folder-names';
import type { PresignConfig } from './config';
import { HttpError } from './http';

/*
 * The caller's team memberships on route 3. They come from the user pool's custom attribute
 * `custom:okta_teams`, which Cognito rewrites from Okta's `okta_teams` claim at every federated
 * sign-in ("When a user signs in through an IdP, Amazon Cognito updates the mapped attributes with
 * the latest information from the IdP", cognito-user-pools-specifying-attribute-mapping.html).
 * The app client can write that attribute too (Cognito requires it for every mapped attribute), so
 * it is believed only with these controls:
 * - no token of the client carries `aws.cognito.signin.user.admin`, so no user can call
 *   UpdateUserAttributes (FederatedUserPool: scopes and auth flows);
 * - only while the sign-in at Okta is recent: `auth_time` younger than the deployment's maximum.
 *   A refresh re-issues the ID token from the pool's copy without asking Okta, so this bounds how
 *   long a removal from a group takes, whatever the refresh token's lifetime;
 * - only entries of the claim's grammar (parseTeamsClaim) that the deployment configured;
 * - and the presign role's session tag `okta_teams` carries exactly these, so IAM, not this code,
 *   has the last word on every URL.
 */

/** The user-pool attribute the membership claim is mapped to, as it appears in the ID token. */
export const TEAMS_ATTRIBUTE = `custom:${TEAMS_CLAIM}`;
/** Slack for a sign-in time slightly ahead of this function's clock. */
const CLOCK_SKEW_SECONDS = 60;

export interface CallerTeams {
  /** Folder to access, for the caller's fresh, configured memberships only. */
  readonly folders: ReadonlyMap<string, TeamFolderAccess>;
  /** True when team folders are configured and the sign-in is too old to believe its memberships. */
  readonly stale: boolean;
  /** The `okta_teams` session tag for the caller's session, or undefined when no folder is configured. */
  readonly tag?: string;
  /** The sign-in time at Okta (`auth_time`) the memberships were believed on; absent when stale. */
  readonly authTime?: number;
}

const unauthorized = () => new HttpError(401, 'Unauthorized', 'The token does not match the verified claims');

/**
 * The memberships the request may use. `payload` is the token's payload once bound to the verified
 * claims (token-binding.ts); the two claims read here must agree with the authorizer's as well.
 */
export function callerTeams(
  payload: Record<string, unknown>,
  claims: Record<string, unknown>,
  config: Pick<PresignConfig, 'teamFolders' | 'teamMembershipMaxAgeSeconds'>,
  now: Date,
): CallerTeams {
  if (config.teamFolders.length === 0) return { folders: new Map(), stale: false };
  const [claimed, authTime] = [own(payload, TEAMS_ATTRIBUTE), own(payload, 'auth_time')];
  if (!agrees(own(claims, TEAMS_ATTRIBUTE), claimed) || !agrees(own(claims, 'auth_time'), authTime)) {
    throw unauthorized();
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const fresh =
    Number.isSafeInteger(authTime) &&
    (authTime as number) <= nowSeconds + CLOCK_SKEW_SECONDS &&
    nowSeconds - (authTime as number) <= config.teamMembershipMaxAgeSeconds;
  const parsed = fresh ? parseTeamsClaim(claimed) : undefined;
  const folders = new Map<string, TeamFolderAccess>();
  for (const [folder, access] of parsed ?? []) {
    if (config.teamFolders.includes(membershipEntry(folder, access))) folders.set(folder, access);
  }
  const entries = [...folders].map(([folder, access]) => membershipEntry(folder, access)).sort();
  return {
    folders,
    stale: !fresh,
    tag: teamsClaimValue(entries),
    ...(fresh ? { authTime: authTime as number } : {}),
  };
}

/** The authorizer's rendering (a string, numbers in decimal) of the payload's value, or both absent. */
function agrees(verified: unknown, signed: unknown): boolean {
  if (verified === undefined && signed === undefined) return true;
  return (
    typeof verified === 'string' &&
    (typeof signed === 'string' || Number.isSafeInteger(signed)) &&
    verified === String(signed)
  );
}

function own(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
