/**
 * Turns the file `cdk deploy --outputs-file outputs.json` writes into the configuration a front end
 * needs: an `amplify_outputs.json` (auth and storage sections) and a small `okta-s3-client.json`.
 *
 *   npm run client-config -- outputs.json [--stack OktaS3Storage-prod] [--out-dir public]
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  listOutput,
  Outputs,
  OutputsError as ClientConfigError,
  readStackOutputs,
} from '../cli/verify/outputs';

export { REQUIRED_OUTPUTS, stackOutputs, OutputsError as ClientConfigError } from '../cli/verify/outputs';

const list = listOutput;
const hostOf = (url: string) => new URL(url).host;

/**
 * An `amplify_outputs.json` (schema 1.x) with the auth and storage sections. It names no identity
 * pool: ours federates Okta directly, not the user pool, so Amplify's default exchange of
 * user-pool tokens there would fail. Storage calls take a credentials provider with the Okta ID
 * token instead (see okta-s3-client.json and the README).
 */
export function amplifyOutputs(o: Outputs) {
  return {
    version: '1.3',
    auth: {
      aws_region: o.Region,
      user_pool_id: o.UserPoolId,
      user_pool_client_id: o.UserPoolClientId,
      unauthenticated_identities_enabled: false,
      standard_required_attributes: [],
      username_attributes: [],
      user_verification_types: [],
      mfa_configuration: 'NONE',
      oauth: {
        identity_providers: [],
        domain: hostOf(o.HostedDomain),
        scopes: ['openid', 'email', 'profile'],
        redirect_sign_in_uri: list(o.CallbackUrls),
        redirect_sign_out_uri: list(o.LogoutUrls),
        response_type: 'code',
      },
    },
    storage: {
      aws_region: o.Region,
      bucket_name: o.BucketName,
      buckets: [{ name: 'userFiles', bucket_name: o.BucketName, aws_region: o.Region }],
    },
  };
}

/** What a front end needs for all three routes, without Amplify. */
export function frontEndConfig(o: Outputs) {
  const issuerHostAndPath = o.OktaIssuer.replace(/^https:\/\//, '');
  return {
    region: o.Region,
    bucket: o.BucketName,
    userPrefix: 'users/<okta-sub>/',
    okta: { issuer: o.OktaIssuer, clientIds: list(o.OktaClientIds) },
    identityPool: { id: o.IdentityPoolId, loginsKey: issuerHostAndPath },
    webIdentity: { roleArn: o.WebIdentityRoleArn, providerArn: o.OidcProviderArn },
    presignApi: {
      url: o.ApiUrl,
      userPool: {
        id: o.UserPoolId,
        clientId: o.UserPoolClientId,
        domain: hostOf(o.HostedDomain),
        identityProvider: o.UserPoolProviderName,
        redirectSignIn: list(o.CallbackUrls),
        redirectSignOut: list(o.LogoutUrls),
      },
    },
  };
}

export function writeClientConfig(
  outputsFile: string,
  options: { stack?: string; outDir?: string } = {},
): string[] {
  const { outputs } = readStackOutputs(outputsFile, options.stack);
  const outDir = options.outDir ?? '.';
  fs.mkdirSync(outDir, { recursive: true });
  const written = [path.join(outDir, 'amplify_outputs.json'), path.join(outDir, 'okta-s3-client.json')];
  fs.writeFileSync(written[0], JSON.stringify(amplifyOutputs(outputs), null, 2) + '\n');
  fs.writeFileSync(written[1], JSON.stringify(frontEndConfig(outputs), null, 2) + '\n');
  return written;
}

function main(argv: string[]) {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv.splice(i, 2)[1] : undefined;
  };
  const stack = flag('--stack');
  const outDir = flag('--out-dir');
  const [outputsFile] = argv;
  if (!outputsFile)
    throw new ClientConfigError(
      'Usage: npm run client-config -- <outputs.json> [--stack NAME] [--out-dir DIR]',
    );
  for (const file of writeClientConfig(outputsFile, { stack, outDir })) console.log(`wrote ${file}`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof ClientConfigError)) throw e;
    console.error(`client-config: ${e.message}`);
    process.exit(1);
  }
}
