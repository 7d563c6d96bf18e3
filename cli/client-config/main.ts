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
} from '../verify/outputs';

export { REQUIRED_OUTPUTS, stackOutputs, OutputsError as ClientConfigError } from '../verify/outputs';

const list = listOutput;
/** The host of the HostedDomain output; a value that is no URL is the outputs file's problem. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new ClientConfigError(
      `The HostedDomain output is not a URL: "${url}". Write the outputs file again.`,
    );
  }
}

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

const USAGE = 'Usage: npm run client-config -- <outputs.json> [--stack NAME] [--out-dir DIR]';

/** Reads `<outputs.json> [--stack NAME] [--out-dir DIR]`, reporting every problem at once. */
export function parseClientConfigArgs(argv: readonly string[]): {
  outputsFile: string;
  stack?: string;
  outDir?: string;
} {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (flag === '--stack' || flag === '--out-dir') {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
      if (!value) problems.push(`${flag} needs a value`);
      else if (flag in values) problems.push(`${flag} is given twice`);
      else values[flag] = value;
    } else if (flag.startsWith('-')) problems.push(`unknown option ${flag}`);
    else files.push(flag);
  }
  if (files.length === 0) problems.push('name the outputs file');
  if (files.length > 1) problems.push(`one outputs file, not ${files.length}: ${files.join(' ')}`);
  if (problems.length) throw new ClientConfigError([...problems, USAGE].join('\n'));
  return { outputsFile: files[0], stack: values['--stack'], outDir: values['--out-dir'] };
}

/**
 * Runs the command; returns the exit code. Problems with the arguments or the outputs file are
 * printed once, one per line, with no stack trace; anything else is a bug, traced under DEBUG.
 */
export function main(argv: readonly string[], debug = Boolean(process.env.DEBUG)): number {
  try {
    const { outputsFile, stack, outDir } = parseClientConfigArgs(argv);
    for (const file of writeClientConfig(outputsFile, { stack, outDir })) console.log(`wrote ${file}`);
    return 0;
  } catch (e) {
    const lines =
      e instanceof ClientConfigError
        ? e.message.split('\n')
        : [`unexpected error: ${(e as Error)?.message ?? String(e)}`];
    console.error(lines.map((line) => `client-config: ${line}`).join('\n'));
    if (debug && !(e instanceof ClientConfigError) && e instanceof Error) console.error(e.stack);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
