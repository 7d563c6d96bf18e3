/**
 * What every route of the presign API gets, and the access checks routes share. A route decides
 * its prefix before it asks for the caller's storage, so a refused request makes no STS call.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { TeamFolderAccess } from '../../lib/policy/team-folder-names';
import type { PresignConfig } from './config';
import { badRequest, forbidden } from './http';
import { buildKeyUnder, teamFolderPrefix, userPrefix } from './keys';
import type { CallerStorage, Signing } from './s3';
import type { CallerTeams } from './teams';
import type { SharingStore } from './sharing/store';

export interface RouteRequest {
  readonly event: APIGatewayProxyEvent;
  readonly sub: string;
  readonly config: PresignConfig;
  readonly signing: Signing;
  readonly expiresAt: Date;
  readonly newId: () => string;
  /** Lazy, so invalid requests are refused before any STS call. */
  readonly storage: () => Promise<CallerStorage>;
  /** The caller's fresh, configured team memberships. */
  readonly teams: CallerTeams;
  /** Records the team folder a request names, for the log. */
  readonly noteFolder: (folder: string) => void;
  /** The request's clock. */
  readonly now: () => Date;
  /** Share links and file requests; absent when the deployment has no sharing table. */
  readonly sharingStore?: SharingStore;
}

export type Route = (request: RouteRequest) => Promise<unknown>;

/**
 * The prefix of a team folder the caller may use at `needed` access. Unknown folders and folders
 * the caller is not a member of get the same 403, so folder names cannot be probed.
 */
export function teamFolder(
  { teams, config, noteFolder }: RouteRequest,
  folder: string,
  needed: TeamFolderAccess,
) {
  noteFolder(folder);
  const access = teams.folders.get(folder);
  if (access === undefined) {
    throw forbidden(
      teams.stale
        ? 'Team memberships are only believed shortly after sign-in: sign in again'
        : 'You have no access to this folder',
    );
  }
  if (needed === TeamFolderAccess.READ_WRITE && access !== TeamFolderAccess.READ_WRITE) {
    throw forbidden('Your access to this folder is read-only');
  }
  return teamFolderPrefix(folder, config.teamsPrefix);
}

/**
 * The prefix a key must be under for the caller to read it: their own, or for a key under the teams
 * prefix its folder's, if they are a member; undefined (refused) otherwise.
 */
export function readablePrefixFor(request: RouteRequest, key: string): string | undefined {
  const { sub, teams, config, noteFolder } = request;
  if (!key.startsWith(config.teamsPrefix)) return userPrefix(sub, config.usersPrefix);
  const folder = key.slice(config.teamsPrefix.length).split('/')[0];
  noteFolder(folder);
  return teams.folders.has(folder) ? teamFolderPrefix(folder, config.teamsPrefix) : undefined;
}

/** Folder names the deployment configured: the only ones a log line names. */
export function configuredFolders(config: PresignConfig): Set<string> {
  return new Set(config.teamFolders.map((entry) => entry.slice(0, entry.indexOf('='))));
}

/**
 * The server-built key of a new upload, `<prefix><uuid>/<sanitized name>`: in the caller's own
 * prefix, or in `folder` if they may write it.
 */
export function newUploadKey(request: RouteRequest, fileName: string, folder: string | undefined): string {
  const { sub, config, newId } = request;
  const prefix =
    folder === undefined
      ? userPrefix(sub, config.usersPrefix)
      : teamFolder(request, folder, TeamFolderAccess.READ_WRITE);
  const key = buildKeyUnder(prefix, newId(), fileName);
  if (key === undefined) throw badRequest('fileName has no usable characters');
  return key;
}

/**
 * The prefix a key must be under for the caller to write it: their own, or a team folder they may
 * write; undefined (refused) otherwise.
 */
export function writablePrefixFor(request: RouteRequest, key: string): string | undefined {
  const { teams, config } = request;
  if (!key.startsWith(config.teamsPrefix)) return readablePrefixFor(request, key);
  const folder = key.slice(config.teamsPrefix.length).split('/')[0];
  request.noteFolder(folder);
  return teams.folders.get(folder) === TeamFolderAccess.READ_WRITE
    ? teamFolderPrefix(folder, config.teamsPrefix)
    : undefined;
}
