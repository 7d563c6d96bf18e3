/**
 * Metrics CloudWatch Logs derives from the presign stack's own log lines: the handler's one JSON
 * line per request, and API Gateway's JSON access log. Pure data, so tests can run each pattern
 * against real log lines (emulator/model/cloudwatch-rules.ts).
 *
 * The handler runs with Lambda's JSON log format, where an object passed to `console.info` is
 * written under the record's `message` field (Lambda developer guide, "Log and monitor Node.js
 * Lambda functions", advanced logging controls); hence `$.message.<field>`.
 */
export interface LogMetric {
  /** Which log group the filter reads. */
  readonly source: 'handler' | 'access';
  readonly metricName: string;
  /** A CloudWatch Logs JSON filter pattern. */
  readonly filterPattern: string;
  /** `1` per matching line, or a `$.field` whose value is emitted. */
  readonly metricValue: string;
  /** Dimensions taken from fields of the line (at most three per filter). */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly unit?: 'Count' | 'Milliseconds';
}

export const STS_FAULTS: LogMetric = {
  source: 'handler',
  metricName: 'StsFaults',
  filterPattern: '{ $.message.fault.dependency = "sts" }',
  metricValue: '1',
  unit: 'Count',
};

export const S3_FAULTS: LogMetric = {
  source: 'handler',
  metricName: 'S3Faults',
  filterPattern: '{ $.message.fault.dependency = "s3" }',
  metricValue: '1',
  unit: 'Count',
};

export const HANDLER_FAULTS: LogMetric = {
  source: 'handler',
  metricName: 'HandlerFaults',
  filterPattern: '{ $.message.fault.dependency = "handler" }',
  metricValue: '1',
  unit: 'Count',
};

export const STS_CALLS: LogMetric = {
  source: 'handler',
  metricName: 'StsCalls',
  filterPattern: '{ $.message.credentials = "assumed" }',
  metricValue: '1',
  unit: 'Count',
};

export const CREDENTIALS_CACHE_HITS: LogMetric = {
  source: 'handler',
  metricName: 'CredentialsCacheHits',
  filterPattern: '{ $.message.credentials = "cached" }',
  metricValue: '1',
  unit: 'Count',
};

export const PRESIGN_LATENCY: LogMetric = {
  source: 'handler',
  metricName: 'PresignLatency',
  filterPattern: '{ $.message.latencyMs >= 0 }',
  metricValue: '$.message.latencyMs',
  unit: 'Milliseconds',
};

/**
 * Every request API Gateway answered, by method, resource and status: the access log sees the
 * authorizer's refusals too, which never reach the Lambda.
 */
export const REQUESTS: LogMetric = {
  source: 'access',
  metricName: 'Requests',
  filterPattern: '{ $.status = "*" }',
  metricValue: '1',
  dimensions: { Method: '$.httpMethod', Resource: '$.resourcePath', Status: '$.status' },
  unit: 'Count',
};

/**
 * Refused identities: 401 (no or bad token: the authorizer, or the handler's token binding) and
 * 403 (the handler's refusals). Counted from the access log, so every refusal is seen whichever
 * layer refused, and each is attributable there by request id, source IP and `userSub`.
 */
export const REFUSED_IDENTITIES: LogMetric = {
  source: 'access',
  metricName: 'RefusedIdentities',
  filterPattern: '{ ($.status = "401") || ($.status = "403") }',
  metricValue: '1',
  unit: 'Count',
};

export const LOG_METRICS: readonly LogMetric[] = [
  STS_FAULTS,
  S3_FAULTS,
  HANDLER_FAULTS,
  STS_CALLS,
  CREDENTIALS_CACHE_HITS,
  PRESIGN_LATENCY,
  REQUESTS,
  REFUSED_IDENTITIES,
];
