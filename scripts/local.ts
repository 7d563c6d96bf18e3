/**
 * `npm run local`: the store on this machine, for development and tests. Loopback only.
 *
 *   npm run local [-- --env NAME] [--port-base N] [--data-dir DIR] [--reset] [--sharing]
 *
 * Synthesizes the chosen environment of the app's configuration (okta-config.ts, else the example),
 * serves it through the local stand-ins (emulator/README.md) with an Okta stand-in and the reference
 * web client, and prints one table. Ctrl-C stops everything.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigValidationError } from '../app/config/validate';
import { unknownOption } from '../cli/flags';
import {
  DEFAULT_PORT_BASE,
  PORT_OFFSETS,
  startLocalEnvironment,
  type LocalEnvironment,
} from '../emulator/local/environment';
import { TEST_USERS } from '../emulator/services/test-users';

const PROJECT_DIR = path.join(__dirname, '..');
const USAGE = 'Usage: npm run local -- [--env NAME] [--port-base N] [--data-dir DIR] [--reset] [--sharing]';
const HIGHEST_BASE = 65535 - Math.max(...Object.values(PORT_OFFSETS));

export class LocalArgsError extends Error {}

export const LOCAL_HELP = `Usage: npm run local -- [options]

Runs the store on this machine (127.0.0.1 only) from okta-config.ts, or the example: an Okta
stand-in with test users, the three routes, S3 and the reference web client. A development and
test aid, not AWS. Ctrl-C, SIGTERM or SIGHUP stops everything and leaves no port open.

Options:
  --env NAME       the environment to run (default: the configuration's first)
  --port-base N    moves every port: web client N, Okta N+1, hosted UI N+2, presign API N+3,
                   S3 N+4, Cognito Identity N+5, STS N+6, S3 over HTTPS N+7
                   (default: ${DEFAULT_PORT_BASE})
  --data-dir DIR   where files and the client configuration are kept (default: .local/)
  --reset          empties that directory first
  --sharing        turns on share links and file requests with their defaults, as
                   presign.sharing: {} would, where the environment does not configure them
  --help           show this help

Exit codes: 0 stopped cleanly (or --help); 1 bad arguments or configuration, or a port in use.
`;

const VALUE_FLAGS = ['--env', '--port-base', '--data-dir'];
const SWITCHES = ['--reset', '--sharing', '--help', '-h'];

export interface LocalArgs {
  readonly env?: string;
  readonly portBase: number;
  readonly dataDir: string;
  readonly reset: boolean;
  readonly help?: boolean;
  /** Share links and file requests on, with their defaults (`--sharing`). */
  readonly sharing?: boolean;
}

/** Reads the arguments, reporting every problem at once. */
export function parseLocalArgs(argv: readonly string[]): LocalArgs {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  let reset = false;
  let help = false;
  let sharing = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    if (VALUE_FLAGS.includes(flag)) {
      const next = argv[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? argv[++i] : undefined);
      if (!value) problems.push(`${flag} needs a value`);
      else if (flag in values) problems.push(`${flag} is given twice`);
      else values[flag] = value;
    } else if (flag === '--reset' && inline === undefined) reset = true;
    else if (flag === '--sharing' && inline === undefined) sharing = true;
    else if ((flag === '--help' || flag === '-h') && inline === undefined) help = true;
    else
      problems.push(
        flag.startsWith('-')
          ? unknownOption(flag, [...VALUE_FLAGS, ...SWITCHES])
          : `unexpected argument ${flag}`,
      );
  }
  const base = values['--port-base'] ?? String(DEFAULT_PORT_BASE);
  const portBase = Number(base);
  if (!/^\d+$/.test(base) || portBase < 1024 || portBase > HIGHEST_BASE)
    problems.push(`--port-base must be a whole number from 1024 to ${HIGHEST_BASE}, got "${base}"`);
  if (help) return { portBase: DEFAULT_PORT_BASE, dataDir: '', reset: false, help: true };
  if (problems.length) throw new LocalArgsError([...problems, USAGE].join('\n'));
  return {
    env: values['--env'],
    portBase,
    dataDir: path.resolve(values['--data-dir'] ?? path.join(PROJECT_DIR, '.local')),
    reset,
    ...(sharing ? { sharing } : {}),
  };
}

/** One table: what runs where, who can sign in, and the configuration file. */
export function summary(local: LocalEnvironment, seconds: number): string {
  const subWidth = Math.max(...TEST_USERS.map((u) => u.sub.length));
  const rows: [string, string][] = [
    ['file browser (open this)', `${local.endpoints.web}/`],
    ['developer view (3 routes)', `${local.endpoints.web}/developer.html`],
    ['Okta stand-in (issuer)', `${local.endpoints.okta}/oauth2/default`],
    ['hosted UI (route 3)', local.endpoints.hostedUi],
    ['presign API (route 3)', local.endpoints.api],
    ['S3 (IAM-enforcing front)', local.endpoints.s3],
    ['S3 over HTTPS (file browser)', `${local.endpoints.s3Https}  <bucket>.s3.localhost, certificate below`],
    ['Cognito Identity (route 1)', local.endpoints.cognitoIdentity],
    ['STS (route 2)', local.endpoints.sts],
    ...TEST_USERS.map((u): [string, string] => [`user ${u.name}`, `${u.sub.padEnd(subWidth)}  ${u.note}`]),
    ['client config', path.relative(process.cwd(), local.clientConfigFile) || local.clientConfigFile],
    [
      'HTTPS certificate',
      path.relative(process.cwd(), local.certificate.certFile) || local.certificate.certFile,
    ],
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
  if (args.help) {
    process.stdout.write(LOCAL_HELP);
    return 0;
  }
  if (args.reset) fs.rmSync(args.dataDir, { recursive: true, force: true });
  let local: LocalEnvironment;
  try {
    local = await startLocalEnvironment({
      projectDir: PROJECT_DIR,
      env: args.env,
      portBase: args.portBase,
      dataDir: args.dataDir,
      sharing: args.sharing,
    });
  } catch (e) {
    return fail(e, debug);
  }
  // From the process's start: module loading included.
  console.log(summary(local, process.uptime()));
  return new Promise((resolve) => {
    const parent = process.ppid;
    // npm runs the script with `exec`, so this process is npm's own child: npm forwards SIGINT and
    // SIGTERM to it. A hang-up, or npm killed outright, leaves it orphaned: it stops then too.
    const orphaned = setInterval(() => process.ppid !== parent && stop(), 250).unref();
    // Ctrl-C reaches this process twice (from the terminal, and forwarded by npm): the listeners
    // stay until the stack is closed, so a second signal cannot kill it half-way.
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      clearInterval(orphaned);
      local.close().then(() => {
        for (const signal of STOP_SIGNALS) process.off(signal, stop);
        resolve(0);
      });
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
  });
}

/** Ctrl-C, `kill`, and a closed terminal or npm's end all stop the stack cleanly. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

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
