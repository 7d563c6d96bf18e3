/**
 * `npm run local`: the store on this machine, for development and tests. Loopback only.
 *
 *   npm run local [-- --env NAME] [--port-base N] [--data-dir DIR] [--reset]
 *
 * Synthesizes the chosen environment of the app's configuration (okta-config.ts, else the example),
 * serves it through the local stand-ins (emulator/README.md) with an Okta stand-in and the reference
 * web client, and prints one table. Ctrl-C stops everything.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigValidationError } from '../app/config/validate';
import {
  DEFAULT_PORT_BASE,
  PORT_OFFSETS,
  startLocalEnvironment,
  type LocalEnvironment,
} from '../emulator/local/environment';
import { TEST_USERS } from '../emulator/services/test-users';

const PROJECT_DIR = path.join(__dirname, '..');
const USAGE = 'Usage: npm run local -- [--env NAME] [--port-base N] [--data-dir DIR] [--reset]';
const HIGHEST_BASE = 65535 - Math.max(...Object.values(PORT_OFFSETS));

export class LocalArgsError extends Error {}

export interface LocalArgs {
  readonly env?: string;
  readonly portBase: number;
  readonly dataDir: string;
  readonly reset: boolean;
}

/** Reads the arguments, reporting every problem at once. */
export function parseLocalArgs(argv: readonly string[]): LocalArgs {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  let reset = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (flag === '--env' || flag === '--port-base' || flag === '--data-dir') {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
      if (!value) problems.push(`${flag} needs a value`);
      else if (flag in values) problems.push(`${flag} is given twice`);
      else values[flag] = value;
    } else if (flag === '--reset' && inline === undefined) reset = true;
    else problems.push(flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument ${flag}`);
  }
  const base = values['--port-base'] ?? String(DEFAULT_PORT_BASE);
  const portBase = Number(base);
  if (!/^\d+$/.test(base) || portBase < 1024 || portBase > HIGHEST_BASE)
    problems.push(`--port-base must be a whole number from 1024 to ${HIGHEST_BASE}, got "${base}"`);
  if (problems.length) throw new LocalArgsError([...problems, USAGE].join('\n'));
  return {
    env: values['--env'],
    portBase,
    dataDir: path.resolve(values['--data-dir'] ?? path.join(PROJECT_DIR, '.local')),
    reset,
  };
}

/** One table: what runs where, who can sign in, and the configuration file. */
export function summary(local: LocalEnvironment, seconds: number): string {
  const subWidth = Math.max(...TEST_USERS.map((u) => u.sub.length));
  const rows: [string, string][] = [
    ['web client (open this)', `${local.endpoints.web}/`],
    ['Okta stand-in (issuer)', `${local.endpoints.okta}/oauth2/default`],
    ['hosted UI (route 3)', local.endpoints.hostedUi],
    ['presign API (route 3)', local.endpoints.api],
    ['S3 (IAM-enforcing front)', local.endpoints.s3],
    ['Cognito Identity (route 1)', local.endpoints.cognitoIdentity],
    ['STS (route 2)', local.endpoints.sts],
    ...TEST_USERS.map((u): [string, string] => [`user ${u.name}`, `${u.sub.padEnd(subWidth)}  ${u.note}`]),
    ['client config', path.relative(process.cwd(), local.clientConfigFile) || local.clientConfigFile],
    ['bucket', local.stack.model.bucketName],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const source = path.basename(local.configSource);
  return [
    `okta-s3-storage local: environment "${local.environment.name}" from ${source}` +
      `${local.usesPlaceholders ? ' (placeholders: fine locally)' : ''}, ready in ${seconds.toFixed(1)} s`,
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    'A development and test aid, not AWS (see README "Try it locally"). Ctrl-C stops it.',
  ].join('\n');
}

export async function main(argv: readonly string[], debug = Boolean(process.env.DEBUG)): Promise<number> {
  let args: LocalArgs;
  try {
    args = parseLocalArgs(argv);
  } catch (e) {
    return fail(e, debug);
  }
  if (args.reset) fs.rmSync(args.dataDir, { recursive: true, force: true });
  let local: LocalEnvironment;
  try {
    local = await startLocalEnvironment({
      projectDir: PROJECT_DIR,
      env: args.env,
      portBase: args.portBase,
      dataDir: args.dataDir,
    });
  } catch (e) {
    return fail(e, debug);
  }
  // From the process's start: module loading included.
  console.log(summary(local, process.uptime()));
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      local.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
  });
}

/** Problems a person can fix, once and without a trace; anything else is a bug, traced under DEBUG. */
function fail(e: unknown, debug: boolean): number {
  const error = e as Error & { code?: string; port?: number };
  const lines =
    e instanceof LocalArgsError || e instanceof ConfigValidationError
      ? error.message.split('\n')
      : error?.code === 'EADDRINUSE'
        ? [`port ${error.port} is in use: stop what holds it, or move every port with --port-base`]
        : [`unexpected error: ${error?.message ?? String(e)}`];
  console.error(lines.map((line) => `local: ${line}`).join('\n'));
  if (debug && e instanceof Error) console.error(e.stack);
  return 1;
}

if (require.main === module) {
  // The SDK is pinned; its notice about Node versions of future releases would open the one table
  // a person reads here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
