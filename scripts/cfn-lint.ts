/**
 * `npm run lint:cfn [cdk.out]`: CloudFormation's own resource schemas, through cfn-lint, on the
 * template of every environment `npx cdk synth` builds from the configuration (the example's dev
 * and prod in CI). Fails on any error, any warning the ledger (scripts/cfn-lint-ledger.ts) does not
 * acknowledge, and any acknowledgement that no longer matches. cfn-lint is a Python tool, so it is
 * CI's step (.ci/run), not part of `npm test`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { contextThenEnvironment, loadConfig } from '../app/config/load';
import { ConfigValidationError } from '../app/config/validate';
import {
  describeFinding,
  judge,
  parseCfnLintOutput,
  passes,
  staleAcknowledgements,
  summaryLine,
} from './cfn-lint-findings';
import { CFN_LINT_LEDGER } from './cfn-lint-ledger';

const root = path.join(__dirname, '..');
const CFN_LINT = 'cfn-lint';

class Refusal extends Error {}

function main(): void {
  const outdir = process.argv[2] ?? path.join(root, 'cdk.out');
  if (spawnSync(CFN_LINT, ['--version'], { stdio: 'ignore' }).error) {
    throw new Refusal(
      'cfn-lint is not installed. Install it with `pip install cfn-lint` (Python 3.9+), then run `npm run lint:cfn` again.',
    );
  }
  const templates = expectedTemplates(outdir);
  // One process for every template: cfn-lint's start-up is most of its time.
  const r = spawnSync(
    CFN_LINT,
    ['--format', 'json', '--non-zero-exit-code', 'none', '-t', ...Object.values(templates)],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Refusal(`cfn-lint failed (exit ${r.status}):\n${r.stderr}`);
  const findings = parseCfnLintOutput(r.stdout);
  const names = Object.keys(templates);
  const verdicts = judge(findings, CFN_LINT_LEDGER, names);
  const stale = staleAcknowledgements(findings, CFN_LINT_LEDGER, names);
  for (const v of verdicts) process.stdout.write(`cfn-lint ${summaryLine(v)}\n`);
  for (const f of verdicts.flatMap((v) => [...v.errors, ...v.unacknowledged]))
    process.stderr.write(`${describeFinding(f)}\n`);
  for (const s of stale) process.stderr.write(`stale acknowledgement (no such finding any more): ${s}\n`);
  if (!passes(verdicts, stale)) process.exitCode = 1;
}

/** The template of every environment the configuration builds, by stack name; all must exist. */
function expectedTemplates(outdir: string): Record<string, string> {
  const { environments } = loadConfig(
    root,
    contextThenEnvironment(() => undefined, process.env),
  );
  const files = Object.fromEntries(
    environments.map((e) => [e.stackName, path.join(outdir, `${e.stackName}.template.json`)]),
  );
  const missing = Object.keys(files).filter((name) => !fs.existsSync(files[name]));
  if (missing.length > 0) {
    throw new Refusal(`no template for ${missing.join(', ')} in ${outdir}: run \`npx cdk synth -q\` first`);
  }
  return files;
}

try {
  main();
} catch (error) {
  // Our own refusals and a bad configuration are one line each, without a stack trace.
  if (!(error instanceof Refusal || error instanceof ConfigValidationError)) throw error;
  process.stderr.write(`lint:cfn: ${error.message}\n`);
  process.exitCode = 1;
}
