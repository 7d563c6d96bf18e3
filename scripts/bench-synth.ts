/**
 * Bench sections about synthesis: whole-process `cdk synth` wall time, and figures of the
 * template it writes. Figures are printed, never asserted: targets belong to people, not tests.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeSynth(extraEnv: Record<string, string>): { seconds: number; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(CDK, ['synth', '-q', '--output', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', ...extraEnv },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stderr}`);
  return { seconds, outdir };
}

/** `cdk synth` on the example config, whole process, median of `runs`; beside it the same without CloudFormation validation. */
export function synthTimeSection(runs = 3): { rows: string[][]; outdir: string } {
  const full = Array.from({ length: runs }, () => timeSynth({}));
  const unvalidated = Array.from({ length: runs }, () => timeSynth({ CDK_VALIDATION: 'false' }));
  const fmt = (xs: number[]) =>
    `${median(xs).toFixed(2)} s (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)})`;
  return {
    rows: [
      ['cdk synth, whole process (median of ' + runs + ')', fmt(full.map((r) => r.seconds))],
      ['baseline: same without built-in CloudFormation validation', fmt(unvalidated.map((r) => r.seconds))],
    ],
    outdir: full[0].outdir,
  };
}

/** Resource count by type, Lambda functions and template size, from a synth output folder. */
export function templateFiguresSection(outdir: string): string[][] {
  const file = fs.readdirSync(outdir).find((f) => f.endsWith('.template.json'));
  if (!file) throw new Error(`no template in ${outdir}`);
  const raw = fs.readFileSync(path.join(outdir, file));
  const template = JSON.parse(raw.toString('utf8'));
  const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
  const byType = new Map<string, number>();
  for (const t of types) byType.set(t, (byType.get(t) ?? 0) + 1);
  const lambdas = types.filter((t) => t === 'AWS::Lambda::Function').length;
  const minified = Buffer.byteLength(JSON.stringify(template));
  return [
    ['template', file],
    [
      'template size (as written / minified JSON)',
      `${(raw.length / 1024).toFixed(1)} KiB / ${(minified / 1024).toFixed(1)} KiB (limit 1 MiB via S3)`,
    ],
    ['resources', String(types.length)],
    ['Lambda functions (only the presign function expected)', String(lambdas)],
    ['outputs', String(Object.keys(template.Outputs ?? {}).length)],
    ...[...byType.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([t, n]) => [`  ${t}`, String(n)]),
  ];
}
