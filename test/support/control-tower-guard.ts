import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type { IPolicyValidationContextBeta1 } from 'aws-cdk-lib';

/** The Control Tower proactive-control rules bundled with @cdklabs/cdk-validator-cfnguard. */
export const CONTROL_TOWER_RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

/** One failed check: which control, on which resource, in which named template. */
export interface GuardFinding {
  /** The control id, e.g. `CT.S3.PR.9`. */
  readonly control: string;
  /** The rule's name in the rule file, e.g. `s3_bucket_object_lock_enabled_check`. */
  readonly ruleName: string;
  /** The resource's logical id; `(template)` when cfn-guard names none. */
  readonly resource: string;
  /** The name the caller gave the template, e.g. `example prod`. */
  readonly template: string;
}

/** A reviewed finding: the control, the resources (by logical id) and the templates it covers. */
export interface GuardAcknowledgement {
  readonly control: string;
  readonly resource: RegExp;
  /** Template names it covers; every one must still raise it. @default every template */
  readonly templates?: readonly string[];
  readonly reason: string;
}

/** Every `.guard` file under a directory. */
function ruleFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? ruleFiles(path.join(dir, e.name))
        : e.name.endsWith('.guard')
          ? [path.join(dir, e.name)]
          : [],
    );
}

/**
 * The rule files that can say anything about these templates: those naming a resource type the
 * templates have (or naming none). A rule filters resources by type, so one whose types are all
 * absent can only skip; leaving it out keeps the run short without changing any result.
 */
export function applicableRuleFiles(templates: readonly object[], dir = CONTROL_TOWER_RULES): string[] {
  const types = new Set(
    templates.flatMap((t) =>
      Object.values((t as { Resources?: Record<string, { Type: string }> }).Resources ?? {}).map(
        (r) => r.Type,
      ),
    ),
  );
  return ruleFiles(dir).filter((file) => {
    const named = fs.readFileSync(file, 'utf8').match(/AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g) ?? [];
    return named.length === 0 || named.some((type) => types.has(type));
  });
}

/** Runs cfn-guard once over every named template and returns each failed check. */
export function runControlTowerGuard(templates: Readonly<Record<string, object>>): {
  findings: GuardFinding[];
  ruleFileCount: number;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-'));
  try {
    const byPath = new Map<string, string>();
    for (const [name, template] of Object.entries(templates)) {
      const file = path.join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
      fs.writeFileSync(file, JSON.stringify(template));
      byPath.set(file, name);
    }
    const rules = applicableRuleFiles(Object.values(templates));
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: false, rules }).validate({
      templatePaths: [...byPath.keys()],
    } as IPolicyValidationContextBeta1);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map((r) => ({
        control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(v.description ?? '')?.[1] ?? v.ruleName,
        ruleName: v.ruleName,
        resource: r.resourceLogicalId || '(template)',
        template: byPath.get(r.templatePath) ?? r.templatePath,
      })),
    );
    return { findings: dedupe(findings), ruleFileCount: rules.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function dedupe(findings: GuardFinding[]): GuardFinding[] {
  const seen = new Map(findings.map((f) => [JSON.stringify(f), f]));
  return [...seen.values()];
}

const covers = (ack: GuardAcknowledgement, f: GuardFinding) =>
  ack.control === f.control &&
  ack.resource.test(f.resource) &&
  (ack.templates ?? [f.template]).includes(f.template);

/** Findings no acknowledgement covers. */
export function unacknowledged(findings: readonly GuardFinding[], ledger: readonly GuardAcknowledgement[]) {
  return findings.filter((f) => !ledger.some((ack) => covers(ack, f)));
}

/**
 * Acknowledgements that no longer match a finding in some template they name (or, naming none,
 * in any template): `control resource @ template` for each.
 */
export function staleAcknowledgements(
  findings: readonly GuardFinding[],
  ledger: readonly GuardAcknowledgement[],
  templateNames: readonly string[],
): string[] {
  return ledger.flatMap((ack) =>
    (ack.templates ?? templateNames)
      .filter((template) => !findings.some((f) => f.template === template && covers(ack, f)))
      .map((template) => `${ack.control} ${ack.resource} @ ${template}`),
  );
}
