import { randomUUID } from 'crypto';
import { STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PresignConfig, readConfig } from './config';
import {
  fileList,
  parseDownloadRequest,
  parsePageToken,
  parseUploadRequest,
  postResponse,
  putResponse,
} from './core';
import { badRequest, corsHeaders, errorResponse, header, isRecord, jsonResponse, notFound } from './http';
import { callerSub } from './identity';
import { CallerSessions, CredentialsSource, SessionCredentials } from './credentials';
import { calling, classifyFailure, Fault } from './faults';
import { sdkClientOptions } from './sdk-clients';
import { traced } from './tracing';
import { buildObjectKey, isOwnKey, userPrefix } from './keys';
import { CallerStorage, isBadContinuationToken, s3Storage, Signing } from './s3';

export type PresignHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface HandlerDeps {
  readonly config: PresignConfig;
  /**
   * The caller's own session (see CallerSessions); never the execution role's credentials.
   * `observe` learns whether it came from the cache or from a new STS call.
   */
  readonly credentialsFor: (
    sub: string,
    observe?: (source: CredentialsSource) => void,
  ) => Promise<SessionCredentials>;
  readonly storageFor: (credentials: SessionCredentials) => CallerStorage;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Receives one entry per request. */
  readonly log?: (entry: RequestLog) => void;
}

/** What is logged per request: never bodies, URLs or credentials, which are bearer secrets. */
export interface RequestLog {
  readonly route: string;
  readonly status: number;
  /** Only once validated, so a hostile claim never reaches the logs. */
  readonly sub?: string;
  readonly latencyMs: number;
  readonly requestId?: string;
  /** Which dependency failed and the error's name, when the request failed on the server's side. */
  readonly fault?: Fault;
  /** The object key a URL was signed for (uploads and downloads): who got what, when. */
  readonly key?: string;
  /** Where the caller's session came from, when the request needed one: an STS call or the cache. */
  readonly credentials?: CredentialsSource;
}

interface RouteRequest {
  readonly event: APIGatewayProxyEvent;
  readonly sub: string;
  readonly config: PresignConfig;
  readonly signing: Signing;
  readonly expiresAt: Date;
  readonly newId: () => string;
  /** Lazy, so invalid requests are refused before any STS call. */
  readonly storage: () => Promise<CallerStorage>;
}

const ROUTES: Record<string, (request: RouteRequest) => Promise<unknown>> = {
  'POST /uploads': createUpload,
  'GET /files': listFiles,
  'POST /downloads': createDownload,
};

export function createHandler(deps: HandlerDeps): PresignHandler {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const log = deps.log ?? logToConsole;

  return async (event) => {
    const started = performance.now();
    const cors = corsHeaders(header(event, 'origin'), config.allowedOrigins);
    const routeKey = `${event.httpMethod} ${event.resource}`;
    const route = Object.hasOwn(ROUTES, routeKey) ? ROUTES[routeKey] : undefined;
    let sub: string | undefined;
    let response: APIGatewayProxyResult;
    let fault: Fault | undefined;
    let credentials: CredentialsSource | undefined;
    let key: string | undefined;
    try {
      if (!route) throw notFound('No such route');
      const caller = callerSub(event, config);
      sub = caller;
      const signingDate = now();
      const body = await route({
        event,
        sub: caller,
        config,
        signing: { signingDate, expiresIn: config.urlExpirySeconds },
        expiresAt: new Date(signingDate.getTime() + config.urlExpirySeconds * 1000),
        newId,
        storage: async () => {
          const session = await calling('sts', () =>
            deps.credentialsFor(caller, (source) => (credentials = source)),
          );
          return faultsTagged(deps.storageFor(session));
        },
      });
      response = jsonResponse(200, body, cors);
      if (isRecord(body) && typeof body.key === 'string') key = body.key;
    } catch (error) {
      const failure = classifyFailure(error);
      fault = failure.fault;
      response = errorResponse(failure.response, cors);
    }
    log({
      route: route ? routeKey : 'unmatched',
      status: response.statusCode,
      sub,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: event.requestContext?.requestId,
      ...(key ? { key } : {}),
      ...(credentials ? { credentials } : {}),
      ...(fault ? { fault } : {}),
    });
    return response;
  };
}

async function createUpload({ event, sub, config, signing, expiresAt, newId, storage }: RouteRequest) {
  const upload = parseUploadRequest(event, config.maxUploadBytes);
  const key = buildObjectKey(sub, newId(), upload.fileName, config.usersPrefix);
  if (key === undefined) throw badRequest('fileName has no usable characters');
  const s3 = await storage();
  return upload.method === 'POST'
    ? postResponse(key, await s3.presignPost(key, upload, signing), expiresAt)
    : putResponse(key, await s3.presignPut(key, upload, signing), upload, expiresAt);
}

async function listFiles({ event, sub, config, storage }: RouteRequest) {
  const token = parsePageToken(event);
  const s3 = await storage();
  try {
    const page = await s3.list(userPrefix(sub, config.usersPrefix), config.listPageSize, token);
    return fileList(sub, page.objects, page.nextToken, config.usersPrefix);
  } catch (error) {
    if (token !== undefined && isBadContinuationToken(error)) throw badRequest('nextToken is invalid');
    throw error;
  }
}

/** Every refusal is the same 404, so no caller learns whether another user's key exists. */
async function createDownload({ event, sub, config, signing, expiresAt, storage }: RouteRequest) {
  const { key } = parseDownloadRequest(event);
  if (!isOwnKey(sub, key, config.usersPrefix)) throw notFound();
  const s3 = await storage();
  if (!(await s3.exists(key))) throw notFound();
  return { key, method: 'GET', url: await s3.presignGet(key, signing), expiresAt: expiresAt.toISOString() };
}

/** The caller's storage, with every failure tagged as S3's (HttpErrors pass through). */
function faultsTagged(storage: CallerStorage): CallerStorage {
  return {
    presignPut: (...args) => calling('s3', () => storage.presignPut(...args)),
    presignPost: (...args) => calling('s3', () => storage.presignPost(...args)),
    presignGet: (...args) => calling('s3', () => storage.presignGet(...args)),
    exists: (...args) => calling('s3', () => storage.exists(...args)),
    list: (...args) => calling('s3', () => storage.list(...args)),
  };
}

/**
 * One JSON line per request. In Lambda's JSON log format the runtime nests a logged object under
 * `message` (so Logs Insights finds its fields); in text format the JSON has to be spelled out.
 */
function logToConsole(entry: RequestLog): void {
  const write = entry.status >= 500 ? console.error : console.info;
  write(process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON' ? entry : JSON.stringify(entry));
}

/** The Lambda's own dependencies, from its environment; only tests build others. */
export function dependenciesFromEnvironment(env: Record<string, string | undefined>): HandlerDeps {
  const config = readConfig(env);
  const sessions = new CallerSessions({
    sts: traced(new STSClient({ region: config.region, ...sdkClientOptions() })),
    roleArn: config.presignRoleArn,
    urlExpirySeconds: config.urlExpirySeconds,
  });
  return {
    config,
    credentialsFor: (sub, observe) => sessions.credentialsFor(sub, observe),
    storageFor: s3Storage({
      bucket: config.bucketName,
      region: config.region,
      clientOptions: sdkClientOptions(),
      customizeClient: traced,
    }),
  };
}

let live: PresignHandler | undefined;

/** The Lambda entry point. Dependencies are built and the environment validated once per container. */
export const handler: PresignHandler = (event) => {
  live ??= createHandler(dependenciesFromEnvironment(process.env));
  return live(event);
};
