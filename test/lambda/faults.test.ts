import { STSClient } from '@aws-sdk/client-sts';
import { CallerSessions } from '../../lambda/presign/credentials';
import { isUnavailable, RETRY_AFTER_SECONDS } from '../../lambda/presign/faults';
import { createHandler, HandlerDeps, RequestLog } from '../../lambda/presign/handler';
import { s3Storage } from '../../lambda/presign/s3';
import {
  SDK_MAX_ATTEMPTS,
  sdkClientOptions,
  worstCaseDependencyWaitMs,
} from '../../lambda/presign/sdk-clients';
import { PRESIGN_TIMEOUT_SECONDS } from '../../lib/constructs/presign-api';
import { LoopbackServer, Reply, startLoopbackServer } from '../../emulator/services/loopback-server';
import { ALICE, apiEvent, parse, presignConfig, ROLE_ARN } from './support/fakes';

/**
 * Faults injected where they happen in production: STS and S3 are loopback servers answering as
 * the real services do, reached through the real SDK clients built with the Lambda's own retry and
 * timeout options, so the SDK's retries, error parsing and timeouts are all exercised.
 */
const KEY = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const SESSION = { ...KEY, sessionToken: 'local-token', expiration: new Date(Date.now() + 3600_000) };
const LIST = { method: 'GET', resource: '/files', sub: ALICE } as const;

/** STS's awsQuery error document (STS API reference, "Common Errors"). */
const stsError = (status: number, code: string): Reply => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>internal detail arn:aws:iam::111111111111:role/secret</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
});
/** S3's REST-XML error document (S3 API reference, "Error responses"). */
const s3Error = (status: number, code: string): Reply => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>internal detail arn:aws:s3:::secret-bucket</Message><RequestId>r-2</RequestId></Error>`,
});

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A loopback service that answers every request with `reply` (or never, if it returns undefined). */
async function service(reply: () => Reply | undefined) {
  let requests = 0;
  const server = await startLoopbackServer(async () => {
    requests += 1;
    const answer = reply();
    return answer ?? new Promise<Reply>(() => undefined);
  });
  servers.push(server);
  return { url: server.url, requests: () => requests };
}

/**
 * An attempt's timeout for the tests of a dependency that never answers: the SDK's timeout and
 * retries run as in the Lambda, on a shorter clock than its SDK_REQUEST_TIMEOUT_MS (a second per
 * attempt, two seconds of waiting per test). Tests of a dependency that answers keep the Lambda's
 * own timeout, so a slow loopback answer on a busy machine is never taken for a timeout.
 */
const SHORT_ATTEMPT_MS = 200;

function handlerWith(deps: { sts?: string; s3?: string; requestTimeoutMs?: number }) {
  const config = presignConfig();
  const options = sdkClientOptions({ requestTimeoutMs: deps.requestTimeoutMs });
  const logs: RequestLog[] = [];
  const sessions = new CallerSessions({
    sts: new STSClient({
      ...options,
      region: config.region,
      endpoint: deps.sts,
      credentials: KEY,
    }),
    roleArn: ROLE_ARN,
    urlExpirySeconds: config.urlExpirySeconds,
  });
  const handlerDeps: HandlerDeps = {
    config,
    credentialsFor: deps.sts ? (sub, observe) => sessions.credentialsFor(sub, observe) : async () => SESSION,
    storageFor: s3Storage({
      bucket: config.bucketName,
      region: config.region,
      endpoint: deps.s3 ?? 'http://127.0.0.1:9',
      forcePathStyle: true,
      clientOptions: options,
    }),
    log: (entry) => logs.push(entry),
  };
  const invoke = createHandler(handlerDeps);
  return { logs, call: async () => parse(await invoke(apiEvent(LIST))) };
}

function expectRetryLater(response: Awaited<ReturnType<ReturnType<typeof handlerWith>['call']>>) {
  expect(response.status).toBe(503);
  expect(response.headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS));
  expect(response.body).toEqual({
    error: 'ServiceUnavailable',
    message: `The service is busy; retry after ${RETRY_AFTER_SECONDS} seconds`,
  });
}

describe('dependency faults reach the client honestly', () => {
  it('answers 503 with Retry-After when STS throttles, after the bounded retries', async () => {
    const sts = await service(() => stsError(400, 'Throttling'));
    const { call, logs } = handlerWith({ sts: sts.url });
    expectRetryLater(await call());
    expect(sts.requests()).toBe(SDK_MAX_ATTEMPTS);
    expect(logs[0]).toMatchObject({ status: 503, fault: { dependency: 'sts', name: 'Throttling' } });
  });

  it('answers 503 with Retry-After when STS is unavailable', async () => {
    const sts = await service(() => stsError(503, 'ServiceUnavailable'));
    const { call, logs } = handlerWith({ sts: sts.url });
    expectRetryLater(await call());
    expect(logs[0].fault).toEqual({ dependency: 'sts', name: 'ServiceUnavailable' });
  });

  it('answers 503 when S3 says SlowDown while listing', async () => {
    const s3 = await service(() => s3Error(503, 'SlowDown'));
    const { call, logs } = handlerWith({ s3: s3.url });
    expectRetryLater(await call());
    expect(s3.requests()).toBe(SDK_MAX_ATTEMPTS);
    expect(logs[0].fault).toEqual({ dependency: 's3', name: 'SlowDown' });
  });

  it('keeps a refused S3 listing a 500 that names the fault in the log only', async () => {
    const s3 = await service(() => s3Error(403, 'AccessDenied'));
    const { call, logs } = handlerWith({ s3: s3.url });
    const response = await call();
    expect(response.status).toBe(500);
    expect(response.headers['Retry-After']).toBeUndefined();
    expect(response.body).toEqual({ error: 'InternalError', message: 'The request could not be completed' });
    expect(logs[0].fault).toEqual({ dependency: 's3', name: 'AccessDenied' });
    expect(JSON.stringify([response, logs])).not.toMatch(/arn:|secret/);
  });

  it('answers 503 when STS never answers, after the per-attempt timeout and bounded retries', async () => {
    const sts = await service(() => undefined);
    const { call, logs } = handlerWith({ sts: sts.url, requestTimeoutMs: SHORT_ATTEMPT_MS });
    expectRetryLater(await call());
    expect(sts.requests()).toBe(SDK_MAX_ATTEMPTS);
    expect(logs[0].fault).toEqual({ dependency: 'sts', name: 'TimeoutError' });
  });

  it('answers 503 when S3 never answers a listing', async () => {
    const s3 = await service(() => undefined);
    const { call, logs } = handlerWith({ s3: s3.url, requestTimeoutMs: SHORT_ATTEMPT_MS });
    expectRetryLater(await call());
    expect(logs[0].fault).toEqual({ dependency: 's3', name: 'TimeoutError' });
  });

  it('logs a fault in its own code as the handler’s, with a generic 500', async () => {
    const invoke = createHandler({
      config: presignConfig(),
      credentialsFor: async () => SESSION,
      storageFor: () => {
        throw new TypeError('cannot read properties of undefined');
      },
      log: (entry) => logs.push(entry),
    });
    const logs: RequestLog[] = [];
    const response = parse(await invoke(apiEvent(LIST)));
    expect(response.status).toBe(500);
    expect(logs[0].fault).toEqual({ dependency: 'handler', name: 'TypeError' });
  });
});

describe('retry and timeout budget', () => {
  it('lets the worst-case wait on STS and S3 end well inside the function timeout, inside API Gateway’s 29 s', () => {
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html: the integration
    // timeout of a REST API is 50 ms to 29 s by default.
    expect(PRESIGN_TIMEOUT_SECONDS).toBeLessThan(29);
    expect(worstCaseDependencyWaitMs()).toBeLessThanOrEqual(PRESIGN_TIMEOUT_SECONDS * 1000 * 0.8);
  });

  it('classifies only busy or slow dependencies as unavailable', () => {
    const error = (name: string, status?: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    for (const busy of [
      'ThrottlingException',
      'Throttling',
      'RequestLimitExceeded',
      'SlowDown',
      'TimeoutError',
    ]) {
      expect(isUnavailable(error(busy, 400))).toBe(true);
    }
    expect(isUnavailable(error('Whatever', 503))).toBe(true);
    for (const fault of ['AccessDenied', 'InternalError', 'ExpiredToken', 'NoSuchBucket']) {
      expect(isUnavailable(error(fault, fault === 'InternalError' ? 500 : 403))).toBe(false);
    }
    expect(isUnavailable('Throttling')).toBe(false);
  });
});
