/** Command-line arguments of `okta-s3-storage verify`, parsed without a library. */
import { unknownOption } from '../flags';

export interface VerifyArgs {
  readonly outputs: string;
  readonly stack?: string;
  readonly region?: string;
  readonly json: boolean;
  readonly printPolicy: boolean;
  readonly oktaIdToken?: string;
  readonly userPoolIdToken?: string;
  readonly help: boolean;
}

/** Bad arguments: every problem found, each shown on its own line, then a pointer to --help. */
export class UsageError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('; '));
    this.problems = list;
  }
}

export const HELP = `Usage: okta-s3-storage verify [options]

Checks a deployed okta-s3-storage stack in your own account, one row per check, and exits
non-zero if any check fails. Without token files it only reads.

Options:
  --outputs FILE             outputs of \`cdk deploy --outputs-file FILE\` (default: outputs.json)
  --stack NAME               the stack in that file (default: its only stack)
  --region REGION            AWS region (default: the stack's Region output)
  --json                     write the report as JSON
  --print-policy             print the IAM policy the verifier needs, scoped to the stack, and exit
  --okta-id-token FILE       live probes of routes 1 and 2 with a test user's Okta ID token
  --user-pool-id-token FILE  live probe of route 3 with that user's user-pool ID token
  --help                     show this help

Credentials come from the default AWS chain (environment, profile, SSO, instance role).
Probe objects are deleted afterwards; the versioned bucket keeps their versions and delete markers.
`;

const VALUE_FLAGS = {
  '--outputs': 'outputs',
  '--stack': 'stack',
  '--region': 'region',
  '--okta-id-token': 'oktaIdToken',
  '--user-pool-id-token': 'userPoolIdToken',
} as const;
const SWITCHES = {
  '--json': 'json',
  '--print-policy': 'printPolicy',
  '--help': 'help',
  '-h': 'help',
} as const;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Parses `verify [options]`; `argv` is what follows the program name. Reports every problem at once. */
export function parseArgs(argv: readonly string[]): VerifyArgs {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined)
    return { outputs: 'outputs.json', json: false, printPolicy: false, help: true };
  if (command !== 'verify') throw new UsageError(`unknown command "${command}": the only command is verify`);
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const switches: Record<string, boolean> = {};
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] =
      rest[i].startsWith('--') && rest[i].includes('=') ? rest[i].split(/=(.*)/s, 2) : [rest[i], undefined];
    if (flag in VALUE_FLAGS) {
      const next = rest[i + 1];
      const value = inline ?? (next !== undefined && !next.startsWith('--') ? rest[++i] : undefined);
      const name = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
      if (value === undefined || value === '') problems.push(`${flag} needs a value`);
      else if (name in values) problems.push(`${flag} is given twice`);
      else values[name] = value;
    } else if (flag in SWITCHES && inline === undefined) {
      switches[SWITCHES[flag as keyof typeof SWITCHES]] = true;
    } else {
      problems.push(
        flag.startsWith('-')
          ? unknownOption(flag, [...Object.keys(VALUE_FLAGS), ...Object.keys(SWITCHES)])
          : `unexpected argument "${flag}"`,
      );
    }
  }
  if (values.region !== undefined && !REGION.test(values.region))
    problems.push(`--region: expected an AWS region such as eu-west-1, got "${values.region}"`);
  if (switches.printPolicy && (values.oktaIdToken || values.userPoolIdToken))
    problems.push('--print-policy prints the policy and runs no checks: drop the token options');
  if (problems.length && !switches.help) throw new UsageError(problems);
  return {
    outputs: values.outputs ?? 'outputs.json',
    stack: values.stack,
    region: values.region,
    oktaIdToken: values.oktaIdToken,
    userPoolIdToken: values.userPoolIdToken,
    json: switches.json ?? false,
    printPolicy: switches.printPolicy ?? false,
    help: switches.help ?? false,
  };
}
