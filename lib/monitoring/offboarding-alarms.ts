import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * The offboarding functions log `{"outcome": "failed", ...}` for every fault they answer or retry
 * themselves (Lambda's JSON log format puts the object under `message`).
 */
export const OFFBOARDING_FAILED_PATTERN = '{ $.message.outcome = "failed" }';

export interface OffboardingAlarmSources {
  readonly deadLetterQueue: sqs.IQueue;
  readonly hookLogGroup: logs.ILogGroup;
  readonly moverLogGroup: logs.ILogGroup;
  readonly reconcilerLogGroup: logs.ILogGroup;
  readonly metricNamespace: string;
}

/**
 * One alarm per way an offboarding can fail, each at the first occurrence: a job in the
 * dead-letter queue (a move failed five times), a hook delivery that failed (or a hook crash), a
 * failed move attempt, a failed reconciliation. docs/OPERATE.md, "An offboarding that failed".
 */
export function offboardingAlarms(scope: Construct, sources: OffboardingAlarmSources): cloudwatch.Alarm[] {
  const period = Duration.minutes(5);
  // One metric per alarm (CloudWatch's model in emulator/model/cloudwatch-rules.ts has no metric
  // math): every handled failure is logged as `failed`; the hook answers 503 rather than throw, the
  // mover reports failed jobs to SQS rather than throw, and the reconciler logs before it throws.
  // A crash or timeout of the mover ends in the dead-letter queue after its retries.
  const failures = (id: string, logGroup: logs.ILogGroup) =>
    new logs.MetricFilter(scope, `${id}FailedFilter`, {
      logGroup,
      filterPattern: logs.FilterPattern.literal(OFFBOARDING_FAILED_PATTERN),
      metricNamespace: sources.metricNamespace,
      metricName: `Offboarding${id}Failures`,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    }).metric({ period, statistic: 'Sum' });
  const alarm = (id: string, metric: cloudwatch.IMetric, description: string) =>
    new cloudwatch.Alarm(scope, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${description} Runbook: docs/OPERATE.md, "An offboarding that failed".`,
    });
  return [
    alarm(
      'OffboardingDeadLetters',
      sources.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'An offboarding move failed every attempt and waits in the dead-letter queue; the person may still read their files.',
    ),
    alarm(
      'OffboardingHookErrors',
      failures('Hook', sources.hookLogGroup),
      'The Okta event hook could not read its secret or queue a delivery (it answered Okta 503).',
    ),
    alarm(
      'OffboardingMoverErrors',
      failures('Mover', sources.moverLogGroup),
      'A move of a person’s files failed (it is retried from the queue).',
    ),
    alarm(
      'OffboardingReconcilerErrors',
      failures('Reconciler', sources.reconcilerLogGroup),
      'Reading Okta’s System Log for missed offboarding events failed (token, network or Okta).',
    ),
  ];
}
