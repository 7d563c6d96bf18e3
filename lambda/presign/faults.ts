import { HttpError } from './http';

/** What the handler calls over the network; `handler` is a fault in its own code. */
export type Dependency = 'sts' | 's3' | 'dynamodb';

/** How a failed request is logged: which dependency failed and the error's name, never its message. */
export interface Fault {
  readonly dependency: Dependency | 'handler';
  readonly name: string;
}

/** Seconds a client should wait before retrying a 503 (sent as `Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

/**
 * Error codes meaning "busy, try later", as the AWS SDK's own retry strategy classifies them
 * (`THROTTLING_ERROR_CODES` and `TRANSIENT_ERROR_CODES` in @smithy/service-error-classification):
 * STS answers `Throttling`/`ThrottlingException` (AWS STS API reference, "Common Errors": Throttling,
 * "The request was denied due to request throttling", HTTP 400) and `ServiceUnavailable` (HTTP 503);
 * S3 answers `SlowDown` and `ServiceUnavailable` with HTTP 503 (Amazon S3 API reference, "Error
 * responses": "SlowDown — Please reduce your request rate. 503"). `TimeoutError` is what the SDK's
 * Node HTTP handler names a connection or socket timeout.
 */
const UNAVAILABLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  // DynamoDB: "You exceeded your maximum allowed provisioned throughput" (on-demand tables too, per partition).
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
/** Statuses the SDK treats as transient besides 500 (which stays a fault here: the SDK already retried it). */
const UNAVAILABLE_STATUSES = new Set([429, 502, 503, 504]);

/** A dependency's failure, tagged with the dependency so the handler can log and answer it. */
export class DependencyFault extends Error {
  constructor(
    readonly dependency: Dependency,
    readonly error: unknown,
  ) {
    super(`${dependency} failed`);
    this.name = errorName(error);
  }
}

/** Runs a call to `dependency`; its failure (other than an HttpError) becomes a DependencyFault. */
export async function calling<T>(dependency: Dependency, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof HttpError || error instanceof DependencyFault) throw error;
    throw new DependencyFault(dependency, error);
  }
}

/** True when the error says the dependency is throttling, overloaded or too slow: a retry may work. */
export function isUnavailable(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  if (typeof e !== 'object' || e === null) return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    UNAVAILABLE_CODES.has(String(e.name)) ||
    (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) ||
    (typeof status === 'number' && UNAVAILABLE_STATUSES.has(status))
  );
}

export function serviceUnavailable(): HttpError {
  return new HttpError(
    503,
    'ServiceUnavailable',
    `The service is busy; retry after ${RETRY_AFTER_SECONDS} seconds`,
    { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  );
}

/**
 * What a request's failure means to the client and to the log: an HttpError is the client's and
 * is no fault; a dependency that is busy is a 503 with `Retry-After`; anything else is a fault,
 * logged by name and answered with a generic 500.
 */
export function classifyFailure(error: unknown): { readonly response: unknown; readonly fault?: Fault } {
  if (error instanceof HttpError) return { response: error };
  if (error instanceof DependencyFault) {
    const fault = { dependency: error.dependency, name: error.name };
    return { response: isUnavailable(error.error) ? serviceUnavailable() : error, fault };
  }
  return { response: error, fault: { dependency: 'handler', name: errorName(error) } };
}

function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^[\w.-]{1,64}$/.test(name) ? name : typeof error;
}
