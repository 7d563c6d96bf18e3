import { Duration, Token } from 'aws-cdk-lib';

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

export const DEFAULT_THRESHOLDS: Required<MonitoringThresholds> = {
  handlerErrors: 1,
  handlerThrottles: 1,
  durationPercentOfTimeout: 80,
  server5xxRatePercent: 5,
  latencyP99Millis: 3000,
  dependencyFaults: 5,
  refusedPerMinute: 30,
};

/** The thresholds with defaults filled in; a bad value is an error naming the prop. */
export function resolveThresholds(given: MonitoringThresholds = {}): Required<MonitoringThresholds> {
  const thresholds = Object.fromEntries(
    Object.entries(DEFAULT_THRESHOLDS).map(([key, fallback]) => [
      key,
      given[key as keyof MonitoringThresholds] ?? fallback,
    ]),
  ) as Required<MonitoringThresholds>;
  const problems = Object.entries(thresholds)
    .filter(([, value]) => !Token.isUnresolved(value) && !(Number.isFinite(value) && value > 0))
    .map(([key]) => `thresholds.${key} must be a positive number`);
  if (thresholds.durationPercentOfTimeout > 100)
    problems.push('thresholds.durationPercentOfTimeout must be at most 100');
  if (thresholds.server5xxRatePercent > 100)
    problems.push('thresholds.server5xxRatePercent must be at most 100');
  if (problems.length) throw new Error(`StorageMonitoring: ${problems.join('; ')}`);
  return thresholds;
}

/** The duration alarm's threshold in milliseconds. */
export function durationThresholdMillis(timeout: Duration, percentOfTimeout: number): number {
  return Math.floor((timeout.toMilliseconds() * percentOfTimeout) / 100);
}
