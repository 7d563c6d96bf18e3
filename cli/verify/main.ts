/**
 * `okta-s3-storage verify`: checks a deployed stack in the caller's own account. Run through the
 * one entry point, cli/main.ts (the package bin; `npm run verify` in the repository): in a bundle,
 * `require.main === module` would hold for every module, so no command module has its own.
 *
 * Exit codes: 0 every check passed or was skipped; 1 a check failed, or the command could not run
 * (arguments, outputs file, token files, credentials), like every command of this project. The
 * two are told apart by the output: a report on stdout, or problem lines on stderr.
 */
import { HELP, parseArgs, UsageError } from './args';
import { Clients, createClients } from './clients';
import { OutputsError, readStackOutputs } from './outputs';
import { verifierPolicy } from './policy';
import { TokenFileError } from './probes/token';
import { renderJson, renderTable, report } from './report';
import { confirmAccount, CredentialsError, readTokens, runChecks } from './run';

const EXPECTED_ERRORS = [UsageError, OutputsError, TokenFileError, CredentialsError];

export interface Io {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
  /** Builds the AWS clients for a region; tests pass mocked ones. */
  readonly clients: (region: string) => Clients;
}

const PROCESS_IO: Io = { out: process.stdout, err: process.stderr, clients: createClients };

export async function main(argv: readonly string[], io: Io = PROCESS_IO): Promise<number> {
  const { out, err } = io;
  try {
    const args = parseArgs(argv);
    if (args.help) {
      out.write(HELP);
      return 0;
    }
    const { stackName, outputs } = readStackOutputs(args.outputs, args.stack);
    if (args.printPolicy) {
      out.write(JSON.stringify(verifierPolicy(outputs), null, 2) + '\n');
      return 0;
    }
    const tokens = readTokens(args);
    const region = args.region ?? outputs.Region;
    // The SDK is bundled at a fixed version, so its notice about future releases needing a newer
    // Node does not apply to this copy, and it would break the one-line error output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const clients = io.clients(region);
    await confirmAccount(clients, outputs);
    const r = report(stackName, region, await runChecks(clients, outputs, tokens));
    out.write((args.json ? renderJson(r) : renderTable(r)) + '\n');
    return r.passed ? 0 : 1;
  } catch (error) {
    err.write(errorLines(error));
    return 1;
  }
}

/**
 * What a failed run prints: each problem once, on its own line, and no stack trace unless DEBUG is
 * set (then the trace of an unexpected error follows its line).
 */
export function errorLines(error: unknown, debug = Boolean(process.env.DEBUG)): string {
  const prefix = 'okta-s3-storage verify: ';
  if (error instanceof UsageError)
    return error.problems
      .map((p, i, all) => `${prefix}${p}${i === all.length - 1 ? ' (see --help)' : ''}\n`)
      .join('');
  if (EXPECTED_ERRORS.some((type) => error instanceof type)) return `${prefix}${(error as Error).message}\n`;
  const line = `${prefix}unexpected error: ${(error as Error)?.message ?? String(error)}\n`;
  return debug && error instanceof Error && error.stack ? `${line}${error.stack}\n` : line;
}
