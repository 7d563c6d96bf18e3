/**
 * Storage Browser for S3 (`@aws-amplify/ui-react-storage`) with a custom configuration and no
 * Amplify backend: the user's locations, their identity-pool credentials (route 1), and, for the
 * local stack only, the HTTPS virtual-hosted S3 endpoint as `customEndpoint`.
 */
import {
  createStorageBrowser,
  defaultActionConfigs,
  type CreateStorageBrowserOutput,
  type CreateStorageBrowserInput,
} from '@aws-amplify/ui-react-storage/browser';
import { Amplify } from 'aws-amplify';
import { createElement, type ComponentType, type JSX } from 'react';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import type { ClientConfig } from '../config';
import { locationCredentialsHandler } from './credentials';
import type { Location } from './locations';
import { copyWithoutTags } from './copy-without-tags';
import { namedComponents, namedDisplayText, namedLocationsView } from './named-locations';

export interface SignedInUser {
  readonly idToken: string;
  readonly locations: readonly Location[];
  /** Storage Browser's sign-out hook: its cached credentials are dropped when called. */
  readonly onSignOut: (listener: () => void) => void;
}

/** Custom actions (Storage Browser's `actions.custom`) and the views they open, such as Share. */
export interface StorageBrowserExtension {
  readonly actions: NonNullable<CreateStorageBrowserInput['actions']>;
  readonly views: (
    hooks: Pick<CreateStorageBrowserOutput, 'useView' | 'useAction'>,
  ) => Record<string, () => JSX.Element | null>;
}

/** The `StorageBrowser` component for this user. Its styles are app.css (examples/web/build.ts). */
export function storageBrowserFor(
  config: ClientConfig,
  user: SignedInUser,
  extension?: StorageBrowserExtension,
): ComponentType {
  // amplify 6.22's storage calls read a global context even when every call carries its own
  // credentials and bucket: an empty configuration sets it (no Amplify backend is involved).
  Amplify.configure({});
  const local = config.endpoints;
  // The SDK's provider caches the identity-pool credentials and refreshes them before they expire.
  const credentials = fromCognitoIdentityPool({
    identityPoolId: config.identityPool.id,
    logins: { [config.identityPool.loginsKey]: user.idToken },
    clientConfig: { region: config.region, ...(local ? { endpoint: local.cognitoIdentity } : {}) },
  });
  const { StorageBrowser, useView, useAction } = createStorageBrowser({
    // Folders by name, not by prefix and bucket (named-locations.ts).
    components: namedComponents(user.locations),
    actions: {
      ...extension?.actions,
      // Copies take none of the source's tags, so a scanned file can be copied (copy-without-tags.ts).
      default: {
        ...extension?.actions.default,
        copy: { ...defaultActionConfigs.copy, handler: copyWithoutTags },
      },
    },
    config: {
      region: config.region,
      listLocations: async () => ({ items: [...user.locations], nextToken: undefined }),
      getLocationCredentials: locationCredentialsHandler(user.locations, () => credentials()),
      registerAuthListener: user.onSignOut,
      // AWS's own endpoint in a deployment; only `npm run local` names one.
      ...(local?.s3VirtualHost ? { customEndpoint: local.s3VirtualHost } : {}),
    },
  });
  const views = {
    LocationsView: namedLocationsView(StorageBrowser.LocationsView, useView, user.locations),
    ...(extension ? extension.views({ useView, useAction }) : {}),
  };
  const displayText = namedDisplayText(user.locations);
  return function FileBrowser() {
    return createElement(StorageBrowser, { views, displayText });
  };
}
