/**
 * Storage Browser with folders called by name ("My files", a team folder's name) rather than by
 * prefix and bucket, through the hooks Storage Browser 3.18 offers for it (no fork, no patch):
 * - a custom `LocationsView` (the `views` prop), built from `useView('Locations')` and the view's
 *   own composables (title, pagination, refresh, loading indicator, message) around our list;
 * - the `Navigation` and `ActionDestination` composables (`components` of `createStorageBrowser`),
 *   Storage Browser's own with the location's part of the breadcrumbs renamed;
 * - `displayText.LocationDetailView.getTitle` for the folder's title.
 * Its locations table has no hook of its own: it prints `prefix || bucket` and the bucket.
 */
import {
  componentsDefault,
  type CreateStorageBrowserOutput,
  type StorageBrowserComponents,
  type StorageBrowserDisplayText,
} from '@aws-amplify/ui-react-storage/browser';
import { createElement as h, type ReactElement } from 'react';
import { accessOf, namedCrumbs, titleOf } from './location-names';
import type { Location } from './locations';

type Output = CreateStorageBrowserOutput;
type LocationsViewParts = Output['StorageBrowser']['LocationsView'];
type LocationDetailText = NonNullable<StorageBrowserDisplayText['LocationDetailView']>;

/** The `Navigation` and `ActionDestination` composables, with each location's part named. */
export function namedComponents(locations: readonly Location[]): StorageBrowserComponents {
  const Navigation = componentsDefault.Navigation!;
  const ActionDestination = componentsDefault.ActionDestination!;
  return {
    Navigation: (props) => h(Navigation, { ...props, items: namedCrumbs(locations, props.items) }),
    ActionDestination: (props) =>
      h(ActionDestination, { ...props, items: namedCrumbs(locations, props.items) }),
  };
}

/** Display text: a folder's title is its location's name and the folders inside it. */
export function namedDisplayText(locations: readonly Location[]): StorageBrowserDisplayText {
  const getTitle: NonNullable<LocationDetailText['getTitle']> = (location) =>
    titleOf(locations, location.current?.bucket, location.key) ??
    (location.key || location.current?.bucket) ??
    '';
  return { LocationDetailView: { getTitle } };
}

/**
 * The first screen: the user's folders by name, each with the access they have, in Storage
 * Browser's own frame (its title, pagination, refresh, loading indicator and messages).
 */
export function namedLocationsView(
  parts: LocationsViewParts,
  useView: Output['useView'],
  locations: readonly Location[],
): () => ReactElement {
  return function NamedLocationsView() {
    const state = useView('Locations');
    const named = state.pageItems.map((item) => ({
      item,
      name: locations.find((l) => l.bucket === item.bucket && l.prefix === item.prefix)?.name ?? item.prefix,
    }));
    return h(
      'div',
      { className: 'amplify-storage-browser file-browser-locations' },
      h(
        parts.Provider,
        state,
        h(parts.Title),
        h('div', { className: 'amplify-storage-browser__controls' }, h(parts.Pagination), h(parts.Refresh)),
        h(parts.LoadingIndicator),
        state.hasError
          ? null
          : h(
              'ul',
              { className: 'file-browser-locations__list', 'aria-label': 'Your folders' },
              named.map(({ item, name }) =>
                h(
                  'li',
                  { key: item.id, className: 'file-browser-locations__item' },
                  h('button', { type: 'button', onClick: () => state.onNavigate(item) }, name),
                  h('span', null, accessOf(item)),
                ),
              ),
            ),
        h(parts.Message),
      ),
    );
  };
}
