import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { builtinModules } from 'module';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REQUIRED_OUTPUTS } from '../../cli/verify/outputs';
import { resolveTemplate } from '../../emulator/iam/resolve-template';
import { PACKED_BESIDE_DIST } from '../../scripts/package-contents';
import { contentStamp } from '../support/content-stamp';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(__dirname, 'fixture', 'consumer-app.ts');

interface Consumer {
  readonly dir: string;
  readonly tarball: string;
  readonly manifest: {
    scripts?: Record<string, string>;
    devDependencies?: Record<string, string>;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    bin?: Record<string, string>;
  };
  readonly installed: string[];
  readonly template: { Resources: Record<string, any> };
  readonly outdir: string;
}

/**
 * What goes into the tarball: everything the build compiles or bundles, how it builds, and what it
 * packs beside dist/.
 */
const PACKAGE_INPUTS = [
  'lib',
  'lambda',
  'cli',
  'app',
  'emulator',
  'scripts',
  'tsconfig.json',
  'tsconfig.jsii.json',
  'package.json',
  'package-lock.json',
  // Not .jsii: the build writes it, so hashing it would build twice after every edit.
  ...PACKED_BESIDE_DIST.filter((entry) => entry !== '.jsii'),
];
const TARBALLS = path.join(ROOT, 'node_modules', '.cache', 'okta-s3-storage', 'package');

/**
 * `npm run package` (the build, then the tarball from a staging folder with a cleaned
 * package.json), kept by a hash of its inputs: the jsii build costs 20 s of CPU, and an edit to
 * any input builds it again. Tarballs of earlier inputs are removed.
 */
function packedTarball(): string {
  const stamp = contentStamp(PACKAGE_INPUTS);
  const kept = path.join(TARBALLS, stamp);
  const found = fs.existsSync(kept) && fs.readdirSync(kept).find((f) => f.endsWith('.tgz'));
  if (found) return path.join(kept, found);
  fs.rmSync(TARBALLS, { recursive: true, force: true });
  const building = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-package-'));
  const packed = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register', 'scripts/build-package.ts', '--pack-destination', building],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } },
  );
  fs.mkdirSync(TARBALLS, { recursive: true });
  fs.renameSync(building, kept);
  return path.join(kept, path.basename(packed.trim().split('\n').pop()!));
}

/** The tarball, installed into a fresh app whose other dependencies are the installed ones. */
function packAndInstall(): Omit<Consumer, 'template' | 'outdir'> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-s3-consumer-'));
  const tarball = packedTarball();
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
  return { dir, tarball, manifest, installed: fs.readdirSync(modules).sort() };
}

const PEER_INSTALLS = path.join(ROOT, 'node_modules', '.cache', 'okta-s3-storage', 'peer-installs');

/**
 * node_modules of `npm install --strict-peer-deps` of the tarball with these peers, kept by a hash
 * of the tarball, the versions asked for and npm's version: the same inputs install the same tree,
 * and the two installs cost 18 s of CPU. Any change to the package (its peer ranges included)
 * makes a new tarball, so npm judges the peers again. Installs of earlier inputs are removed.
 */
function peerInstall(tarball: string, versions: Record<string, string>): string {
  const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 16);
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const ofTarball = hash(fs.readFileSync(tarball));
  const kept = path.join(PEER_INSTALLS, `${ofTarball}-${hash(JSON.stringify([versions, npmVersion]))}`);
  if (fs.existsSync(path.join(kept, 'node_modules'))) return path.join(kept, 'node_modules');
  fs.mkdirSync(PEER_INSTALLS, { recursive: true });
  for (const earlier of fs.readdirSync(PEER_INSTALLS).filter((name) => !name.startsWith(`${ofTarball}-`))) {
    fs.rmSync(path.join(PEER_INSTALLS, earlier), { recursive: true, force: true });
  }
  // Installed beside where it is kept, then renamed: a run stopped midway leaves nothing found.
  const installing = fs.mkdtempSync(path.join(PEER_INSTALLS, '.installing-'));
  fs.writeFileSync(
    path.join(installing, 'package.json'),
    JSON.stringify({ name: 'team-app', private: true }),
  );
  run(
    'npm',
    [
      'install',
      '--strict-peer-deps',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      tarball,
      ...Object.entries(versions).map(([name, version]) => `${name}@${version}`),
    ],
    installing,
    { npm_config_loglevel: 'error' },
  );
  fs.renameSync(installing, kept);
  return path.join(kept, 'node_modules');
}

/**
 * The team app's template on an install from peerInstall, kept beside it, by the app's source,
 * Node's version and this repository's lock file (the compiler's version): the same install, app
 * and tools make the same template, and compiling and synthesizing costs 4 s of CPU per install.
 */
function keptBeside(modules: string, synth: () => { Resources: Record<string, any> }) {
  const key = createHash('sha256')
    .update(fs.readFileSync(FIXTURE))
    .update(process.version)
    .update(fs.readFileSync(path.join(ROOT, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(path.dirname(modules), `template-${key}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const template = synth();
  fs.writeFileSync(`${file}.partial`, JSON.stringify(template));
  fs.renameSync(`${file}.partial`, file);
  return template;
}

/** Runs a command, failing with its output so a broken package explains itself. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8', env: { ...process.env, ...env } });
  } catch (e: any) {
    throw new Error(`${path.basename(args[0])} failed in the consumer app:\n${e.stdout}\n${e.stderr}`);
  }
}

/**
 * Links the package's bins into node_modules/.bin and makes them executable, as npm's installer
 * does (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#bin: "npm will symlink that
 * file into prefix/bin for global installs, or ./node_modules/.bin/ for local installs").
 */
function linkBins(dir: string, bin: Record<string, string> = {}) {
  const binDir = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(binDir, { recursive: true });
  for (const [name, target] of Object.entries(bin)) {
    const file = path.join(dir, 'node_modules', 'okta-s3-storage', target);
    fs.chmodSync(file, 0o755);
    fs.symlinkSync(path.relative(binDir, file), path.join(binDir, name));
  }
}

/**
 * The bin npm linked into node_modules/.bin, run as a shell would run it (by its shebang). The
 * tests that are about npx itself use `npx` below; the rest skip npm's start-up, half a second each.
 */
function installedBin(cwd: string, args: string[], env: Record<string, string | undefined> = {}) {
  return spawnSync(path.join(consumer.dir, 'node_modules', '.bin', 'okta-s3-storage'), args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

/** `npx --no` runs the installed bin and never fetches a package. */
function npx(dir: string, args: string[], env: Record<string, string | undefined> = {}) {
  return spawnSync('npx', ['--no', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_loglevel: 'error', ...env },
    timeout: 60_000,
  });
}

let consumer: Consumer;
beforeAll(() => {
  const installed = packAndInstall();
  linkBins(installed.dir, installed.manifest.bin);
  const { template, outdir } = compileAndSynth(installed.dir);
  consumer = { ...installed, template, outdir };
}, 240_000);

/**
 * Type-checks a team app against the shipped .d.ts files, compiles it and synthesizes it. `sub`
 * keeps a second app apart from the first, with its own tsconfig; both resolve the same node_modules.
 */
function compileAndSynth(
  root: string,
  source = fs.readFileSync(FIXTURE, 'utf8'),
  stackName = 'TeamStack',
  sub = '.',
) {
  const dir = path.join(root, sub);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'app.ts'), source);
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', skipLibCheck: true, types: [] },
      files: ['app.ts'],
    }),
  );
  // TypeScript 7, the native compiler: the checks of TypeScript 6 in a fifth of the time.
  run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript-native', 'bin', 'tsc'), '-p', '.'], dir);
  const outdir = path.join(dir, 'cdk.out');
  run(process.execPath, ['app.js'], dir, { CDK_OUTDIR: outdir });
  const template = JSON.parse(fs.readFileSync(path.join(outdir, `${stackName}.template.json`), 'utf8'));
  return { template, outdir, dir };
}

/** The README's example for importers, as a team would paste it, plus the synth the CDK CLI does. */
function readmeExample(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use the constructs in your own stack'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README has no ts block for importers');
  return `${match[1]}\napp.synth();\n`;
}

const resourcesOf = (type: string) =>
  Object.values(consumer.template.Resources).filter((r: any) => r.Type === type) as any[];

describe('the packed package in a fresh app', () => {
  test('needs only its declared dependencies: no esbuild, no AWS SDK', () => {
    expect(consumer.installed).toEqual(['aws-cdk-lib', 'cdk-nag', 'constructs', 'okta-s3-storage']);
    const shipped = fs.readdirSync(path.join(consumer.dir, 'node_modules', 'okta-s3-storage', 'dist'));
    expect(shipped.sort()).toEqual(['cli', 'lambda', 'lib']);
  });

  test('every relative link of the packed README resolves inside the package', () => {
    const root = path.join(consumer.dir, 'node_modules', 'okta-s3-storage');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(5);
    expect([...new Set(targets)].filter((target) => !fs.existsSync(path.join(root, target)))).toEqual([]);
  });

  test('the packed package.json carries no scripts and no development fields', () => {
    for (const field of ['scripts', 'devDependencies', 'overrides', 'allowScripts'])
      expect(consumer.manifest).not.toHaveProperty(field);
    expect(consumer.manifest.bin).toEqual({ 'okta-s3-storage': 'dist/cli/okta-s3-storage.js' });
  });

  test("the tarball has no dependencies of its own, only peers: the verifier's AWS SDK is bundled", () => {
    expect(consumer.manifest.dependencies).toBeUndefined();
    expect(Object.keys(consumer.manifest.peerDependencies ?? {}).sort()).toEqual([
      'aws-cdk-lib',
      'cdk-nag',
      'constructs',
    ]);
    const bundle = fs.readFileSync(
      path.join(consumer.dir, 'node_modules', 'okta-s3-storage', 'dist', 'cli', 'okta-s3-storage.js'),
      'utf8',
    );
    // `[require("…")]` inside the SDK's error text about its optional CRT signer is not a call.
    const required = [...bundle.matchAll(/(?<![[\w.])require\("([^"]+)"\)/g)].map((m) => m[1]);
    const builtin = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect(required.length).toBeGreaterThan(0);
    expect([...new Set(required.filter((m) => !builtin.has(m)))]).toEqual([]);
  });

  test('npx okta-s3-storage verify --help works from the installed tarball', () => {
    const r = npx(consumer.dir, ['okta-s3-storage', 'verify', '--help']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Usage: okta-s3-storage verify [options]');
    expect(r.status).toBe(0);
  });

  test('the installed verifier runs its bundled SDK: no credentials is one line and exit 1', () => {
    const outputs = path.join(ROOT, 'test', 'scripts', 'fixtures', 'outputs.json');
    const empty = path.join(consumer.dir, 'empty');
    fs.writeFileSync(empty, '');
    const env = Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => k.startsWith('AWS_'))
        .map((k) => [k, undefined]),
    );
    const r = installedBin(consumer.dir, ['verify', '--outputs', outputs, '--stack', 'OktaS3Storage-prod'], {
      ...env,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
    });
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^okta-s3-storage verify: no AWS credentials found/),
    ]);
    expect(r.status).toBe(1);
  });

  test('carries a prebuilt bundle for each function a store deploys: presign, quarantine, offboarding', () => {
    const lambdaDir = path.join(consumer.dir, 'node_modules', 'okta-s3-storage', 'dist', 'lambda');
    for (const [bundle, handlers] of [
      ['presign-bundle', ['handler']],
      ['quarantine-bundle', ['handler']],
      ['offboarding-bundle', ['hook', 'mover', 'reconciler']],
    ] as const) {
      const code = fs.readFileSync(path.join(lambdaDir, bundle, 'index.js'), 'utf8');
      // esbuild's CommonJS output names each export in its export map: `name: () => name`.
      for (const name of handlers) expect(code).toMatch(new RegExp(`\\b${name}:\\s*\\(\\)\\s*=>`));
    }
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

/** What no AWS credentials looks like: no AWS_* variables, empty files, no instance metadata. */
function noCredentials(dir: string): Record<string, string | undefined> {
  const empty = path.join(dir, 'empty');
  fs.writeFileSync(empty, '');
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('AWS_'))
      .map((k) => [k, undefined]),
  );
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
  };
}

describe('the README example, installed: its outputs feed verify and client-config', () => {
  let app: string;
  let outputsFile: string;
  let outputs: Record<string, string>;
  beforeAll(() => {
    const synthesized = compileAndSynth(consumer.dir, readmeExample(), 'TeamFiles', 'readme');
    app = synthesized.dir;
    // What `cdk deploy --outputs-file outputs.json` would write: each output with its intrinsics
    // resolved to the physical ids CloudFormation gives such resources.
    outputs = resolveTemplate(synthesized.template, {
      account: '111122223333',
      region: 'eu-west-1',
      stackName: 'TeamFiles',
    }).outputs as Record<string, string>;
    outputsFile = path.join(app, 'outputs.json');
    fs.writeFileSync(outputsFile, JSON.stringify({ TeamFiles: outputs }, null, 2));
  }, 240_000);

  test('addOutputs() gives the team stack every output the commands need, as plain values', () => {
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining([...REQUIRED_OUTPUTS]));
    expect(outputs).toMatchObject({
      Region: 'eu-west-1',
      OktaIssuer: 'https://acme.okta.com/oauth2/default',
      OidcProviderArn: 'arn:aws:iam::111122223333:oidc-provider/acme.okta.com/oauth2/default',
      CallbackUrls: 'https://files.acme.com/callback',
    });
    expect(outputs.ApiUrl).toMatch(/^https:\/\/\w+\.execute-api\.eu-west-1\.amazonaws\.com\/\w+\/$/);
    expect(outputs.BucketEncryption).toMatch(/^arn:aws:kms:eu-west-1:111122223333:key\//);
  });

  test('verify reads them through the installed bin: --print-policy needs no credentials', () => {
    const r = installedBin(app, ['verify', '--outputs', outputsFile, '--print-policy']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const policy = JSON.stringify(JSON.parse(r.stdout));
    expect(policy).toContain(`arn:aws:s3:::${outputs.BucketName}`);
    expect(policy).toContain(outputs.IdentityPoolId);
  });

  test('verify reads them, then stops at the credentials: one line, exit 1', () => {
    const r = installedBin(app, ['verify', '--outputs', outputsFile], noCredentials(app));
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^okta-s3-storage verify: no AWS credentials found/),
    ]);
    expect(r.status).toBe(1);
  });

  test('client-config writes both files from them through the installed bin', () => {
    const out = path.join(app, 'public');
    const r = installedBin(app, ['client-config', '--outputs', outputsFile, '--out-dir', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const client = JSON.parse(fs.readFileSync(path.join(out, 'okta-s3-client.json'), 'utf8'));
    expect(client).toMatchObject({
      region: 'eu-west-1',
      bucket: outputs.BucketName,
      identityPool: { id: outputs.IdentityPoolId, loginsKey: 'acme.okta.com/oauth2/default' },
      presignApi: { url: outputs.ApiUrl, userPool: { redirectSignIn: ['https://files.acme.com/callback'] } },
    });
    const amplify = JSON.parse(fs.readFileSync(path.join(out, 'amplify_outputs.json'), 'utf8'));
    expect(amplify.auth.oauth.domain).toBe('acme-files.auth.eu-west-1.amazoncognito.com');
  });

  test('the bin lists its commands (`help`: npx takes a bare --help for itself), exit 0', () => {
    const r = npx(app, ['okta-s3-storage', 'help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verify .*\n\s+client-config /);
  });

  test('without the cdk-nag peer, synth fails with one line naming it, not a resolution trace', () => {
    const hide = path.join(app, 'hide-cdk-nag.js');
    fs.writeFileSync(
      hide,
      `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'cdk-nag' || request.startsWith('cdk-nag/'))
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
`,
    );
    const r = spawnSync(process.execPath, ['-r', hide, 'app.js'], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, CDK_OUTDIR: path.join(app, 'cdk.out.nonag') },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      'Error: okta-s3-storage needs its peer dependency cdk-nag (^2.38.2), which is not installed: npm install cdk-nag',
    );
    expect(r.stderr).not.toContain('Cannot find module');
  });
});

/**
 * The ends of the supported range, installed by npm itself with --strict-peer-deps (a peer conflict
 * is then an error, not a warning: https://docs.npmjs.com/cli/v11/using-npm/config#strict-peer-deps).
 * The lowest end is every peer's floor as the package declares it; the highest is what this
 * repository builds and tests with. --prefer-offline keeps a warm npm cache from going online.
 */
describe.each(['lowest', 'highest'])(
  'installed with --strict-peer-deps on the %s supported aws-cdk-lib',
  (end) => {
    let dir: string;
    let versions: Record<string, string>;
    let template: { Resources: Record<string, any> };
    beforeAll(() => {
      const peers = consumer.manifest.peerDependencies ?? {};
      const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).devDependencies;
      versions = Object.fromEntries(
        Object.entries(peers).map(([name, range]) => [
          name,
          end === 'lowest' ? range.replace(/^\^/, '') : ours[name],
        ]),
      );
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `okta-s3-peers-${end}-`));
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'team-app', private: true }));
      const modules = peerInstall(consumer.tarball, versions);
      fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
      template = keptBeside(modules, () => compileAndSynth(dir).template);
    }, 240_000);

    test('installs the versions asked for, with no peer conflict', () => {
      for (const [name, version] of Object.entries(versions)) {
        const installed = JSON.parse(
          fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8'),
        );
        expect(`${name}@${installed.version}`).toBe(`${name}@${version}`);
      }
      expect(versions['aws-cdk-lib']).toBe(end === 'lowest' ? '2.224.0' : '2.276.0');
    });

    test('synthesizes the team app with the prebuilt presign Lambda on Node 24', () => {
      const functions = Object.values(template.Resources).filter(
        (r: any) => r.Type === 'AWS::Lambda::Function',
      );
      expect(functions.map((f: any) => f.Properties.Runtime)).toEqual(['nodejs24.x']);
      expect(Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::KMS::Key')).toHaveLength(
        1,
      );
    });
  },
);
