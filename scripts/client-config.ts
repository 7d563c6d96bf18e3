/**
 * Turns the file `cdk deploy --outputs-file outputs.json` writes into the configuration a front end
 * needs: an `amplify_outputs.json` (auth and storage sections) and a small `okta-s3-client.json`.
 *
 *   npm run client-config -- outputs.json [--stack OktaS3Storage-prod] [--out-dir public]
 */
import * as fs from 'fs';
import * as path from 'path';

/** Every stack output a client needs. */
export const REQUIRED_OUTPUTS = [
  'Region',
  'BucketName',
  'OktaIssuer',
  'OktaClientIds',
  'OidcProviderArn',
  'IdentityPoolId',
  'WebIdentityRoleArn',
  'UserPoolId',
  'UserPoolClientId',
  'UserPoolProviderName',
  'HostedDomain',
  'CallbackUrls',
  'LogoutUrls',
  'ApiUrl',
] as const;

type Outputs = Record<(typeof REQUIRED_OUTPUTS)[number], string>;

export class ClientConfigError extends Error {}

/** Picks one stack's outputs from a `--outputs-file` document and checks that nothing is missing. */
export function stackOutputs(document: unknown, stackName?: string): { stackName: string; outputs: Outputs } {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ClientConfigError(
      'The outputs file must be a JSON object of stacks, as `cdk deploy --outputs-file` writes it.',
    );
  }
  const stacks = document as Record<string, Record<string, string>>;
  const names = Object.keys(stacks);
  const chosen = stackName ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) {
    throw new ClientConfigError(
      `The outputs file holds ${names.length} stacks (${names.join(', ') || 'none'}): pick one with --stack.`,
    );
  }
  const outputs = stacks[chosen];
  if (!outputs)
    throw new ClientConfigError(
      `Stack "${chosen}" is not in the outputs file (it has: ${names.join(', ')}).`,
    );
  const missing = REQUIRED_OUTPUTS.filter((key) => typeof outputs[key] !== 'string' || outputs[key] === '');
  if (missing.length) {
    throw new ClientConfigError(
      `Stack "${chosen}" is missing outputs: ${missing.join(', ')}. Deploy the current stack and write the outputs file again.`,
    );
  }
  return { stackName: chosen, outputs: outputs as Outputs };
}

const list = (csv: string) => csv.split(',').filter(Boolean);
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
  if (!fs.existsSync(outputsFile)) {
    throw new ClientConfigError(
      `Outputs file not found: ${outputsFile}. Write it with: npx cdk deploy --outputs-file ${outputsFile}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(outputsFile, 'utf8'));
  } catch (e) {
    throw new ClientConfigError(`Outputs file ${outputsFile} is not valid JSON: ${(e as Error).message}`);
  }
  const { outputs } = stackOutputs(document, options.stack);
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
