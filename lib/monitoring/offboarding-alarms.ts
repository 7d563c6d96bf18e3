import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
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
  readonly hook: lambda.IFunction;
  readonly hookLogGroup: logs.ILogGroup;
  readonly mover: lambda.IFunction;
  readonly moverLogGroup: logs.ILogGroup;
  readonly reconciler: lambda.IFunction;
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
  const failures = (id: string, logGroup: logs.ILogGroup, fn: lambda.IFunction) => {
    const filter = new logs.MetricFilter(scope, `${id}FailedFilter`, {
      logGroup,
      filterPattern: logs.FilterPattern.literal(OFFBOARDING_FAILED_PATTERN),
      metricNamespace: sources.metricNamespace,
      metricName: `Offboarding${id}Failures`,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    });
    return new cloudwatch.MathExpression({
      expression: 'FILL(logged, 0) + FILL(errors, 0)',
      usingMetrics: {
        logged: filter.metric({ period, statistic: 'Sum' }),
        errors: fn.metricErrors({ period, statistic: 'Sum' }),
      },
      period,
    });
  };
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
      failures('Hook', sources.hookLogGroup, sources.hook),
      'The Okta event hook failed to queue a delivery (503 to Okta) or crashed.',
    ),
    alarm(
      'OffboardingMoverErrors',
      failures('Mover', sources.moverLogGroup, sources.mover),
      'A move of a person’s files failed (it is retried from the queue).',
    ),
    alarm(
      'OffboardingReconcilerErrors',
      failures('Reconciler', sources.reconcilerLogGroup, sources.reconciler),
      'Reading Okta’s System Log for missed offboarding events failed (token, network or Okta).',
    ),
  ];
}
