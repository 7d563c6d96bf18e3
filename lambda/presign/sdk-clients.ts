/**
 * How long the Lambda may wait for STS and S3. API Gateway ends a REST integration after 29
 * seconds by default (API Gateway quotas,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html#api-gateway-execution-service-limits-table:
 * integration timeout 50 ms to 29 s; since 2024 a Regional or private REST API may raise it with a
 * quota increase, which this stack neither needs nor assumes); the function's timeout (PRESIGN_TIMEOUT_SECONDS in the construct) sits
 * well inside that, and a request's worst case against both dependencies sits well inside the
 * function's timeout, so a stuck dependency ends in our 503, never in Lambda's timeout or API
 * Gateway's 504.
 */
export const SDK_MAX_ATTEMPTS = 2;
/** Time to open a TCP/TLS connection to an AWS endpoint. */
export const SDK_CONNECTION_TIMEOUT_MS = 500;
/**
 * Time one attempt may take. In @smithy/node-http-handler 4.x `requestTimeout` alone only logs a
 * warning ("Init client requestHandler with throwOnRequestTimeout=true to turn this into an
 * error"), so the options also set `throwOnRequestTimeout` and an idle `socketTimeout`.
 */
export const SDK_REQUEST_TIMEOUT_MS = 1000;
/**
 * The longest back-off between the two attempts: the SDK's standard retry strategy waits a random
 * time up to its base delay (100 ms; 500 ms after throttling) before the second attempt.
 */
export const SDK_MAX_RETRY_DELAY_MS = 500;
/** Dependencies one request waits on, one after the other: STS (unless cached), then S3. */
export const SEQUENTIAL_DEPENDENCY_CALLS = 2;

export interface SdkClientOptions {
  readonly maxAttempts: number;
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    readonly socketTimeout: number;
    readonly throwOnRequestTimeout: boolean;
  };
}

/**
 * The Lambda's options. `requestTimeoutMs` is for tests only: a test of a dependency that never
 * answers waits a shorter attempt out (test/lambda/faults.test.ts) instead of a real second per
 * attempt; the handler always takes SDK_REQUEST_TIMEOUT_MS.
 */
export function sdkClientOptions({ requestTimeoutMs = SDK_REQUEST_TIMEOUT_MS } = {}): SdkClientOptions {
  return {
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: SDK_CONNECTION_TIMEOUT_MS,
      requestTimeout: requestTimeoutMs,
      socketTimeout: requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** The longest a request can wait on its dependencies before it answers 503. */
export function worstCaseDependencyWaitMs(): number {
  const perCall =
    SDK_MAX_ATTEMPTS * (SDK_CONNECTION_TIMEOUT_MS + SDK_REQUEST_TIMEOUT_MS) +
    (SDK_MAX_ATTEMPTS - 1) * SDK_MAX_RETRY_DELAY_MS;
  return SEQUENTIAL_DEPENDENCY_CALLS * perCall;
}
