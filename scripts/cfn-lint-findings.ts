/**
 * cfn-lint's JSON output read into findings and judged against a ledger of acknowledged ones.
 * Pure: scripts/cfn-lint.ts runs cfn-lint, test/scripts/cfn-lint.test.ts feeds fixtures.
 */

/** One cfn-lint match, in the template named by its stack. */
export interface CfnLintFinding {
  /** The rule id, e.g. `W3005`. */
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  /** Where in the template, joined with `/`, e.g. `Resources/Handler/DependsOn/1`. */
  readonly path: string;
  readonly message: string;
  /** The template's name: its file name without `.template.json` (the stack name). */
  readonly template: string;
}

/** A reviewed warning: the rule, where it may occur, and why it is acceptable. Errors cannot be acknowledged. */
export interface CfnLintAcknowledgement {
  readonly rule: string;
  readonly path: RegExp;
  /** Narrows the acknowledgement to findings whose message matches. */
  readonly message?: RegExp;
  /** Template names it covers, for a warning only some environments raise. @default every template */
  readonly templates?: readonly string[];
  readonly reason: string;
}

/** The verdict on one template. */
export interface TemplateVerdict {
  readonly template: string;
  readonly errors: readonly CfnLintFinding[];
  readonly acknowledged: readonly CfnLintFinding[];
  readonly unacknowledged: readonly CfnLintFinding[];
}

export const templateName = (file: string) => file.replace(/^.*[\\/]/, '').replace(/\.template\.json$/, '');

/** Parses `cfn-lint --format json` output; throws, saying what it got, on anything else. */
export function parseCfnLintOutput(output: string): CfnLintFinding[] {
  let matches: unknown;
  try {
    matches = JSON.parse(output);
  } catch {
    throw new Error(`cfn-lint printed no JSON: ${JSON.stringify(output.slice(0, 200))}`);
  }
  if (!Array.isArray(matches)) throw new Error('cfn-lint JSON output is not a list of matches');
  return matches.map((m) => ({
    rule: m.Rule.Id,
    level: m.Level,
    path: (m.Location.Path ?? []).join('/'),
    message: m.Message,
    template: templateName(m.Filename),
  }));
}

const covers = (ack: CfnLintAcknowledgement, f: CfnLintFinding) =>
  ack.rule === f.rule &&
  ack.path.test(f.path) &&
  (ack.message?.test(f.message) ?? true) &&
  (ack.templates ?? [f.template]).includes(f.template);

/** Sorts each template's findings into errors, acknowledged and unacknowledged. */
export function judge(
  findings: readonly CfnLintFinding[],
  ledger: readonly CfnLintAcknowledgement[],
  templates: readonly string[],
): TemplateVerdict[] {
  // A finding no template claims would otherwise be dropped, and pass unseen.
  const strays = findings.filter((f) => !templates.includes(f.template));
  if (strays.length > 0) throw new Error(`cfn-lint reported an unexpected file: ${strays[0].template}`);
  return templates.map((template) => {
    const own = findings.filter((f) => f.template === template);
    const warnings = own.filter((f) => f.level !== 'Error');
    return {
      template,
      errors: own.filter((f) => f.level === 'Error'),
      acknowledged: warnings.filter((f) => ledger.some((ack) => covers(ack, f))),
      unacknowledged: warnings.filter((f) => !ledger.some((ack) => covers(ack, f))),
    };
  });
}

/** Acknowledgements that some template they cover no longer raises: `rule path @ template`. */
export function staleAcknowledgements(
  findings: readonly CfnLintFinding[],
  ledger: readonly CfnLintAcknowledgement[],
  templates: readonly string[],
): string[] {
  return ledger.flatMap((ack) =>
    (ack.templates ?? templates)
      .filter((template) => !findings.some((f) => f.template === template && covers(ack, f)))
      .map((template) => `${ack.rule} ${ack.path} @ ${template}`),
  );
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `OktaS3Storage-dev: 0 errors, 1 warning acknowledged, 0 unacknowledged`. */
export function summaryLine(v: TemplateVerdict): string {
  return `${v.template}: ${count(v.errors.length, 'error')}, ${count(v.acknowledged.length, 'warning')} acknowledged, ${v.unacknowledged.length} unacknowledged`;
}

/** Each failing finding on its own line, for the report after the summaries. */
export const describeFinding = (f: CfnLintFinding) =>
  `${f.template}: ${f.level} ${f.rule} at ${f.path}: ${f.message}`;

/** True when no template has an error or an unacknowledged warning and no acknowledgement is stale. */
export const passes = (verdicts: readonly TemplateVerdict[], stale: readonly string[]) =>
  stale.length === 0 && verdicts.every((v) => v.errors.length === 0 && v.unacknowledged.length === 0);
