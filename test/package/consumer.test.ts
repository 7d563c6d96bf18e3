import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixture', 'consumer-app.ts');

interface Consumer {
  readonly dir: string;
  readonly installed: string[];
  readonly template: { Resources: Record<string, any> };
  readonly outdir: string;
}

/** `npm pack`, then install the tarball into a fresh app whose other dependencies are the installed ones. */
function packAndInstall(): Omit<Consumer, 'template' | 'outdir'> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-consumer-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  const tarball = path.join(work, packed.trim().split('\n').pop()!);
  const dir = path.join(work, 'app');
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', work]);
  fs.renameSync(path.join(work, 'package'), path.join(modules, 'okta-s3-storage'));

  // Only what the package declares (dependencies and peers) is available to it.
  const manifest = JSON.parse(fs.readFileSync(path.join(modules, 'okta-s3-storage', 'package.json'), 'utf8'));
  const declared = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ];
  for (const name of declared)
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'team-app', private: true }));
  return { dir, installed: fs.readdirSync(modules).sort() };
}

/** Runs a command, failing with its output so a broken package explains itself. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, ...env } });
  } catch (e: any) {
    throw new Error(`${path.basename(args[0])} failed in the consumer app:\n${e.stdout}\n${e.stderr}`);
  }
}

let consumer: Consumer;
beforeAll(() => {
  const installed = packAndInstall();
  fs.copyFileSync(FIXTURE, path.join(installed.dir, 'app.ts'));
  // Type-checks the app against the shipped .d.ts files and compiles it, as a team's build would.
  fs.writeFileSync(
    path.join(installed.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', skipLibCheck: true, types: [] },
      files: ['app.ts'],
    }),
  );
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'], installed.dir);
  const outdir = path.join(installed.dir, 'cdk.out');
  run(process.execPath, ['app.js'], installed.dir, { CDK_OUTDIR: outdir });
  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'TeamStack.template.json'), 'utf8'));
  consumer = { ...installed, template, outdir };
}, 240_000);

const resourcesOf = (type: string) =>
  Object.values(consumer.template.Resources).filter((r: any) => r.Type === type) as any[];

describe('the packed package in a fresh app', () => {
  test('needs only its declared dependencies: no esbuild, no AWS SDK', () => {
    expect(consumer.installed).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs', 'okta-s3-storage']);
    const shipped = fs.readdirSync(path.join(consumer.dir, 'node_modules', 'okta-s3-storage', 'dist'));
    expect(shipped.sort()).toEqual(['lambda', 'lib']);
  });

  test('uses the prebuilt presign bundle as the Lambda code', () => {
    const [fn] = resourcesOf('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
    const asset = path.join(
      consumer.outdir,
      `asset.${fn.Properties.Code.S3Key.replace('.zip', '')}`,
      'index.js',
    );
    const shipped = path.join(
      consumer.dir,
      'node_modules',
      'okta-s3-storage',
      'dist',
      'lambda',
      'presign-bundle',
      'index.js',
    );
    expect(fs.readFileSync(asset)).toEqual(fs.readFileSync(shipped));
    expect(fn.Properties.Environment.Variables).toMatchObject({
      URL_EXPIRY_SECONDS: '600',
      MAX_UPLOAD_BYTES: '1048576',
    });
  });

  test('grants per-user access on the bucket the team brought', () => {
    const resources = resourcesOf('AWS::IAM::Policy').flatMap((p) =>
      p.Properties.PolicyDocument.Statement.map((s: any) => JSON.stringify(s.Resource)),
    );
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringContaining(':s3:::team-existing-bucket/users/${aws:PrincipalTag/okta_sub}/*'),
      ]),
    );
    expect(resources).toEqual(
      expect.arrayContaining([
        expect.stringContaining(':s3:::team-existing-bucket/users/${acme.okta.com/oauth2/aus1team:sub}/*'),
      ]),
    );
  });

  test('honours the non-default props', () => {
    const roles = resourcesOf('AWS::IAM::Role');
    const direct = roles.find((r) => r.Properties.MaxSessionDuration === 7200);
    expect(direct.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'acme.okta.com/oauth2/aus1team:aud': ['0oaTEAMios0000000002'] },
    });
    const buckets = resourcesOf('AWS::S3::Bucket');
    expect(
      buckets.map((b) =>
        b.Properties.LifecycleConfiguration.Rules.find((r: any) => r.NoncurrentVersionExpiration),
      ),
    ).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } }));
    expect(resourcesOf('AWS::KMS::Key')).toHaveLength(1);
    expect(resourcesOf('AWS::ApiGateway::Authorizer')[0].Properties.ProviderARNs).toEqual([
      {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':cognito-idp:eu-central-1:111122223333:userpool/eu-central-1_TeamPool1',
          ],
        ],
      },
    ]);
  });
});
