/**
 * The public side of sharing: `GET /s/{token}` (a share link) and `GET /r/{token}`,
 * `POST /r/{token}/uploads` (a file request). No authorizer: the token is the credential.
 *
 * Every refusal is one answer, whatever the reason (malformed, unknown, expired, revoked, the
 * wrong kind of link, the creator's lost access, an object gone, a pinned link's version gone):
 * the same status, headers and body, so a stranger learns nothing by probing. The reason
 * goes only to the log, for the operator. Expiry is checked here, not left to the table's TTL:
 * "DynamoDB typically deletes expired items within two days of expiration. [...] Items that have
 * expired and not been deleted will still show up in reads, queries, and scans" (DynamoDB API
 * reference, UpdateTimeToLive,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html; the
 * cited model is emulator/model/dynamodb-rules.ts).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parseTeamsClaim } from '../../../lib/policy/team-folder-names';
import type { PresignConfig } from '../config';
import type { SessionCredentials } from '../credentials';
import { calling, classifyFailure, DependencyFault, Fault } from '../faults';
import { errorResponse, HttpError, jsonResponse } from '../http';
import { buildKeyUnder, isKeyUnder, teamFolderPrefix, userPrefix } from '../keys';
import type { CallerStorage } from '../s3';
import { SHARING_LIMITS } from '../../../lib/validation/rules';
import { parseVisitorUpload } from './requests';
import type { FileRequest, SharedItem, SharingStore } from './store';
import { isTokenShaped, tokenHash } from './tokens';
import { type PinnedCredentialsFor, SessionPolicyTooLong } from './pinned-sessions';
import type { VersionStorage } from '../s3-versions';

export const PUBLIC_ROUTES = new Set(['GET /s/{token}', 'GET /r/{token}', 'POST /r/{token}/uploads']);

/** Why a visit was refused: logged, never answered. */
export type RefusalReason =
  | 'malformed'
  | 'unknown'
  | 'wrong-kind'
  | 'expired'
  | 'revoked'
  | 'creator-access'
  | 'object-gone'
  | 'version-changed'
  | 'version-gone'
  | 'key-too-long'
  | 'full';

class Refused extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}

/** The one answer to every refused visit. */
export const REFUSAL_STATUS = 404;
export const REFUSAL_BODY = { error: 'NotFound', message: 'This link does not exist or has expired' };

export interface VisitDeps {
  readonly config: PresignConfig;
  readonly store: SharingStore;
  readonly credentialsFor: (sub: string, observe?: undefined, teams?: string) => Promise<SessionCredentials>;
  readonly storageFor: (credentials: SessionCredentials) => CallerStorage;
  /**
   * Pinned links: a pinned-link session narrowed to one version, and S3 as that session. Without
   * them a pinned link is refused once its object is overwritten (`version-changed`).
   */
  readonly pinnedCredentialsFor?: PinnedCredentialsFor;
  readonly versionStorageFor?: (credentials: SessionCredentials) => VersionStorage;
  readonly now: () => Date;
  readonly newId: () => string;
}

/** One log line per visit: who created what was visited, and how it ended. */
export interface VisitLog {
  readonly route: string;
  readonly status: number;
  readonly outcome: 'served' | 'refused' | 'failed';
  readonly reason?: RefusalReason;
  /** The link's id (its token's hash), never the token. */
  readonly link?: string;
  readonly creator?: string;
  readonly key?: string;
  readonly fault?: Fault;
}

export async function visit(
  routeKey: string,
  event: APIGatewayProxyEvent,
  deps: VisitDeps,
): Promise<{ response: APIGatewayProxyResult; log: VisitLog }> {
  let item: SharedItem | undefined;
  let key: string | undefined;
  try {
    const token: unknown = event.pathParameters?.token;
    if (!isTokenShaped(token)) throw new Refused('malformed');
    const id = tokenHash(token);
    item = await deps.store.get(id);
    const nowSeconds = Math.floor(deps.now().getTime() / 1000);
    live(item, routeKey === 'GET /s/{token}' ? 'link' : 'request', nowSeconds);
    let response: APIGatewayProxyResult;
    if (item.kind === 'link') {
      key = item.key;
      response = await redirectToObject(item, deps, nowSeconds);
    } else if (routeKey === 'GET /r/{token}') {
      response = jsonResponse(200, describeForVisitor(item));
    } else {
      const upload = await signVisitorUpload(item, event, deps);
      key = upload.key;
      response = jsonResponse(200, upload.body);
    }
    return {
      response,
      log: {
        route: routeKey,
        status: response.statusCode,
        outcome: 'served',
        ...who(item),
        ...(key ? { key } : {}),
      },
    };
  } catch (error) {
    if (error instanceof Refused) {
      return {
        response: refusal(),
        log: {
          route: routeKey,
          status: REFUSAL_STATUS,
          outcome: 'refused',
          reason: error.reason,
          ...who(item),
        },
      };
    }
    const failure = classifyFailure(error);
    const response = errorResponse(failure.response);
    // A visitor's bad upload body (4xx) is theirs to fix; only a server-side failure is a fault.
    return {
      response,
      log: {
        route: routeKey,
        status: response.statusCode,
        outcome: failure.fault ? 'failed' : 'refused',
        ...who(item),
        ...(failure.fault ? { fault: failure.fault } : {}),
      },
    };
  }
}

/** Throws the refusal unless the item is a live one of the kind the route serves. */
function live(
  item: SharedItem | undefined,
  kind: SharedItem['kind'],
  nowSeconds: number,
): asserts item is SharedItem {
  if (item === undefined) throw new Refused('unknown');
  if (item.kind !== kind) throw new Refused('wrong-kind');
  if (item.revokedAt !== undefined) throw new Refused('revoked');
  if (!(nowSeconds < item.expiresAt)) throw new Refused('expired');
}

/**
 * A fresh presigned GET, signed by the creator's own tagged session, so IAM still confines it to
 * what the creator may read. A team-folder link needs the creator's last-seen membership: it must
 * still cover the folder and be no older than the deployment's membership bound.
 */
async function redirectToObject(
  link: Extract<SharedItem, { kind: 'link' }>,
  deps: VisitDeps,
  nowSeconds: number,
): Promise<APIGatewayProxyResult> {
  const { config } = deps;
  let teams: string | undefined;
  if (isKeyUnder(userPrefix(link.creator, config.usersPrefix), link.key)) {
    teams = undefined;
  } else if (
    link.folder !== undefined &&
    isKeyUnder(teamFolderPrefix(link.folder, config.teamsPrefix), link.key)
  ) {
    const seen = await deps.store.getMembership(link.creator);
    const fresh = seen !== undefined && nowSeconds - seen.seenAt <= config.teamMembershipMaxAgeSeconds;
    if (!fresh || !parseTeamsClaim(seen.teams)?.has(link.folder)) throw new Refused('creator-access');
    teams = seen.teams;
  } else {
    throw new Refused('creator-access');
  }
  const storage = deps.storageFor(await deps.credentialsFor(link.creator, undefined, teams));
  const current = await storage.versionOf(link.key);
  if (current === undefined) throw new Refused('object-gone');
  const signing = { signingDate: deps.now(), expiresIn: SHARING_LIMITS.visitUrlSeconds };
  const url =
    link.versionId === undefined
      ? await storage.presignGet(link.key, signing)
      : await presignPinnedVersion(link, link.versionId, { storage, current }, deps, signing);
  return {
    statusCode: 302,
    headers: { Location: url, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    body: '',
  };
}

/**
 * A pinned link (issue 21): the version it named, whatever is current now, through a session of the
 * pinned-link role narrowed by its session policy to that one version. The creator's own session
 * has already seen the key (so a deleted file or lost access still refuses); the pinned session
 * must then find the version itself: one removed since (by an administrator or the noncurrent-
 * version lifecycle rule), or one the scan gate refuses, is refused like everything else.
 */
async function presignPinnedVersion(
  link: Extract<SharedItem, { kind: 'link' }>,
  versionId: string,
  creators: { storage: CallerStorage; current: { versionId?: string } },
  deps: VisitDeps,
  signing: { signingDate: Date; expiresIn: number },
): Promise<string> {
  if (!deps.pinnedCredentialsFor || !deps.versionStorageFor) {
    // No pinned-link role (sharing without it): only the version that is still current is served.
    if (creators.current.versionId !== versionId) throw new Refused('version-changed');
    return creators.storage.presignGet(link.key, signing);
  }
  let session: SessionCredentials;
  try {
    session = await deps.pinnedCredentialsFor({ key: link.key, versionId, linkId: link.id });
  } catch (error) {
    if (error instanceof SessionPolicyTooLong) throw new Refused('key-too-long');
    // Attributed to STS, so the StsFaults alarm counts it (a broken trust is AccessDenied).
    throw new DependencyFault('sts', error);
  }
  const versions = deps.versionStorageFor(session);
  if (!(await calling('s3', () => versions.hasVersion(link.key, versionId))))
    throw new Refused('version-gone');
  return versions.presignGetVersion(link.key, versionId, signing);
}

/** What a visitor's upload page needs: never the creator, the prefix or anything stored. */
function describeForVisitor(request: FileRequest) {
  return {
    folder: request.folder,
    maxFileBytes: request.maxFileBytes,
    contentTypes: request.contentTypes,
    remainingFiles: Math.max(0, request.maxFiles - request.uploads),
    expiresAt: new Date(request.expiresAt * 1000).toISOString(),
  };
}

/**
 * One upload-only URL: a PUT of exactly the declared size and type to a new key
 * `<request prefix><uuid>/<name>`, so a visitor can neither overwrite a file nor read or list one.
 * The upload is counted before it is signed, atomically, so concurrent visitors stay within the
 * request's file count.
 */
async function signVisitorUpload(request: FileRequest, event: APIGatewayProxyEvent, deps: VisitDeps) {
  const upload = parseVisitorUpload(event, request);
  const key = buildKeyUnder(request.prefix, deps.newId(), upload.fileName);
  if (key === undefined) throw new HttpError(400, 'BadRequest', 'fileName has no usable characters');
  if (!isKeyUnder(userPrefix(request.creator, deps.config.usersPrefix), key))
    throw new Refused('creator-access');
  const now = deps.now();
  if (!(await deps.store.claimUpload(request.id, Math.floor(now.getTime() / 1000))))
    throw new Refused('full');
  const storage = deps.storageFor(await deps.credentialsFor(request.creator));
  const spec = { contentType: upload.contentType, size: upload.size };
  const url = await storage.presignPut(key, spec, {
    signingDate: now,
    expiresIn: SHARING_LIMITS.visitUrlSeconds,
  });
  const expiresAt = new Date(now.getTime() + SHARING_LIMITS.visitUrlSeconds * 1000).toISOString();
  return {
    key,
    body: {
      method: 'PUT',
      url,
      headers: { 'content-type': spec.contentType, 'content-length': String(spec.size) },
      name: key.slice(key.lastIndexOf('/') + 1),
      expiresAt,
    },
  };
}

function refusal(): APIGatewayProxyResult {
  return jsonResponse(REFUSAL_STATUS, REFUSAL_BODY, { 'Referrer-Policy': 'no-referrer' });
}

function who(item: SharedItem | undefined) {
  return item === undefined ? {} : { link: item.id, creator: item.creator };
}
