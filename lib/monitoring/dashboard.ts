import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  CREDENTIALS_CACHE_HITS,
  HANDLER_FAULTS,
  PRESIGN_LATENCY,
  REFUSED_IDENTITIES,
  REQUESTS,
  S3_FAULTS,
  STS_CALLS,
  STS_FAULTS,
} from './log-metrics';

/** An `AWS/ApiGateway` metric of the watched stage. */
export type ApiMetric = (metricName: string, statistic: string, period: Duration) => cloudwatch.Metric;

export interface DashboardSources {
  readonly handler: lambda.IFunction;
  readonly api: ApiMetric;
  readonly logMetrics: Readonly<Record<string, cloudwatch.Metric>>;
  readonly namespace: string;
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);

/** One page for the on-call engineer: traffic by route and status, latency, STS and cache, errors, alarms. */
export function buildDashboard(
  scope: Construct,
  id: string,
  sources: DashboardSources,
): cloudwatch.Dashboard {
  const { handler, api, logMetrics } = sources;
  const sum = (metricName: string, label: string) =>
    logMetrics[metricName].with({ statistic: 'Sum', period: PERIOD, label });
  const dims = Object.keys(REQUESTS.dimensions ?? {}).join(',');
  const dashboard = new cloudwatch.Dashboard(scope, id, { defaultInterval: Duration.hours(3) });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Requests by route and status',
      width: 12,
      left: [
        new cloudwatch.MathExpression({
          expression: `SEARCH('{${sources.namespace},${dims}} MetricName="${REQUESTS.metricName}"', 'Sum', 300)`,
          label: '',
          period: PERIOD,
        }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Presign latency (ms)',
      width: 12,
      left: [
        logMetrics[PRESIGN_LATENCY.metricName].with({
          statistic: 'p50',
          period: PERIOD,
          label: 'handler p50',
        }),
        logMetrics[PRESIGN_LATENCY.metricName].with({
          statistic: 'p99',
          period: PERIOD,
          label: 'handler p99',
        }),
        api('Latency', 'p99', PERIOD).with({ label: 'API p99' }),
        handler.metricDuration({ statistic: 'p99', period: PERIOD, label: 'Lambda duration p99' }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'STS calls and credentials cache hits',
      width: 12,
      left: [
        sum(STS_CALLS.metricName, 'AssumeRole calls'),
        sum(CREDENTIALS_CACHE_HITS.metricName, 'cache hits'),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Errors and refusals',
      width: 12,
      left: [
        api('5XXError', 'Sum', PERIOD).with({ label: 'API 5xx' }),
        api('4XXError', 'Sum', PERIOD).with({ label: 'API 4xx' }),
        handler.metricErrors({ statistic: 'Sum', period: PERIOD, label: 'Lambda errors' }),
        handler.metricThrottles({ statistic: 'Sum', period: PERIOD, label: 'Lambda throttles' }),
        sum(STS_FAULTS.metricName, 'STS faults'),
        sum(S3_FAULTS.metricName, 'S3 faults'),
        sum(HANDLER_FAULTS.metricName, 'handler faults'),
        sum(REFUSED_IDENTITIES.metricName, '401/403'),
      ],
    }),
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: [...sources.alarms] }),
  );
  return dashboard;
}
