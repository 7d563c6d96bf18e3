/**
 * Turns the file `cdk deploy --outputs-file outputs.json` writes into the configuration a front end
 * needs: an `amplify_outputs.json` (auth and storage sections) and a small `okta-s3-client.json`.
 *
 *   npx okta-s3-storage client-config [--outputs outputs.json] [--stack NAME] [--out-dir public]
 *   npm run client-config -- --outputs outputs.json ...    (in this repository)
 */
import * as fs from 'fs';
import * as path from 'path';
import { CLIENT_CONFIG_FILE, clientConfigOf } from '../../lib/client-config';
import { unknownOption } from '../flags';
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

/** What a front end needs for all three routes, without Amplify: the shape the hosted web client gets too. */
export function frontEndConfig(o: Outputs) {
  return clientConfigOf({
    region: o.Region,
    bucket: o.BucketName,
    issuer: o.OktaIssuer,
    issuerHostAndPath: o.OktaIssuer.replace(/^https:\/\//, ''),
    clientIds: list(o.OktaClientIds),
    identityPoolId: o.IdentityPoolId,
    webIdentityRoleArn: o.WebIdentityRoleArn,
    oidcProviderArn: o.OidcProviderArn,
    apiUrl: o.ApiUrl,
    userPoolId: o.UserPoolId,
    userPoolClientId: o.UserPoolClientId,
    hostedDomain: hostOf(o.HostedDomain),
    providerName: o.UserPoolProviderName,
    callbackUrls: list(o.CallbackUrls),
    logoutUrls: list(o.LogoutUrls),
    // Written only by a stack with `presign.sharing` (OktaS3Storage.addOutputs).
    sharing: typeof (o as Record<string, unknown>).SharingTableName === 'string',
  });
}

export function writeClientConfig(
  outputsFile: string,
  options: { stack?: string; outDir?: string } = {},
): string[] {
  const { outputs } = readStackOutputs(outputsFile, options.stack);
  const outDir = options.outDir ?? '.';
  fs.mkdirSync(outDir, { recursive: true });
  const written = [path.join(outDir, 'amplify_outputs.json'), path.join(outDir, CLIENT_CONFIG_FILE)];
  fs.writeFileSync(written[0], JSON.stringify(amplifyOutputs(outputs), null, 2) + '\n');
  fs.writeFileSync(written[1], JSON.stringify(frontEndConfig(outputs), null, 2) + '\n');
  return written;
}

export const CLIENT_CONFIG_HELP = `Usage: okta-s3-storage client-config [options]
       npm run client-config -- [options]      (in this repository)

Writes a front end's configuration from the outputs of a deployment: amplify_outputs.json (auth
and storage sections) and okta-s3-client.json (API URL, Okta settings, identity pool Logins key,
role ARNs). Needs no AWS credentials.

Options:
  --outputs FILE   outputs of \`cdk deploy --outputs-file FILE\` (default: outputs.json)
  --stack NAME     the stack in that file (default: its only stack)
  --out-dir DIR    where to write the two files (default: the current directory)
  --help           show this help

Exit codes: 0 the files were written (or --help); 1 bad arguments or outputs file, nothing written.
`;

const VALUE_FLAGS = ['--outputs', '--stack', '--out-dir'] as const;
const SWITCHES = ['--help', '-h'] as const;

export interface ClientConfigArgs {
  readonly outputsFile: string;
  readonly stack?: string;
  readonly outDir?: string;
  readonly help: boolean;
  /** Set when the outputs file was given the old way, as a positional argument. */
  readonly deprecation?: string;
}

/**
 * Reads `[--outputs FILE] [--stack NAME] [--out-dir DIR] [--help]`, reporting every problem at
 * once. The outputs file as a positional argument (the first form of this command) is still read,
 * with a deprecation line.
 */
export function parseClientConfigArgs(argv: readonly string[]): ClientConfigArgs {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const files: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if ((VALUE_FLAGS as readonly string[]).includes(flag)) {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
      if (!value) problems.push(`${flag} needs a value`);
      else if (flag in values) problems.push(`${flag} is given twice`);
      else values[flag] = value;
    } else if ((SWITCHES as readonly string[]).includes(flag) && inline === undefined) help = true;
    else if (flag.startsWith('-')) problems.push(unknownOption(flag, [...VALUE_FLAGS, ...SWITCHES]));
    else files.push(flag);
  }
  if (files.length > 1) problems.push(`one outputs file, not ${files.length}: ${files.join(' ')}`);
  if (files.length && values['--outputs'])
    problems.push(`two outputs files: --outputs ${values['--outputs']} and ${files[0]}`);
  if (problems.length && !help) throw new ClientConfigError(`${problems.join('\n')} (see --help)`);
  const positional = files.length === 1 && !values['--outputs'] ? files[0] : undefined;
  return {
    outputsFile: values['--outputs'] ?? positional ?? 'outputs.json',
    stack: values['--stack'],
    outDir: values['--out-dir'],
    help,
    deprecation: positional
      ? `the outputs file as an argument is deprecated: use --outputs ${positional}`
      : undefined,
  };
}

/**
 * Runs the command; returns the exit code. Problems with the arguments or the outputs file are
 * printed once, one per line, with no stack trace; anything else is a bug, traced under DEBUG.
 */
export function main(argv: readonly string[], debug = Boolean(process.env.DEBUG)): number {
  try {
    const { outputsFile, stack, outDir, help, deprecation } = parseClientConfigArgs(argv);
    if (help) {
      process.stdout.write(CLIENT_CONFIG_HELP);
      return 0;
    }
    if (deprecation) console.error(`client-config: ${deprecation}`);
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
