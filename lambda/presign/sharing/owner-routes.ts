/**
 * The creator's routes: create, list and revoke share links and file requests. Every refusal of a
 * key the caller may not read is the same 404 as `POST /downloads` gives, so no caller learns
 * whether another user's key exists.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { notFound } from '../http';
import { isKeyUnder, userPrefix } from '../keys';
import { readablePrefixFor, Route, RouteRequest } from '../route-request';
import type { SharingConfig } from './config';
import { parseCreateFileRequest, parseCreateLink, parseRevoke } from './requests';
import type { FileRequest, LinkKind, ShareLink, SharedItem, SharingStore } from './store';
import { newToken, tokenHash } from './tokens';

/** Most items one list returns; a creator with more sees the newest. */
export const MAX_LISTED = 100;
const DAY_SECONDS = 86_400;

/** Sharing's store and settings, or the same 404 as an unknown route when sharing is off. */
function sharingOf(request: RouteRequest): { store: SharingStore; sharing: SharingConfig } {
  const { sharingStore: store, config } = request;
  if (store === undefined || config.sharing === undefined) throw notFound('No such route');
  return { store, sharing: config.sharing };
}

async function createShareLink(request: RouteRequest) {
  const { store, sharing } = sharingOf(request);
  const { event, sub, config, teams, now } = request;
  const { key, expiresInDays, version } = parseCreateLink(request.event, sharing);
  const prefix = readablePrefixFor(request, key);
  if (prefix === undefined || !isKeyUnder(prefix, key)) throw notFound();
  const current = await (await request.storage()).versionOf(key);
  if (current === undefined) throw notFound();
  const token = newToken();
  const createdAt = seconds(now);
  const folder = key.startsWith(config.teamsPrefix)
    ? key.slice(config.teamsPrefix.length).split('/')[0]
    : undefined;
  const link: ShareLink = {
    id: tokenHash(token),
    kind: 'link',
    creator: sub,
    key,
    createdAt,
    expiresAt: createdAt + expiresInDays * DAY_SECONDS,
    ...(version === 'pinned' && current.versionId !== undefined ? { versionId: current.versionId } : {}),
    ...(folder !== undefined && teams.folders.has(folder) ? { folder } : {}),
  };
  await store.put(link);
  return { ...describeLink(link), token, url: publicUrl(event, `s/${token}`) };
}

async function createFileRequest(request: RouteRequest) {
  const { store, sharing } = sharingOf(request);
  const { event, sub, config, now } = request;
  const { folder, expiresInDays, maxFiles, maxFileBytes } = parseCreateFileRequest(event, sharing);
  const token = newToken();
  const createdAt = seconds(now);
  const fileRequest: FileRequest = {
    id: tokenHash(token),
    kind: 'request',
    creator: sub,
    prefix: `${userPrefix(sub, config.usersPrefix)}${folder}/`,
    folder,
    createdAt,
    expiresAt: createdAt + expiresInDays * DAY_SECONDS,
    maxFiles,
    maxFileBytes,
    contentTypes: sharing.fileRequestContentTypes,
    uploads: 0,
  };
  await store.put(fileRequest);
  return { ...describeRequest(fileRequest), token, url: publicUrl(event, `r/${token}`) };
}

function lister(kind: LinkKind) {
  return async (request: RouteRequest) => {
    const { store, sharing } = sharingOf(request);
    const items = await store.listByCreator(request.sub, kind, MAX_LISTED);
    const mine = items.filter((item) => item.creator === request.sub && item.kind === kind);
    return { [kind === 'link' ? 'links' : 'requests']: mine.map(describe), limits: limitsOf(sharing) };
  };
}

function revoker(kind: LinkKind) {
  return async (request: RouteRequest) => {
    const { store } = sharingOf(request);
    const { id } = parseRevoke(request.event);
    if (!(await store.revoke(id, kind, request.sub, seconds(request.now)))) throw notFound();
    return { id, revoked: true };
  };
}

/** The deployment's limits, so the web client offers only what the API accepts. */
function limitsOf(sharing: SharingConfig) {
  return {
    maxLinkDays: sharing.maxLinkDays,
    fileRequestMaxFiles: sharing.fileRequestMaxFiles,
    fileRequestMaxFileBytes: sharing.fileRequestMaxFileBytes,
    fileRequestContentTypes: sharing.fileRequestContentTypes,
  };
}

/** What the creator sees of an item: never the token, which only the creation answer carries. */
function describe(item: SharedItem) {
  return item.kind === 'link' ? describeLink(item) : describeRequest(item);
}

function describeLink(link: ShareLink) {
  return {
    id: link.id,
    key: link.key,
    version: link.versionId === undefined ? 'latest' : 'pinned',
    createdAt: iso(link.createdAt),
    expiresAt: iso(link.expiresAt),
    revoked: link.revokedAt !== undefined,
  };
}

function describeRequest(request: FileRequest) {
  return {
    id: request.id,
    folder: request.folder,
    prefix: request.prefix,
    maxFiles: request.maxFiles,
    maxFileBytes: request.maxFileBytes,
    contentTypes: request.contentTypes,
    uploads: request.uploads,
    createdAt: iso(request.createdAt),
    expiresAt: iso(request.expiresAt),
    revoked: request.revokedAt !== undefined,
  };
}

/** The public link on this API's own stage, when API Gateway says where that is. */
function publicUrl(event: APIGatewayProxyEvent, path: string): string {
  const { domainName, stage } = event.requestContext ?? {};
  return typeof domainName === 'string' && typeof stage === 'string'
    ? `https://${domainName}/${stage}/${path}`
    : path;
}

export const seconds = (now: () => Date) => Math.floor(now().getTime() / 1000);
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

export const SHARING_OWNER_ROUTES: Record<string, Route> = {
  'POST /share-links': createShareLink,
  'GET /share-links': lister('link'),
  'POST /share-links/revoke': revoker('link'),
  'POST /file-requests': createFileRequest,
  'GET /file-requests': lister('request'),
  'POST /file-requests/revoke': revoker('request'),
};
