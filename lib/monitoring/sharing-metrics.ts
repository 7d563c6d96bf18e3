import type { LogMetric } from './log-metrics';

/**
 * Log metrics of share links and file requests, created only when sharing is on. The handler logs
 * one JSON line per visit with `outcome` (`served`, `refused`, `failed`), the reason of a refusal,
 * the link's id and its creator (lambda/presign/sharing/visits.ts).
 */
export const REFUSED_VISITS: LogMetric = {
  source: 'handler',
  metricName: 'SharingRefusedVisits',
  filterPattern: '{ $.message.outcome = "refused" }',
  metricValue: '1',
  unit: 'Count',
};

export const DYNAMODB_FAULTS: LogMetric = {
  source: 'handler',
  metricName: 'DynamoDbFaults',
  filterPattern: '{ $.message.fault.dependency = "dynamodb" }',
  metricValue: '1',
  unit: 'Count',
};

/** 429s API Gateway answered on the public visit methods (their own method throttling). */
export const THROTTLED_VISITS: LogMetric = {
  source: 'access',
  metricName: 'SharingThrottledVisits',
  filterPattern: '{ ($.status = "429") && (($.resourcePath = "/s/*") || ($.resourcePath = "/r/*")) }',
  metricValue: '1',
  unit: 'Count',
};

export const SHARING_LOG_METRICS: readonly LogMetric[] = [REFUSED_VISITS, DYNAMODB_FAULTS, THROTTLED_VISITS];

/** Alarm thresholds of sharing (not configurable yet). */
export const SHARING_THRESHOLDS = {
  /** Refused visits in one minute: someone is guessing tokens or replaying dead links. */
  refusedVisitsPerMinute: 20,
  /** Throttled visit requests in five minutes: the per-method limit is being hit. */
  throttledVisits: 10,
  /** Failed DynamoDB calls in five minutes. */
  dynamoDbFaults: 5,
  /** DynamoDB throttled or system-errored requests on the table in five minutes. */
  tableErrors: 1,
} as const;
