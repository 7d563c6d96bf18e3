/**
 * The client configuration `npm run client-config` writes for a deployment (and `npm run local`
 * for the local stack): served beside index.html as `okta-s3-client.json`.
 */
export interface ClientConfig {
  readonly region: string;
  readonly bucket: string;
  readonly okta: { readonly issuer: string; readonly clientIds: readonly string[] };
  readonly identityPool: { readonly id: string; readonly loginsKey: string };
  readonly webIdentity: { readonly roleArn: string };
  readonly presignApi: {
    readonly url: string;
    /** Present (true) where the API serves share links and file requests. */
    readonly sharing?: boolean;
    readonly userPool: {
      readonly id: string;
      readonly clientId: string;
      /** The hosted UI's host, e.g. `files.auth.eu-west-1.amazoncognito.com`. */
      readonly domain: string;
      readonly identityProvider: string;
      readonly redirectSignIn: readonly string[];
      readonly redirectSignOut: readonly string[];
    };
  };
  /** Only from `npm run local`: the stand-ins to call instead of AWS's endpoints. */
  readonly endpoints?: {
    readonly s3: string;
    /** The HTTPS, virtual-hosted S3 endpoint's host and port, as amplify's `customEndpoint`. */
    readonly s3VirtualHost?: string;
    readonly cognitoIdentity: string;
    readonly sts: string;
  };
}

export async function loadConfig(): Promise<ClientConfig> {
  const response = await fetch('okta-s3-client.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`okta-s3-client.json: ${response.status}. Run npm run client-config.`);
  return response.json();
}

/** The hosted UI's base URL: HTTPS, except for a local stand-in on loopback. */
export function hostedUiUrl(config: ClientConfig): string {
  const { domain } = config.presignApi.userPool;
  return /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(domain) ? `http://${domain}` : `https://${domain}`;
}

/** This page's sign-in callback: the configured one on this origin, else `<origin>/callback`. */
export function callbackUrl(config: ClientConfig): string {
  const here = window.location.origin;
  return (
    config.presignApi.userPool.redirectSignIn.find((url) => url.startsWith(`${here}/`)) ?? `${here}/callback`
  );
}
