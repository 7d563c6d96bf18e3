/**
 * The front end's configuration, `okta-s3-client.json`: one shape, built in one place. The
 * `client-config` command builds it from a deployment's outputs, and `OktaS3Storage` builds it from
 * its constructs' attributes (CloudFormation tokens, which resolve at deploy time) for the web
 * client it hosts, so both files are the same. Pure: no AWS CDK imports, so the bundled command can
 * use it.
 */

/** The values the configuration is made of, each already in the form the client reads. */
export interface ClientConfigValues {
  readonly region: string;
  readonly bucket: string;
  readonly issuer: string;
  /** The issuer without `https://`: the identity pool's Logins key. */
  readonly issuerHostAndPath: string;
  readonly clientIds: readonly string[];
  readonly identityPoolId: string;
  readonly webIdentityRoleArn: string;
  readonly oidcProviderArn: string;
  readonly apiUrl: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The hosted UI's host, e.g. `files.auth.eu-west-1.amazoncognito.com`. */
  readonly hostedDomain: string;
  readonly providerName: string;
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** Whether the presign API serves share links and file requests (`presign.sharing`). */
  readonly sharing?: boolean;
}

/** `okta-s3-client.json`, as `examples/web` reads it (`examples/web/src/config.ts`). */
export function clientConfigOf(v: ClientConfigValues) {
  return {
    region: v.region,
    bucket: v.bucket,
    userPrefix: 'users/<okta-sub>/',
    okta: { issuer: v.issuer, clientIds: [...v.clientIds] },
    identityPool: { id: v.identityPoolId, loginsKey: v.issuerHostAndPath },
    webIdentity: { roleArn: v.webIdentityRoleArn, providerArn: v.oidcProviderArn },
    presignApi: {
      url: v.apiUrl,
      // The web client shows its sharing screens only where the API serves them.
      ...(v.sharing ? { sharing: true } : {}),
      userPool: {
        id: v.userPoolId,
        clientId: v.userPoolClientId,
        domain: v.hostedDomain,
        identityProvider: v.providerName,
        redirectSignIn: [...v.callbackUrls],
        redirectSignOut: [...v.logoutUrls],
      },
    },
  };
}

/** The file's name, beside `index.html`. */
export const CLIENT_CONFIG_FILE = 'okta-s3-client.json';
