/**
 * CloudWatch, read from a synthesized (resolved) template: does each alarm watch a metric that AWS
 * (or a metric filter of this stack) actually publishes for the resource it is meant to watch, and
 * what a metric filter's pattern matches in a log line.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { asList, FoundResource, resourcesOfType } from './template-query';

type Dimensions = Readonly<Record<string, string>>;

/** What an alarm watches, resolved. */
export interface WatchedMetric {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Dimensions;
}

/**
 * Metrics Lambda publishes per function, with the one dimension `FunctionName` (Lambda developer
 * guide, "Types of metrics for Lambda functions",
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html: invocation metrics
 * Invocations, Errors, Throttles…; performance metric Duration; the FunctionName dimension).
 */
const LAMBDA_FUNCTION_METRICS = new Set([
  'Invocations',
  'Errors',
  'Throttles',
  'Duration',
  'ConcurrentExecutions',
]);

/**
 * Metrics API Gateway publishes for a REST API (API Gateway developer guide, "Amazon API Gateway
 * dimensions and metrics",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html:
 * 4XXError, 5XXError, CacheHitCount, CacheMissCount, Count, IntegrationLatency, Latency; filtered by
 * `ApiName`, `ApiName`+`Stage`, or `ApiName`+`Method`+`Resource`+`Stage`, the last only with
 * detailed metrics on). API Gateway strips non-ASCII characters from `ApiName`.
 */
const API_GATEWAY_METRICS = new Set([
  '4XXError',
  '5XXError',
  'CacheHitCount',
  'CacheMissCount',
  'Count',
  'IntegrationLatency',
  'Latency',
]);

/**
 * Metrics SQS publishes per queue, with the one dimension `QueueName` (Amazon SQS developer guide,
 * "Available CloudWatch metrics for Amazon SQS",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html:
 * ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage, NumberOfMessagesSent…; "The
 * only dimension that Amazon SQS sends to CloudWatch is QueueName").
 */
const SQS_QUEUE_METRICS = new Set([
  'ApproximateAgeOfOldestMessage',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesVisible',
  'NumberOfEmptyReceives',
  'NumberOfMessagesDeleted',
  'NumberOfMessagesReceived',
  'NumberOfMessagesSent',
  'SentMessageSize',
]);

export function watchedMetrics(template: ResolvedTemplate): WatchedMetric[] {
  return resourcesOfType(template, 'AWS::CloudWatch::Alarm').map((alarm) => {
    const p = alarm.props;
    if (p.Metrics) throw new Error(`${alarm.id}: metric-math alarms are not modelled`);
    return {
      alarm: alarm.id,
      namespace: String(p.Namespace),
      metricName: String(p.MetricName),
      dimensions: Object.fromEntries(
        asList(p.Dimensions).map((d) => {
          const { Name, Value } = d as { Name: string; Value: string };
          return [Name, Value];
        }),
      ),
    };
  });
}

const sameKeys = (d: Dimensions, keys: readonly string[]) =>
  Object.keys(d).sort().join(',') === [...keys].sort().join(',');

/**
 * Why CloudWatch would have no data for this alarm's metric (undefined when it has): the
 * namespace, name and dimensions must be exactly those the publisher uses, and the dimension
 * values must name a resource of this template. A custom-namespace metric must be published by a
 * metric filter of this template with the same (no) dimensions.
 */
export function unpublishedMetricProblem(template: ResolvedTemplate, m: WatchedMetric): string | undefined {
  const where = `${m.alarm} (${m.namespace} ${m.metricName})`;
  if (m.namespace === 'AWS/Lambda') {
    if (!LAMBDA_FUNCTION_METRICS.has(m.metricName)) return `${where}: Lambda publishes no such metric`;
    if (!sameKeys(m.dimensions, ['FunctionName'])) return `${where}: dimensions must be exactly FunctionName`;
    // The presign function, or another function of this stack (the quarantine function).
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').map((f) => template.ref(f.id));
    return functions.includes(m.dimensions.FunctionName)
      ? undefined
      : `${where}: not a function of this stack`;
  }
  if (m.namespace === 'AWS/ApiGateway') {
    if (!API_GATEWAY_METRICS.has(m.metricName)) return `${where}: API Gateway publishes no such metric`;
    if (!sameKeys(m.dimensions, ['ApiName', 'Stage']))
      return `${where}: dimensions must be ApiName and Stage`;
    const stage = stageOf(template, m.dimensions.ApiName, m.dimensions.Stage);
    return stage
      ? undefined
      : `${where}: no stage ${m.dimensions.Stage} of an API named ${m.dimensions.ApiName}`;
  }
  if (m.namespace === 'AWS/SQS') {
    if (!SQS_QUEUE_METRICS.has(m.metricName)) return `${where}: SQS publishes no such metric`;
    if (!sameKeys(m.dimensions, ['QueueName'])) return `${where}: dimensions must be exactly QueueName`;
    const queue = resourcesOfType(template, 'AWS::SQS::Queue').find(
      (q) => template.getAtt(q.id, 'QueueName') === m.dimensions.QueueName,
    );
    return queue ? undefined : `${where}: no queue named ${m.dimensions.QueueName} in this template`;
  }
  const filters = metricFilters(template).filter(
    (f) => f.namespace === m.namespace && f.metricName === m.metricName,
  );
  if (filters.length === 0) return `${where}: no metric filter of this stack publishes it`;
  if (!filters.some((f) => sameKeys(m.dimensions, Object.keys(f.dimensions))))
    return `${where}: its dimensions differ from those its metric filter publishes`;
  return undefined;
}

/** The stage of a REST API of this template whose `Name` (as API Gateway reports it) and stage name match. */
function stageOf(template: ResolvedTemplate, apiName: string, stageName: string): FoundResource | undefined {
  const apis = resourcesOfType(template, 'AWS::ApiGateway::RestApi').filter(
    (api) => String(api.props.Name).replace(/[^\p{ASCII}]/gu, '') === apiName,
  );
  return resourcesOfType(template, 'AWS::ApiGateway::Stage').find(
    (s) => s.props.StageName === stageName && apis.some((api) => template.ref(api.id) === s.props.RestApiId),
  );
}

export interface MetricFilterView {
  readonly id: string;
  readonly logGroupName: string;
  readonly pattern: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly metricValue: string;
  readonly dimensions: Dimensions;
}

export function metricFilters(template: ResolvedTemplate): MetricFilterView[] {
  return resourcesOfType(template, 'AWS::Logs::MetricFilter').flatMap((f) =>
    asList(f.props.MetricTransformations).map((t) => {
      const tr = t as {
        MetricNamespace: string;
        MetricName: string;
        MetricValue: string;
        Dimensions?: { Key: string; Value: string }[];
      };
      return {
        id: f.id,
        logGroupName: String(f.props.LogGroupName),
        pattern: String(f.props.FilterPattern),
        namespace: tr.MetricNamespace,
        metricName: tr.MetricName,
        metricValue: tr.MetricValue,
        dimensions: Object.fromEntries((tr.Dimensions ?? []).map((d) => [d.Key, d.Value])),
      };
    }),
  );
}

/** The log group API Gateway writes the stage's access log to (`AccessLogSetting.DestinationArn`). */
export function accessLogGroupNameOf(template: ResolvedTemplate): string {
  const stages = resourcesOfType(template, 'AWS::ApiGateway::Stage');
  const arn = String((stages[0].props.AccessLogSetting as { DestinationArn: string }).DestinationArn);
  return /:log-group:([^:]+)/.exec(arn)?.[1] ?? arn;
}

/** The access log format of the stage: API Gateway fills in each `$context.*` variable per request. */
export function accessLogFormatOf(template: ResolvedTemplate): string {
  const stages = resourcesOfType(template, 'AWS::ApiGateway::Stage');
  return String((stages[0].props.AccessLogSetting as { Format: string }).Format);
}

/**
 * The line API Gateway writes for one request: the format with each `$context.x.y` replaced by the
 * request's value ("Variables for access logging", API Gateway developer guide:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html;
 * a variable with no value is written as `-`).
 */
export function accessLogLine(format: string, context: Readonly<Record<string, string>>): string {
  return format.replace(/\$context\.[A-Za-z0-9_.]+/g, (v) => context[v.slice('$context.'.length)] ?? '-');
}
