/**
 * `okta-s3-storage restore-offboarded`: moves an offboarded person's files back, from
 * `offboarded/<sub>/` to `users/<sub>/`, with the mover's own copy, verify, then delete (so it is
 * idempotent and can be run again after an interruption). Run it with an administrator's AWS
 * credentials (the default credential chain): no role of the stack may write both folders.
 *
 *   npx okta-s3-storage restore-offboarded --user 00u1a2b3c4D5e6F7g8h9 --outputs outputs.json [--dry-run]
 */
import { S3Client } from '@aws-sdk/client-s3';
import { OKTA_USER_ID } from '../../lambda/offboarding/okta-event';
import { movePrefix, MoveStore } from '../../lambda/offboarding/move-core';
import { s3MoveStore } from '../../lambda/offboarding/s3-move-store';
import { EXIT, unknownOption } from '../flags';
import { OutputsError, readStackOutputs } from '../verify/outputs';

export const RESTORE_HELP = `Usage: okta-s3-storage restore-offboarded --user <okta-user-id> [options]

Moves offboarded/<okta-user-id>/ back to users/<okta-user-id>/ (copy, verify, delete; safe to
run again). Uses your AWS credentials (the default chain): an administrator's.

Options:
  --user ID        the Okta user id (the sub of users/<sub>/)
  --outputs FILE   the outputs of \`cdk deploy --outputs-file\` (default outputs.json)
  --stack NAME     the stack in the outputs file, when it holds several
  --bucket NAME    the data bucket, instead of --outputs (with --region)
  --region REGION  the bucket's region, with --bucket
  --users-prefix P the users' folder (default users/)
  --dry-run        list what would move, move nothing
  --help           this text
`;

const FLAGS = [
  '--user',
  '--outputs',
  '--stack',
  '--bucket',
  '--region',
  '--users-prefix',
  '--dry-run',
  '--help',
];
const SWITCHES = ['--dry-run', '--help'];

export interface RestoreIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown };
  /** The store the move uses; tests pass one in memory. */
  readonly store?: (bucket: string, region: string) => MoveStore;
}

export async function main(argv: readonly string[], io: RestoreIo): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    io.err.write(`okta-s3-storage restore-offboarded: ${parsed} (see --help)\n`);
    return EXIT.FAILED;
  }
  if (parsed['--help']) {
    io.out.write(RESTORE_HELP);
    return EXIT.OK;
  }
  const problems: string[] = [];
  const sub = parsed['--user'];
  if (!sub || !OKTA_USER_ID.test(sub))
    problems.push('--user: an Okta user id (letters and digits) is required');
  let bucket = parsed['--bucket'];
  let region = parsed['--region'];
  if (bucket === undefined) {
    try {
      const { outputs } = readStackOutputs(parsed['--outputs'] ?? 'outputs.json', parsed['--stack']);
      bucket = outputs.BucketName;
      region = outputs.Region;
    } catch (error) {
      if (!(error instanceof OutputsError)) throw error;
      problems.push(error.message);
    }
  } else if (!region) problems.push('--region: required with --bucket');
  const usersPrefix = parsed['--users-prefix'] ?? 'users/';
  if (!usersPrefix.endsWith('/')) problems.push('--users-prefix: must end with /');
  if (problems.length) {
    io.err.write(problems.map((p) => `okta-s3-storage restore-offboarded: ${p}\n`).join(''));
    return EXIT.FAILED;
  }
  const store = (io.store ?? defaultStore)(bucket!, region!);
  const from = `offboarded/${sub}/`;
  const to = `${usersPrefix}${sub}/`;
  try {
    if (parsed['--dry-run']) {
      let objects = 0;
      let bytes = 0;
      let token: string | undefined;
      do {
        const page = await store.list(from, token);
        objects += page.objects.length;
        bytes += page.objects.reduce((sum, o) => sum + o.size, 0);
        token = page.next;
      } while (token);
      io.out.write(`${JSON.stringify({ dryRun: true, bucket, from, to, objects, bytes })}\n`);
      return EXIT.OK;
    }
    const result = await movePrefix(from, to, store);
    io.out.write(`${JSON.stringify({ restored: true, bucket, from, to, ...result })}\n`);
    return EXIT.OK;
  } catch (error) {
    io.err.write(
      `okta-s3-storage restore-offboarded: stopped, run it again to continue: ${(error as Error).name}: ${(error as Error).message}\n`,
    );
    return EXIT.FAILED;
  }
}

function defaultStore(bucket: string, region: string): MoveStore {
  return s3MoveStore(new S3Client({ region }), bucket);
}

function parse(argv: readonly string[]): Record<string, string | undefined> | string {
  const values: Record<string, string | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!FLAGS.includes(flag) || (inline !== undefined && SWITCHES.includes(flag)))
      return unknownOption(flag, FLAGS);
    if (SWITCHES.includes(flag)) {
      values[flag] = 'yes';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    values[flag] = value;
  }
  return values;
}
