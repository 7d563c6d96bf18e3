import * as fs from 'fs';
import * as path from 'path';
import {
  CfnLintAcknowledgement,
  CfnLintFinding,
  judge,
  parseCfnLintOutput,
  passes,
  staleAcknowledgements,
  summaryLine,
} from '../../scripts/cfn-lint-findings';
import { CFN_LINT_LEDGER } from '../../scripts/cfn-lint-ledger';

/**
 * The cfn-lint rule pack's judgement, on the output cfn-lint 1.51 gave for the example
 * configuration's templates (fixtures/cfn-lint-output.json, `--format json`). cfn-lint itself runs
 * in CI (`npm run lint:cfn` in .ci/run); nothing here needs it installed.
 */
const ROOT = path.join(__dirname, '..', '..');
const OUTPUT = fs.readFileSync(path.join(__dirname, 'fixtures', 'cfn-lint-output.json'), 'utf8');
const TEMPLATES = ['OktaS3Storage-dev', 'OktaS3Storage-prod'];
const today = () => parseCfnLintOutput(OUTPUT);

const verdictOf = (
  findings: CfnLintFinding[],
  ledger: readonly CfnLintAcknowledgement[] = CFN_LINT_LEDGER,
) => {
  const verdicts = judge(findings, ledger, TEMPLATES);
  const stale = staleAcknowledgements(findings, ledger, TEMPLATES);
  return { verdicts, stale, passed: passes(verdicts, stale), summary: verdicts.map(summaryLine) };
};

/** The DependsOn the user pool's client had on its provider until the Ref alone ordered them. */
const clientDependsOn: CfnLintFinding = {
  rule: 'W3005',
  level: 'Warning',
  path: 'Resources/UserPoolWebClientF2B68C7E/DependsOn/0',
  message:
    "'UserPoolOktaA2655D8C' dependency already enforced by a 'Ref' at 'Resources/UserPoolWebClientF2B68C7E/Properties/SupportedIdentityProviders/0'",
  template: 'OktaS3Storage-dev',
};

describe('cfn-lint findings against the ledger', () => {
  test('reads rule, level, path and template from each match of the JSON output', () => {
    expect(today().map(({ message: _, ...rest }) => rest)).toEqual([
      ...TEMPLATES.map((template) => ({
        rule: 'W3005',
        level: 'Warning',
        path: 'Resources/PresignApiHandler065CE4EF/DependsOn/1',
        template,
      })),
      ...TEMPLATES.map((template) => ({
        rule: 'W8003',
        level: 'Warning',
        path: 'Rules/NoPlaceholders/Assertions/0/Assert',
        template,
      })),
    ]);
  });

  test("today's output passes: 0 errors, every warning acknowledged, no acknowledgement stale", () => {
    const { passed, stale, summary } = verdictOf(today());
    expect(summary).toEqual([
      'OktaS3Storage-dev: 0 errors, 2 warnings acknowledged, 0 unacknowledged',
      'OktaS3Storage-prod: 0 errors, 2 warnings acknowledged, 0 unacknowledged',
    ]);
    expect(stale).toEqual([]);
    expect(passed).toBe(true);
  });

  test('an unacknowledged warning fails', () => {
    const { passed, verdicts, summary } = verdictOf([...today(), clientDependsOn]);
    expect(verdicts[0].unacknowledged).toEqual([clientDependsOn]);
    expect(summary[0]).toBe('OktaS3Storage-dev: 0 errors, 2 warnings acknowledged, 1 unacknowledged');
    expect(passed).toBe(false);
  });

  test('a warning the ledger names by rule and path, but about another dependency, is not acknowledged', () => {
    const other = {
      ...today()[0],
      message:
        "'DataBucketE3889A50' dependency already enforced by a 'Ref' at 'Resources/PresignApiHandler065CE4EF/Properties/Environment'",
    };
    expect(verdictOf([...today(), other]).verdicts[0].unacknowledged).toEqual([other]);
  });

  test("with webClient.enabled, the BucketDeployment function's redundant DependsOn on its role is acknowledged", () => {
    // What cfn-lint 1.51 reports on a template hosting the web client.
    const deploymentDependsOn: CfnLintFinding = {
      rule: 'W3005',
      level: 'Warning',
      path: 'Resources/CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C81C01536/DependsOn/0',
      message:
        "'CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756CServiceRole89A01265' dependency already enforced by a 'GetAtt' at 'Resources/CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C81C01536/Properties/Role'",
      template: 'OktaS3Storage-dev',
    };
    const { passed, verdicts } = verdictOf([...today(), deploymentDependsOn]);
    expect(verdicts[0].acknowledged).toContainEqual(deploymentDependsOn);
    expect(passed).toBe(true);
    // Another dependency of that function is not.
    const other = {
      ...deploymentDependsOn,
      message: deploymentDependsOn.message.replace('ServiceRole89A01265', 'Layer'),
    };
    expect(verdictOf([...today(), other]).verdicts[0].unacknowledged).toEqual([other]);
  });

  test('an error fails, even where a ledger entry names its rule and path', () => {
    const error: CfnLintFinding = {
      ...today()[0],
      rule: 'E3002',
      level: 'Error',
      message: 'Additional properties are not allowed',
    };
    const lenient = [
      ...CFN_LINT_LEDGER,
      { rule: 'E3002', path: /.*/, reason: 'tries to acknowledge an error' },
    ];
    const { passed, verdicts } = verdictOf([...today(), error], lenient);
    expect(verdicts[0].errors).toEqual([error]);
    expect(summaryLine(verdicts[0])).toBe(
      'OktaS3Storage-dev: 1 error, 2 warnings acknowledged, 0 unacknowledged',
    );
    expect(passed).toBe(false);
  });

  test('an acknowledgement a template no longer raises is stale, and fails', () => {
    const { passed, stale } = verdictOf(today().filter((f) => f.template !== 'OktaS3Storage-prod'));
    expect(stale).toEqual(CFN_LINT_LEDGER.map((ack) => `${ack.rule} ${ack.path} @ OktaS3Storage-prod`));
    expect(passed).toBe(false);
  });

  test('an acknowledgement limited to some templates covers only those', () => {
    const prodOnly = CFN_LINT_LEDGER.map((ack) => ({ ...ack, templates: ['OktaS3Storage-prod'] }));
    const { verdicts, stale } = verdictOf(today(), prodOnly);
    expect(verdicts.map((v) => v.unacknowledged.length)).toEqual([2, 0]);
    expect(stale).toEqual([]);
  });

  test('output that is not JSON, or names a template nobody asked for, is refused', () => {
    expect(() => parseCfnLintOutput('Traceback (most recent call last):')).toThrow(
      /^cfn-lint printed no JSON/,
    );
    const stray = { ...today()[0], template: 'Elsewhere' };
    expect(() => judge([stray], CFN_LINT_LEDGER, TEMPLATES)).toThrow('unexpected file: Elsewhere');
  });
});

test('the ledger is pinned: each entry names its rule, where it applies, and why it is acceptable', () => {
  expect(CFN_LINT_LEDGER.map((ack) => `${ack.rule} ${ack.path} ${ack.message ?? ''}`)).toEqual([
    String.raw`W3005 /^Resources\/(PresignApiHandler|MalwareQuarantineHandler|Offboarding(?:Hook|Mover|Reconciler)|CustomCDKBucketDeployment[0-9A-F]{32})[0-9A-F]{8}\/DependsOn\/\d+$/ /^'(PresignApiHandlerRole|MalwareQuarantineRole|Offboarding(?:Hook|Mover|Reconciler)Role|CustomCDKBucketDeployment[0-9A-F]{32}ServiceRole)[0-9A-F]{8}' dependency already enforced by a 'GetAtt'/`,
    String.raw`W8003 /^Rules\/NoPlaceholders\/Assertions\/0\/Assert$/ /will always return False/`,
  ]);
  for (const ack of CFN_LINT_LEDGER) {
    expect(ack.rule).toMatch(/^[WI]\d{4}$/); // errors are never acknowledged
    expect(ack.reason).toMatch(new RegExp(`^${ack.rule} \\(.+\\): .{80,}`));
  }
});

test('CI lints the synthesized templates after synth, and npm test does not need cfn-lint', () => {
  const ci = fs.readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8').split('\n');
  expect(ci.indexOf('npm run lint:cfn')).toBeGreaterThan(ci.indexOf('npx cdk synth -q'));
  expect(ci.indexOf('npx cdk synth -q')).toBeGreaterThanOrEqual(0);
  expect(fs.readFileSync(path.join(ROOT, 'scripts', 'test.ts'), 'utf8')).not.toMatch(/cfn-lint|lint:cfn/);
});
