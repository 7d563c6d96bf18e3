import { Duration, Token } from 'aws-cdk-lib';
/*
 * The defaults and checks behind StorageMonitoring's `thresholds`. The prop's interface lives beside
 * the construct (jsii documents it there); this file names the same keys on its own, so the two
 * files do not import each other. storage-monitoring.ts checks at compile time that they agree.
 */

/** Every threshold with its default. */
export const DEFAULT_THRESHOLDS = {
  handlerErrors: 1,
  handlerThrottles: 1,
  durationPercentOfTimeout: 80,
  server5xxRatePercent: 5,
  latencyP99Millis: 3000,
  dependencyFaults: 5,
  refusedPerMinute: 30,
};

/** Threshold values by name, all present. */
export type Thresholds = { [K in keyof typeof DEFAULT_THRESHOLDS]: number };

/** The thresholds with defaults filled in; a bad value is an error naming the prop. */
export function resolveThresholds(given: Partial<Thresholds> = {}): Thresholds {
  const thresholds = Object.fromEntries(
    Object.entries(DEFAULT_THRESHOLDS).map(([key, fallback]) => [
      key,
      given[key as keyof Thresholds] ?? fallback,
    ]),
  ) as Thresholds;
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
