import { CheckResult } from './check';
import { PROBE_NOTE } from './probes/objects';

export interface Report {
  readonly stack: string;
  readonly region: string;
  readonly results: readonly CheckResult[];
  readonly passed: boolean;
  readonly notes: readonly string[];
}

export function report(stack: string, region: string, results: readonly CheckResult[]): Report {
  const probed = results.some((r) => r.check.startsWith('probe.') && r.status !== 'SKIP');
  return {
    stack,
    region,
    results,
    passed: !results.some((r) => r.status === 'FAIL'),
    notes: probed ? [PROBE_NOTE] : [],
  };
}

/** One row per check, findings indented under their row, and a summary line. */
export function renderTable(r: Report): string {
  const headers = ['check', 'expected', 'found', 'result'];
  const rows = r.results.map((c) => [c.check, c.expected, c.found, c.status]);
  const cap = [34, 48, 60, 6];
  const cell = (s: string, i: number) => (s.length > cap[i] ? `${s.slice(0, cap[i] - 1)}…` : s);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => cell(row[i], i).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => cell(c, i).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [
    `okta-s3-storage verify: ${r.stack} (${r.region})`,
    '',
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
  ];
  r.results.forEach((c, i) => {
    out.push(line(rows[i]));
    if (c.status !== 'PASS' && c.finding) out.push(`    ${c.status === 'FAIL' ? '✗' : '–'} ${c.finding}`);
    if (c.status === 'FAIL' && (c.expected.length > cap[1] || c.found.length > cap[2]))
      out.push(`      expected: ${c.expected}`, `      found:    ${c.found}`);
  });
  const count = (s: CheckResult['status']) => r.results.filter((c) => c.status === s).length;
  out.push(
    ...r.notes.map((note) => `\n${note}`),
    '',
    `${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped: ${r.passed ? 'PASS' : 'FAIL'}`,
  );
  return out.join('\n');
}

export const renderJson = (r: Report): string => JSON.stringify(r, null, 2);
