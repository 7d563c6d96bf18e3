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
import { badRequest, corsHeaders, errorResponse, header, HttpError, jsonResponse, notFound } from './http';
import { callerSub } from './identity';
import { CallerSessions, SessionCredentials } from './credentials';
import { buildObjectKey, isOwnKey, userPrefix } from './keys';
import { CallerStorage, isBadContinuationToken, s3Storage, Signing } from './s3';

export type PresignHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface HandlerDeps {
  readonly config: PresignConfig;
  /** The caller's own session (see CallerSessions); never the execution role's credentials. */
  readonly credentialsFor: (sub: string) => Promise<SessionCredentials>;
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
  /** The error's name when the request failed with a 500. */
  readonly fault?: string;
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
    let fault: string | undefined;
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
        storage: async () => deps.storageFor(await deps.credentialsFor(caller)),
      });
      response = jsonResponse(200, body, cors);
    } catch (error) {
      if (!(error instanceof HttpError)) fault = error instanceof Error ? error.name : typeof error;
      response = errorResponse(error, cors);
    }
    log({
      route: route ? routeKey : 'unmatched',
      status: response.statusCode,
      sub,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      requestId: event.requestContext?.requestId,
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
    sts: new STSClient({ region: config.region }),
    roleArn: config.presignRoleArn,
    urlExpirySeconds: config.urlExpirySeconds,
  });
  return {
    config,
    credentialsFor: (sub) => sessions.credentialsFor(sub),
    storageFor: s3Storage({ bucket: config.bucketName, region: config.region }),
  };
}

let live: PresignHandler | undefined;

/** The Lambda entry point. Dependencies are built and the environment validated once per container. */
export const handler: PresignHandler = (event) => {
  live ??= createHandler(dependenciesFromEnvironment(process.env));
  return live(event);
};
