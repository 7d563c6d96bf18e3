import { parseArgs, UsageError } from '../../cli/verify/args';
import { errorLines } from '../../cli/verify/main';
import { OutputsError } from '../../cli/verify/outputs';
import { renderTable, report } from '../../cli/verify/report';
import { fail, pass, skip } from '../../cli/verify/check';

describe('parseArgs', () => {
  test('reads every option, in either --flag value or --flag=value form', () => {
    expect(
      parseArgs([
        'verify',
        '--outputs',
        'out.json',
        '--stack=S',
        '--region',
        'eu-central-1',
        '--json',
        '--okta-id-token',
        'okta.jwt',
        '--user-pool-id-token=pool.jwt',
      ]),
    ).toEqual({
      outputs: 'out.json',
      stack: 'S',
      region: 'eu-central-1',
      json: true,
      printPolicy: false,
      oktaIdToken: 'okta.jwt',
      userPoolIdToken: 'pool.jwt',
      help: false,
    });
  });

  test('defaults to outputs.json, read-only, table output', () => {
    expect(parseArgs(['verify'])).toMatchObject({ outputs: 'outputs.json', json: false, printPolicy: false });
  });

  test.each([
    [['verify', '--nope'], 'unknown option --nope'],
    [['verify', 'extra'], 'unexpected argument "extra"'],
    [['verify', '--outputs'], '--outputs needs a value'],
    [['verify', '--stack', '--json'], '--stack needs a value'],
    [['verify', '--region', 'moon-1'], 'expected an AWS region such as eu-west-1, got "moon-1"'],
    [['verify', '--stack', 'A', '--stack', 'B'], '--stack is given twice'],
    [
      ['verify', '--print-policy', '--okta-id-token', 't'],
      '--print-policy prints the policy and runs no checks',
    ],
    [['deploy'], 'unknown command "deploy"'],
  ])('%j: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('argument errors', () => {
  test('every problem is reported at once, each once', () => {
    let error: unknown;
    try {
      parseArgs(['verify', '--bogus', '--region', 'moon-1', '--stack', '--json', 'extra']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toEqual([
      'unknown option --bogus',
      '--stack needs a value',
      'unexpected argument "extra"',
      '--region: expected an AWS region such as eu-west-1, got "moon-1"',
    ]);
    expect(errorLines(error, true).split('\n')).toEqual([
      'okta-s3-storage verify: unknown option --bogus',
      'okta-s3-storage verify: --stack needs a value',
      'okta-s3-storage verify: unexpected argument "extra"',
      'okta-s3-storage verify: --region: expected an AWS region such as eu-west-1, got "moon-1" (see --help)',
      '',
    ]);
  });

  test('an expected error is one line even with DEBUG; an unexpected one shows its trace only with DEBUG', () => {
    expect(errorLines(new OutputsError('Outputs file not found: x'), true)).toBe(
      'okta-s3-storage verify: Outputs file not found: x\n',
    );
    const bug = new TypeError('boom');
    expect(errorLines(bug, false)).toBe('okta-s3-storage verify: unexpected error: boom\n');
    const traced = errorLines(bug, true).split('\n');
    expect(traced[0]).toBe('okta-s3-storage verify: unexpected error: boom');
    expect(traced[1]).toBe('TypeError: boom');
    expect(traced[2]).toMatch(/^\s+at /);
  });
});

describe('report', () => {
  const results = [
    pass('bucket.versioning', 'Enabled', 'Enabled'),
    fail('bucket.ownership', 'BucketOwnerEnforced', 'ObjectWriter', 'ACLs are active again.'),
    skip('probe.route3', 'live probe', 'Pass --user-pool-id-token FILE.'),
  ];

  test('fails when any row fails, not when rows are skipped', () => {
    expect(report('S', 'eu-west-1', results).passed).toBe(false);
    expect(report('S', 'eu-west-1', [results[0], results[2]]).passed).toBe(true);
  });

  test('says that versions and delete markers remain once a probe ran, and only then', () => {
    const probed = report('S', 'eu-west-1', [pass('probe.route1.delete', 'DeleteObject', 'deleted')]);
    expect(renderTable(probed)).toContain('the versioned bucket keeps their versions and delete markers');
    expect(probed.notes).toHaveLength(1);
    expect(report('S', 'eu-west-1', results).notes).toEqual([]);
  });

  test('prints one row per check with its finding under it, and a summary', () => {
    const lines = renderTable(report('S', 'eu-west-1', results)).split('\n');
    expect(lines.filter((l) => /^(bucket|probe)\./.test(l))).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('bucket.ownership'))).toMatch(
      /BucketOwnerEnforced\s+ObjectWriter\s+FAIL$/,
    );
    expect(lines[lines.findIndex((l) => l.startsWith('bucket.ownership')) + 1]).toContain(
      'ACLs are active again.',
    );
    expect(lines.at(-1)).toBe('1 passed, 1 failed, 1 skipped: FAIL');
  });
});
