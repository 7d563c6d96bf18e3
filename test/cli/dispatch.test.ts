import { HELP, main } from '../../cli/main';

/** Runs the package bin's dispatcher in process: its exit code and what it wrote. */
async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: { write: (t: string) => (out += t) },
    err: { write: (t: string) => (err += t) },
    clients: () => {
      throw new Error('no AWS client is made for these arguments');
    },
  });
  return { code, out, err };
}

describe('okta-s3-storage <command>', () => {
  test.each([[[]], [['--help']], [['-h']], [['help']]])(
    '%j prints the commands and exits 0',
    async (argv) => {
      const r = await run(...argv);
      expect(r).toEqual({ code: 0, out: HELP, err: '' });
      expect(HELP).toMatch(/verify .*\n\s+client-config /);
    },
  );

  test('an unknown command names the nearest one, exit 1, nothing on stdout', async () => {
    expect(await run('verfy', '--outputs', 'x.json')).toEqual({
      code: 1,
      out: '',
      err: 'okta-s3-storage: unknown command "verfy"; did you mean "verify"? (see --help)\n',
    });
    expect((await run('deploy')).err).toBe(
      'okta-s3-storage: unknown command "deploy": the commands are verify, client-config, restore-offboarded (see --help)\n',
    );
  });

  test('verify gets its own arguments: its --help and its did-you-mean', async () => {
    expect((await run('verify', '--help')).out).toContain('Usage: okta-s3-storage verify [options]');
    expect(await run('verify', '--outptus=o.json')).toEqual({
      code: 1,
      out: '',
      err: 'okta-s3-storage verify: unknown option --outptus; did you mean --outputs? (see --help)\n',
    });
  });
});
