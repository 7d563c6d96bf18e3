import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { NagSuppressions } from '../peer';
import { Construct } from 'constructs';
import { ApiMetric, buildDashboard } from '../monitoring/dashboard';
import { LOG_METRICS, LogMetric, REFUSED_IDENTITIES, S3_FAULTS, STS_FAULTS } from '../monitoring/log-metrics';
import { durationThresholdMillis, resolveThresholds } from '../monitoring/thresholds';
import {
  DYNAMODB_FAULTS,
  REFUSED_VISITS,
  SHARING_LOG_METRICS,
  SHARING_THRESHOLDS,
  THROTTLED_VISITS,
} from '../monitoring/sharing-metrics';

/** When each alarm fires. Every field has a default that suits a small organisation's store. */
export interface MonitoringThresholds {
  /**
   * Failed invocations (uncaught errors, timeouts, crashes) in 5 minutes. The handler answers
   * every request itself, so any Lambda error is a defect or a timeout.
   * @default 1
   */
  readonly handlerErrors?: number;
  /**
   * Throttled invocations in 5 minutes: the account or function ran out of concurrency.
   * @default 1
   */
  readonly handlerThrottles?: number;
  /**
   * p99 duration, as a percentage of the function's timeout, over 5 minutes.
   * @default 80
   */
  readonly durationPercentOfTimeout?: number;
  /**
   * Share of API requests answered 5xx, in percent, over 5 minutes.
   * @default 5
   */
  readonly server5xxRatePercent?: number;
  /**
   * p99 API latency in milliseconds, three 5-minute periods in a row.
   * @default 3000
   */
  readonly latencyP99Millis?: number;
  /**
   * Failed calls to STS (and, separately, to S3) in 5 minutes, whatever the answer to the client.
   * @default 5
   */
  readonly dependencyFaults?: number;
  /**
   * 401 and 403 answers in one minute: a burst is what an attack on the presign route looks like.
   * @default 30
   */
  readonly refusedPerMinute?: number;
}

/** How the store is watched: thresholds, where alarms go, the dashboard. */
export interface StorageMonitoringOptions {
  /**
   * When each alarm fires.
   * @default see MonitoringThresholds
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Where alarms and recoveries are sent.
   * @default a new topic, subscribed by `alarmEmails`
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail addresses subscribed to the created topic (each must confirm). Ignored with `alarmTopic`.
   * @default none
   */
  readonly alarmEmails?: string[];
  /**
   * CloudWatch namespace of the metrics derived from logs.
   * @default `OktaS3Storage/<stack name>`
   */
  readonly metricNamespace?: string;
  /**
   * Create a CloudWatch dashboard.
   * @default true
   */
  readonly dashboard?: boolean;
}

/** What `StorageMonitoring` watches: the presign API's function, stage and logs. */
export interface StorageMonitoringProps extends StorageMonitoringOptions {
  /** The presign function. */
  readonly handler: lambda.IFunction;
  /** The function's timeout, which the duration alarm compares against. */
  readonly handlerTimeout: Duration;
  /** The function's log group: its JSON lines feed the dependency-fault and cache metrics. */
  readonly handlerLogGroup: logs.ILogGroup;
  /** The presign API's stage: `AWS/ApiGateway` metrics are published per API name and stage. */
  readonly stage: apigw.IStage;
  /** The stage's JSON access log group: it feeds the per-route request counts and refusals. */
  readonly accessLogGroup: logs.ILogGroup;
  /**
   * The sharing table, when the presign API shares links: adds alarms on its throttles and
   * errors, on refused and throttled visits, and on DynamoDB faults.
   * @default - no sharing alarms
   */
  readonly sharingTable?: dynamodb.ITable;
}

/**
 * Alarms and a dashboard for the presign route: the Lambda's errors, throttles and duration; the
 * API's 5xx rate and p99 latency; faults per dependency and bursts of refused identities from the
 * logs. Alarms go to one SNS topic, yours or a created one.
 */
export class StorageMonitoring extends Construct {
  /** The topic every alarm and recovery is sent to. */
  public readonly alarmTopic: sns.ITopic;
  /** Every alarm, in the order of the runbook in docs/OPERATE.md. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The dashboard, unless `dashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** The metric of each log metric filter, by metric name. */
  public readonly logMetrics: Readonly<Record<string, cloudwatch.Metric>>;

  constructor(scope: Construct, id: string, props: StorageMonitoringProps) {
    super(scope, id);
    // Typed as the prop, so the compiler checks that the defaults cover every key of the interface.
    const thresholds: Required<MonitoringThresholds> = resolveThresholds(props.thresholds);
    const namespace = props.metricNamespace ?? `OktaS3Storage/${Stack.of(this).stackName}`;
    this.alarmTopic = props.alarmTopic ?? this.createTopic(props.alarmEmails ?? []);
    this.logMetrics = Object.fromEntries(
      [...LOG_METRICS, ...(props.sharingTable ? SHARING_LOG_METRICS : [])].map((m) => [
        m.metricName,
        this.logMetric(m, namespace, props),
      ]),
    );

    const fiveMinutes = Duration.minutes(5);
    const fn = props.handler;
    const api = apiMetrics(props.stage);
    this.alarm('HandlerErrors', {
      metric: fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: thresholds.handlerErrors,
      description: 'The presign function failed invocations (uncaught error, crash or timeout).',
    });
    this.alarm('HandlerThrottles', {
      metric: fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: thresholds.handlerThrottles,
      description: 'Lambda refused presign invocations for lack of concurrency.',
    });
    this.alarm('HandlerDurationNearTimeout', {
      metric: fn.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
      threshold: durationThresholdMillis(props.handlerTimeout, thresholds.durationPercentOfTimeout),
      description: `The presign function's p99 duration is above ${thresholds.durationPercentOfTimeout}% of its timeout.`,
    });
    this.alarm('Api5xxRate', {
      metric: api('5XXError', 'Average', fiveMinutes),
      threshold: thresholds.server5xxRatePercent / 100,
      description: `More than ${thresholds.server5xxRatePercent}% of presign API requests were answered 5xx.`,
    });
    this.alarm('ApiLatencyP99', {
      metric: api('Latency', 'p99', fiveMinutes),
      threshold: thresholds.latencyP99Millis,
      evaluationPeriods: 3,
      description: `The presign API's p99 latency stayed above ${thresholds.latencyP99Millis} ms for 15 minutes.`,
    });
    for (const [id, dependency, metric] of [
      ['StsFaults', 'STS', STS_FAULTS],
      ['S3Faults', 'S3', S3_FAULTS],
    ] as const) {
      this.alarm(id, {
        metric: this.logMetrics[metric.metricName].with({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: thresholds.dependencyFaults,
        description: `Presign requests failed on ${dependency} (throttled, unavailable, slow or refused).`,
      });
    }
    this.alarm('RefusedIdentitiesSpike', {
      metric: this.logMetrics[REFUSED_IDENTITIES.metricName].with({
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: thresholds.refusedPerMinute,
      description: 'A burst of 401/403 answers on the presign API: stolen, forged or replayed tokens.',
    });

    if (props.sharingTable) this.sharingAlarms(props.sharingTable);

    if (props.dashboard ?? true) {
      this.dashboard = buildDashboard(this, 'Dashboard', {
        handler: fn,
        api,
        logMetrics: this.logMetrics,
        namespace,
        alarms: this.alarms,
      });
    }
  }

  /** Share links and file requests: the table's throttles and errors, refused and throttled visits. */
  private sharingAlarms(table: dynamodb.ITable) {
    const fiveMinutes = Duration.minutes(5);
    const operations = [
      dynamodb.Operation.GET_ITEM,
      dynamodb.Operation.PUT_ITEM,
      dynamodb.Operation.UPDATE_ITEM,
      dynamodb.Operation.QUERY,
    ];
    this.alarm('SharingTableThrottles', {
      metric: table.metricThrottledRequestsForOperations({ operations, period: fiveMinutes }),
      threshold: SHARING_THRESHOLDS.tableErrors,
      description: 'DynamoDB throttled requests to the sharing table (share links and file requests).',
    });
    this.alarm('SharingTableSystemErrors', {
      metric: table.metricSystemErrorsForOperations({ operations, period: fiveMinutes }),
      threshold: SHARING_THRESHOLDS.tableErrors,
      description: 'DynamoDB answered the sharing table’s requests with internal server errors.',
    });
    this.alarm('DynamoDbFaults', {
      metric: this.logMetrics[DYNAMODB_FAULTS.metricName].with({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: SHARING_THRESHOLDS.dynamoDbFaults,
      description:
        'Presign requests failed on DynamoDB (the sharing table): throttled, unavailable, slow or refused.',
    });
    this.alarm('SharingRefusedVisitsSpike', {
      metric: this.logMetrics[REFUSED_VISITS.metricName].with({
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: SHARING_THRESHOLDS.refusedVisitsPerMinute,
      description:
        'A burst of refused share-link or file-request visits: tokens being guessed, or dead links replayed.',
    });
    this.alarm('SharingThrottledVisits', {
      metric: this.logMetrics[THROTTLED_VISITS.metricName].with({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: SHARING_THRESHOLDS.throttledVisits,
      description:
        'API Gateway throttled share-link or file-request visits (429): the per-method limit is reached.',
    });
  }

  private alarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
    },
  ) {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      alarmDescription: options.description,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is no failure: metrics from logs and Lambda publish nothing when idle.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new actions.SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }

  private logMetric(spec: LogMetric, namespace: string, props: StorageMonitoringProps): cloudwatch.Metric {
    const filter = new logs.MetricFilter(this, `${spec.metricName}Filter`, {
      logGroup: spec.source === 'handler' ? props.handlerLogGroup : props.accessLogGroup,
      filterPattern: logs.FilterPattern.literal(spec.filterPattern),
      metricNamespace: namespace,
      metricName: spec.metricName,
      metricValue: spec.metricValue,
      dimensions: spec.dimensions ? { ...spec.dimensions } : undefined,
      unit: spec.unit === 'Milliseconds' ? cloudwatch.Unit.MILLISECONDS : cloudwatch.Unit.COUNT,
    });
    return filter.metric();
  }

  /**
   * A topic only CloudWatch alarms of this account publish to, over TLS. It is not KMS-encrypted:
   * CloudWatch can publish to an encrypted topic only with a customer managed key whose policy
   * lets cloudwatch.amazonaws.com use it, and alarm notifications carry no user data.
   */
  private createTopic(emails: readonly string[]): sns.ITopic {
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'okta-s3-storage alarms',
      enforceSSL: true,
    });
    for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    NagSuppressions.addResourceSuppressions(topic, [
      {
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and a customer managed key would need a key policy for CloudWatch; alarm notifications carry no user data.',
      },
    ]);
    return topic;
  }
}

/**
 * `AWS/ApiGateway` metrics of one REST API stage: published with the `ApiName` and `Stage`
 * dimensions (API Gateway developer guide, "Amazon API Gateway dimensions and metrics").
 */
function apiMetrics(stage: apigw.IStage): ApiMetric {
  return (metricName, statistic, period) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: stage.restApi.restApiName, Stage: stage.stageName },
      statistic,
      period,
    });
}
