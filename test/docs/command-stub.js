#!/usr/bin/env node
/* global process */
/**
 * Stands in for `aws`, `curl`, `jq`, `npm` and `npx` while the README's shell blocks run (see
 * readme-commands.test.ts). Every call is recorded as one JSON line in $README_CALLS. What needs no
 * AWS account runs for real: `npx okta-s3-storage verify --help` and `--print-policy` run the
 * verifier as bundled for the package ($README_CLI), and `npm run client-config` runs the script. `npm ci` is CI's first step,
 * `npm run package` and `npm install <tarball>` are what test/package/consumer.test.ts does, and
 * `npm run local` is what the local-web-client browser test starts (with the web client bundled by
 * the function `npm run build:web` writes to disk, examples/web/build.ts), so they are only recorded. `jq` understands only the filters
 * the README uses, so a new filter fails the test until it is taught here.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const [command, ...args] = process.argv.slice(2);
const repo = process.env.README_REPO;
fs.appendFileSync(process.env.README_CALLS, JSON.stringify({ command, args }) + '\n');

const run = (file, argv) => {
  const r = spawnSync(process.execPath, [...file, ...argv], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
};
const refuse = (why) => {
  process.stderr.write(`${command} stub: ${why}: ${args.join(' ')}\n`);
  process.exit(3);
};

switch (command) {
  case 'aws':
    // The teardown loop ends when a bucket has no versions left.
    if (args.includes('list-object-versions') && args.some((a) => a.startsWith('length('))) {
      process.stdout.write('0\n');
    } else if (args.includes('get-bucket-policy')) {
      process.stdout.write('{"Version":"2012-10-17","Statement":[]}\n');
    }
    break;
  case 'curl':
    break;
  case 'jq': {
    const at = (flag, name) => args.findIndex((a, i) => a === flag && args[i + 1] === name);
    if (args.length === 1 && args[0] === '.') {
      process.stdout.write(JSON.stringify(JSON.parse(fs.readFileSync(0, 'utf8')), null, 2) + '\n');
    } else if (
      args[0] === '-r' &&
      args.at(-2) === '.[$s][$k]' &&
      at('--arg', 's') >= 0 &&
      at('--arg', 'k') >= 0
    ) {
      const value = (name) => args[at('--arg', name) + 2];
      const document = JSON.parse(fs.readFileSync(args.at(-1), 'utf8'));
      const found = document[value('s')]?.[value('k')];
      process.stdout.write(`${found ?? 'null'}\n`);
    } else {
      refuse('a filter the README did not use before');
    }
    break;
  }
  case 'npx':
    if (args[0] === 'okta-s3-storage' && (args.includes('--help') || args.includes('--print-policy'))) {
      run([process.env.README_CLI], args.slice(1));
    } else if (args[0] !== 'cdk' && args[0] !== 'okta-s3-storage') {
      refuse('an npx command the README did not use before');
    }
    break;
  case 'npm':
    if (args[0] === 'run' && args[1] === 'client-config' && args[2] === '--') {
      run(
        ['-r', require.resolve('ts-node/register', { paths: [repo] })],
        [path.join(repo, 'cli', 'main.ts'), 'client-config', ...args.slice(3)],
      );
    } else if (!(
      args[0] === 'ci' ||
      // Installing the package into an app is what test/package/consumer.test.ts does.
      (args[0] === 'install' && args[1] === './okta-s3-storage-0.1.0.tgz') ||
      (args[0] === 'run' && ['verify', 'local', 'package', 'build:web'].includes(args[1]))
    )) {
      refuse('an npm command the README did not use before');
    }
    break;
  default:
    refuse('no stub for this command');
}
