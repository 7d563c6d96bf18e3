import type { CfnLintAcknowledgement } from './cfn-lint-findings';

/**
 * Every acknowledged cfn-lint warning. A new warning, or an entry that no longer matches one, fails
 * `npm run lint:cfn` until it is reviewed here; test/scripts/cfn-lint.test.ts pins the list.
 * Rule descriptions: https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md
 */
export const CFN_LINT_LEDGER: readonly CfnLintAcknowledgement[] = [
  {
    rule: 'W3005',
    path: /^Resources\/(PresignApiHandler|MalwareQuarantineHandler|Offboarding(?:Hook|Mover|Reconciler)|CustomCDKBucketDeployment[0-9A-F]{32})[0-9A-F]{8}\/DependsOn\/\d+$/,
    message:
      /^'(PresignApiHandlerRole|MalwareQuarantineRole|Offboarding(?:Hook|Mover|Reconciler)Role|CustomCDKBucketDeployment[0-9A-F]{32}ServiceRole)[0-9A-F]{8}' dependency already enforced by a 'GetAtt'/,
    reason:
      "W3005 (redundant DependsOn): aws-cdk-lib's lambda.Function always makes the function depend on its execution role, which the GetAtt in its Role property already implies: the presign function's, the quarantine function's (malwareScanning 'guardduty'), the three offboarding functions' (offboarding), and with webClient.enabled that of CDK's BucketDeployment function. Harmless, since CloudFormation orders the two the same way without it, and written by CDK, not by this project.",
  },
  {
    rule: 'W8003',
    path: /^Rules\/NoPlaceholders\/Assertions\/0\/Assert$/,
    message: /will always return False/,
    reason:
      'W8003 (a condition that is always false): on purpose. The rule exists only while the configuration holds placeholder values, and its false assertion stops a deploy before any resource is created, naming each field (CloudFormation template Rules).',
  },
];
