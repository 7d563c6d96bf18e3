/**
 * Credentials for Storage Browser: the signed-in user's own, from the identity pool (route 1),
 * handed out only for the locations listed for them. IAM scopes them to the same folders; the check
 * here keeps a forged location from even being tried.
 */
import { locationOfScope, type Location } from './locations';

/** AWS's temporary credentials as Storage Browser needs them: an expiry is required. */
export interface LocationCredentials {
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
    readonly expiration: Date;
  };
}

/** The AWS SDK's credential identity, as `fromCognitoIdentityPool` resolves it. */
export interface SdkCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Maps the SDK's credentials to Storage Browser's; temporary ones only (a token and an expiry). */
export function toLocationCredentials(sdk: SdkCredentials): LocationCredentials {
  if (!sdk.sessionToken || !sdk.expiration)
    throw new Error('Your sign-in gave no temporary credentials. Sign out and sign in again.');
  return {
    credentials: {
      accessKeyId: sdk.accessKeyId,
      secretAccessKey: sdk.secretAccessKey,
      sessionToken: sdk.sessionToken,
      expiration: sdk.expiration,
    },
  };
}

/** Storage Browser's `getLocationCredentials`: refuses a scope outside the listed locations. */
export function locationCredentialsHandler(
  locations: readonly Location[],
  resolve: () => Promise<SdkCredentials>,
): (input: { scope: string }) => Promise<LocationCredentials> {
  return async ({ scope }) => {
    if (!locationOfScope(locations, scope)) throw new Error('You do not have access to this folder.');
    return toLocationCredentials(await resolve());
  };
}
