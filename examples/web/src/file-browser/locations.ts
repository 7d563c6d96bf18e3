/**
 * The places a signed-in user's file browser opens (Storage Browser's "locations"): their own
 * folder, `users/<sub>/`, and one per team folder their Okta ID token's `okta_teams` claim names,
 * read-only where the team gives read access. These are what IAM allows route 1's credentials,
 * so the list only saves the user from clicking into a refusal; IAM still decides every request.
 */
import { parseTeamsClaim, TeamFolderAccess } from '../../../../lib/policy/team-folder-names';

/** Storage Browser's `LocationData`, spelled out so this file needs no React to test. */
export interface Location {
  readonly id: string;
  /** What the user calls it: "My files", or the team folder's name (ours, not Storage Browser's). */
  readonly name: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly type: 'PREFIX';
  readonly permissions: ('delete' | 'get' | 'list' | 'write')[];
}

/** What a user's own folder is called. */
export const MY_FILES = 'My files';

const READ_WRITE: Location['permissions'] = ['get', 'list', 'write', 'delete'];
const READ_ONLY: Location['permissions'] = ['get', 'list'];

/** The user's own folder first, then their team folders by name. */
export function locationsFor(bucket: string, sub: string, teamsClaim: unknown): Location[] {
  if (!/^[A-Za-z0-9_-]+$/.test(sub)) throw new Error('This sign-in has no usable user id.');
  const teams = [...(parseTeamsClaim(teamsClaim) ?? [])].sort(([a], [b]) => a.localeCompare(b));
  return [
    {
      id: 'my-files',
      name: MY_FILES,
      bucket,
      prefix: `users/${sub}/`,
      type: 'PREFIX',
      permissions: [...READ_WRITE],
    },
    ...teams.map(([folder, access]): Location => ({
      id: `team-${folder}`,
      name: folder,
      bucket,
      prefix: `teams/${folder}/`,
      type: 'PREFIX',
      permissions: access === TeamFolderAccess.READ ? [...READ_ONLY] : [...READ_WRITE],
    })),
  ];
}

/**
 * The scope Storage Browser asks credentials for, `s3://<bucket>/<prefix>*`, when it is one of the
 * listed locations (or inside one); undefined otherwise.
 */
export function locationOfScope(locations: readonly Location[], scope: string): Location | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(scope);
  if (!match) return undefined;
  const [, bucket, path] = match;
  const prefix = path.replace(/\*$/, '');
  return locations.find((l) => l.bucket === bucket && prefix.startsWith(l.prefix) && !prefix.includes('..'));
}
