#!/usr/bin/env node
/**
 * `okta-s3-storage <command>`: the package's one bin (dist/cli/okta-s3-storage.js, an esbuild
 * bundle, so the package gains no runtime dependency). It dispatches on the first word:
 *
 *   okta-s3-storage verify [options]          checks a deployed stack (cli/verify/)
 *   okta-s3-storage client-config [options]   writes a front end's configuration (cli/client-config/)
 *   okta-s3-storage restore-offboarded [...]  moves an offboarded person's files back (cli/restore/)
 *
 * Exit codes (the same for every command): 0 success or --help; 1 a check failed, or the command
 * could not run (arguments, files, credentials), told apart by the output: results on stdout,
 * problems on stderr.
 */
import { closest } from '../app/config/keys';
import { main as clientConfig } from './client-config/main';
import { Io, main as verify } from './verify/main';
import { main as restoreOffboarded } from './restore/main';

export const COMMANDS = ['verify', 'client-config', 'restore-offboarded'] as const;

export const HELP = `Usage: okta-s3-storage <command> [options]

Commands:
  verify          check a deployed okta-s3-storage stack in your own account
  client-config   write amplify_outputs.json and okta-s3-client.json from a deployment's outputs
  restore-offboarded
                  move an offboarded person's files back to users/<sub>/ (administrators)

Each reads the outputs of \`cdk deploy --outputs-file outputs.json\` (--outputs FILE).
Run \`okta-s3-storage <command> --help\` for a command's options.

Exit codes: 0 success (or --help); 1 a check failed, or the command could not run (bad arguments,
outputs file, token files or credentials): results go to stdout, problems to stderr.
`;

export async function main(argv: readonly string[], io?: Io): Promise<number> {
  const [command, ...rest] = argv;
  const out = io?.out ?? process.stdout;
  const err = io?.err ?? process.stderr;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.write(HELP);
    return 0;
  }
  if (command === 'verify') return verify(argv, io);
  if (command === 'client-config') return clientConfig(rest);
  if (command === 'restore-offboarded') return restoreOffboarded(rest, { out, err });
  const near = closest(command, COMMANDS);
  err.write(
    `okta-s3-storage: unknown command "${command}"${near ? `; did you mean "${near}"?` : `: the commands are ${COMMANDS.join(', ')}`} (see --help)\n`,
  );
  return 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
