/**
 * The names a person knows their folders by: "My files" for `users/<sub>/`, a team folder's own
 * name for `teams/<name>/`. Storage Browser 3.18 shows a location by its prefix and bucket
 * (`users/00u…/`, `storagedata…/users/00u…`), and the objects it builds while navigating keep only
 * `bucket` and `prefix` (a fresh random `id`), so names are found by bucket and prefix here.
 */
import type { Location } from './locations';

/** The listed location that holds `key` (a prefix and a path inside it), the most specific first. */
function holding(locations: readonly Location[], bucket: string | undefined, key: string) {
  return [...locations]
    .filter((l) => (bucket === undefined || l.bucket === bucket) && key.startsWith(l.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

/**
 * A folder's title: the location's name, then the folders inside it (`My files / reports`).
 * `key` is Storage Browser's location key, the prefix and path; undefined when it is in no listed
 * location.
 */
export function titleOf(locations: readonly Location[], bucket: string | undefined, key: string) {
  const location = holding(locations, bucket, key);
  if (!location) return undefined;
  const inside = key.slice(location.prefix.length).split('/').filter(Boolean);
  return [location.name, ...inside].join(' / ');
}

/** A breadcrumb as Storage Browser's `Navigation` and `ActionDestination` composables get it. */
export interface Crumb {
  readonly name?: string;
  readonly isCurrent?: boolean;
  readonly onNavigate?: () => void;
}

/**
 * Breadcrumbs with each location's part named: Storage Browser names it `<bucket>/<prefix>` in the
 * folder's breadcrumbs and `<prefix>` in a copy's destination (the prefix without its last `/`).
 */
export function namedCrumbs<T extends Crumb>(locations: readonly Location[], crumbs: readonly T[]): T[] {
  return crumbs.map((crumb) => {
    const location = locations.find((l) => {
      const prefix = l.prefix.replace(/\/$/, '');
      return crumb.name === prefix || crumb.name === `${l.bucket}/${prefix}`;
    });
    return location ? { ...crumb, name: location.name } : crumb;
  });
}

/** How a location's access reads to a person. */
export function accessOf(location: Pick<Location, 'permissions'>): string {
  return location.permissions.includes('write') ? 'Read and write' : 'Read only';
}
