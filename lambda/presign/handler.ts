import { randomUUID } from 'crypto';
import { STSClient } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PresignConfig, readConfig } from './config';
import {
  fileListUnder,
  parseDownloadRequest,
  parseFolderQuery,
  parsePageToken,
  parseUploadRequest,
  postResponse,
  putResponse,
} from './core';
import {
  badRequest,
  corsHeaders,
  errorResponse,
  header,
  HttpError,
  isRecord,
  jsonResponse,
  notFound,
} from './http';
import { scanStateOf } from '../../lib/policy/scan-status-names';
import { callerSub } from './identity';
import { CallerSessions, CredentialsSource, SessionCredentials } from './credentials';
import { calling, classifyFailure, Fault } from './faults';
import { sdkClientOptions } from './sdk-clients';
import { traced } from './tracing';
import { isKeyUnder, userPrefix } from './keys';
import { CallerTeams, callerTeams } from './teams';
import { authorizerClaims, verifiedPayload } from './token-binding';
import { TeamFolderAccess } from '../../lib/policy/team-folder-names';
import { MULTIPART_ROUTES } from './multipart-routes';
import { withScanStates } from './scan-listing';
import {
  configuredFolders,
  newUploadKey,
  readablePrefixFor,
  Route,
  RouteRequest,
  teamFolder,
} from './route-request';
import { CallerStorage, isBadContinuationToken, s3Storage } from './s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoDbSharingStore } from './sharing/dynamodb-store';
import { faultsTaggedStore, membershipRecorder } from './sharing/membership';
import { SHARING_OWNER_ROUTES } from './sharing/owner-routes';
import type { SharingStore } from './sharing/store';
import { PUBLIC_ROUTES, visit, VisitLog } from './sharing/visits';
import { PinnedCredentialsFor, pinnedSessions } from './sharing/pinned-sessions';
import { s3VersionStorage, VersionStorage } from './s3-versions';

export type PresignHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface HandlerDeps {
  readonly config: PresignConfig;
  /**
   * The caller's own session (see CallerSessions); never the execution role's credentials.
   * `observe` learns whether it came from the cache or from a new STS call. `teams` is the
   * session's `okta_teams` tag (the caller's fresh, configured memberships), absent when the
   * deployment has no team folders.
   */
  readonly credentialsFor: (
    sub: string,
    observe?: (source: CredentialsSource) => void,
    teams?: string,
  ) => Promise<SessionCredentials>;
  readonly storageFor: (credentials: SessionCredentials) => CallerStorage;
  readonly now?: () => Date;
  readonly newId?: () => string;
  /** Receives one entry per request. */
  readonly log?: (entry: RequestLog) => void;
  /** Share links and file requests (config.sharing); without it, their routes answer 404. */
  readonly sharingStore?: SharingStore;
  /** Pinned share links: sessions narrowed to one version, and S3 as them (see VisitDeps). */
  readonly pinnedCredentialsFor?: PinnedCredentialsFor;
  readonly versionStorageFor?: (credentials: SessionCredentials) => VersionStorage;
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
  /** The team folder the request named, if it is a configured one (never arbitrary input). */
  readonly folder?: string;
  /** The `okta_teams` tag of the caller's session: which memberships the request could use. */
  readonly teams?: string;
  /** Sharing: the link or file request's id (its token's hash, never the token). */
  readonly link?: string;
  /** Sharing visits: the Okta sub of whoever created the link, so every visit is attributable. */
  readonly creator?: string;
  /** Sharing visits: served or refused (or failed on the server's side). */
  readonly outcome?: VisitLog['outcome'];
  /** Sharing visits: why a visit was refused; logged only, the visitor gets one uniform answer. */
  readonly reason?: VisitLog['reason'];
}

const ROUTES: Record<string, Route> = {
  'POST /uploads': createUpload,
  'GET /files': listFiles,
  'POST /downloads': createDownload,
  'GET /folders': listFolders,
  ...MULTIPART_ROUTES,
  ...SHARING_OWNER_ROUTES,
};

export function createHandler(deps: HandlerDeps): PresignHandler {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const log = deps.log ?? logToConsole;
  const sharingStore = deps.sharingStore && config.sharing ? faultsTaggedStore(deps.sharingStore) : undefined;
  const recordMembership =
    sharingStore && config.teamFolders.length > 0
      ? membershipRecorder(sharingStore, config.teamMembershipMaxAgeSeconds)
      : undefined;

  return async (event) => {
    const started = performance.now();
    const cors = corsHeaders(header(event, 'origin'), config.allowedOrigins);
    const routeKey = `${event.httpMethod} ${event.resource}`;
    if (sharingStore && PUBLIC_ROUTES.has(routeKey)) {
      const visited = await visit(routeKey, event, { ...deps, store: sharingStore, now, newId });
      log({ ...visited.log, latencyMs: Math.round((performance.now() - started) * 10) / 10 });
      // The web client's visitor page (request.html) calls the file-request routes from its own
      // origin. CORS depends on the Origin header alone, never on the token: refusals stay uniform.
      // With a Lambda proxy integration the function itself must answer the CORS headers ("CORS for
      // REST APIs in API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html).
      return { ...visited.response, headers: { ...visited.response.headers, ...cors } };
    }
    const route = Object.hasOwn(ROUTES, routeKey) ? ROUTES[routeKey] : undefined;
    let sub: string | undefined;
    let response: APIGatewayProxyResult;
    let fault: Fault | undefined;
    let credentials: CredentialsSource | undefined;
    let key: string | undefined;
    let folder: string | undefined;
    let teams: CallerTeams | undefined;
    let link: string | undefined;
    try {
      if (!route) throw notFound('No such route');
      const caller = callerSub(event, config);
      sub = caller;
      const claims = authorizerClaims(event);
      const memberships = callerTeams(verifiedPayload(event, claims), claims, config, now());
      teams = memberships;
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
            deps.credentialsFor(caller, (source) => (credentials = source), memberships.tag),
          );
          return faultsTagged(deps.storageFor(session));
        },
        teams: memberships,
        noteFolder: (named) => {
          if (configuredFolders(config).has(named)) folder = named;
        },
        now,
        sharingStore,
      });
      await recordMembership?.(caller, memberships);
      response = jsonResponse(200, body, cors);
      if (isRecord(body) && typeof body.key === 'string') key = body.key;
      if (isRecord(body) && typeof body.id === 'string') link = body.id;
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
      ...(folder ? { folder } : {}),
      ...(teams?.tag ? { teams: teams.tag } : {}),
      ...(link ? { link } : {}),
      ...(fault ? { fault } : {}),
    });
    return response;
  };
}

async function createUpload(request: RouteRequest) {
  const { event, config, signing, expiresAt, storage } = request;
  const upload = parseUploadRequest(event, config.maxUploadBytes);
  const key = newUploadKey(request, upload.fileName, upload.folder);
  const s3 = await storage();
  return upload.method === 'POST'
    ? postResponse(key, await s3.presignPost(key, upload, signing), expiresAt)
    : putResponse(key, await s3.presignPut(key, upload, signing), upload, expiresAt);
}

async function listFiles(request: RouteRequest) {
  const { event, sub, config, storage } = request;
  const folder = parseFolderQuery(event);
  const prefix =
    folder === undefined
      ? userPrefix(sub, config.usersPrefix)
      : teamFolder(request, folder, TeamFolderAccess.READ);
  const token = parsePageToken(event);
  const s3 = await storage();
  try {
    const page = await s3.list(prefix, config.listPageSize, token);
    const listed = fileListUnder(prefix, page.objects, page.nextToken);
    if (config.malwareScanning !== 'guardduty') return listed;
    return { ...listed, files: await withScanStates(listed.files, (key) => s3.scanStatus(key)) };
  } catch (error) {
    if (token !== undefined && isBadContinuationToken(error)) throw badRequest('nextToken is invalid');
    throw error;
  }
}

/** Every refusal is the same 404, so no caller learns whether another user's key exists. */
async function createDownload(request: RouteRequest) {
  const { event, signing, expiresAt, storage } = request;
  const { key } = parseDownloadRequest(event);
  const prefix = readablePrefixFor(request, key);
  if (prefix === undefined || !isKeyUnder(prefix, key)) throw notFound();
  const s3 = await storage();
  if (request.config.malwareScanning === 'guardduty') await refuseUnlessScannedClean(s3, key);
  if (!(await s3.exists(key))) throw notFound();
  return { key, method: 'GET', url: await s3.presignGet(key, signing), expiresAt: expiresAt.toISOString() };
}

/**
 * With malware scanning, S3 refuses any read of an object GuardDuty has not tagged clean: say why
 * instead of signing a URL that would fail. Only for keys the caller may read (checked before), so
 * it tells nobody about another user's files. Pending is 409 (try again later), blocked is 403.
 */
async function refuseUnlessScannedClean(s3: CallerStorage, key: string): Promise<void> {
  const scan = await s3.scanStatus(key);
  if (!scan.found) throw notFound();
  const state = scanStateOf(scan.status);
  if (state === 'pending')
    throw new HttpError(409, 'ScanPending', 'The file is still being scanned for malware: try again shortly');
  if (state === 'blocked')
    throw new HttpError(403, 'Blocked', 'The malware scan blocked this file: ask an administrator');
}

/** The caller's team folders, and whether their sign-in is too old for memberships to count. */
async function listFolders({ teams }: RouteRequest) {
  return {
    folders: [...teams.folders].map(([folder, access]) => ({ folder, access })),
    stale: teams.stale,
  };
}

/** The caller's storage, with every failure tagged as S3's (HttpErrors pass through). */
function faultsTagged(storage: CallerStorage): CallerStorage {
  const tagged = Object.entries(storage).map(([name, call]) => [
    name,
    (...args: unknown[]) => calling('s3', () => (call as (...a: unknown[]) => Promise<unknown>)(...args)),
  ]);
  return Object.fromEntries(tagged) as CallerStorage;
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
  const sts = traced(new STSClient({ region: config.region, ...sdkClientOptions() }));
  const sessions = new CallerSessions({
    sts,
    roleArn: config.presignRoleArn,
    urlExpirySeconds: config.urlExpirySeconds,
  });
  const s3Options = {
    bucket: config.bucketName,
    region: config.region,
    clientOptions: sdkClientOptions(),
    customizeClient: traced,
  };
  const pinned = config.sharing?.pinned;
  return {
    config,
    credentialsFor: (sub, observe, teams) => sessions.credentialsFor(sub, observe, teams),
    storageFor: s3Storage(s3Options),
    ...(pinned
      ? { pinnedCredentialsFor: pinnedSessions(sts, pinned), versionStorageFor: s3VersionStorage(s3Options) }
      : {}),
    ...(config.sharing
      ? {
          sharingStore: dynamoDbSharingStore(
            traced(new DynamoDBClient({ region: config.region, ...sdkClientOptions() })),
            config.sharing.tableName,
          ),
        }
      : {}),
  };
}

let live: PresignHandler | undefined;

/** The Lambda entry point. Dependencies are built and the environment validated once per container. */
export const handler: PresignHandler = (event) => {
  live ??= createHandler(dependenciesFromEnvironment(process.env));
  return live(event);
};
