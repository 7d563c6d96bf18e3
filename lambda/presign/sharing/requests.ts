/** The bodies of the sharing routes: syntax and limits only; access is the routes' question. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseJsonObject, parseUploadTarget } from '../core';
import { badRequest, HttpError } from '../http';
import type { SharingConfig } from './config';

export type VersionChoice = 'pinned' | 'latest';

export interface CreateLinkRequest {
  readonly key: string;
  readonly expiresInDays: number;
  readonly version: VersionChoice;
}

export interface CreateFileRequestRequest {
  /** A folder name under the caller's own prefix (`users/<sub>/<folder>/`). */
  readonly folder: string;
  readonly expiresInDays: number;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
}

export interface VisitorUpload {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
}

/** A folder under the caller's prefix: one segment, as team folder names are spelt. */
const OWN_FOLDER = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;
/** A link's id as the list shows it: the token's SHA-256, hex. */
const LINK_ID = /^[0-9a-f]{64}$/;

export function parseCreateLink(event: APIGatewayProxyEvent, sharing: SharingConfig): CreateLinkRequest {
  const body = parseJsonObject(event, new Set(['key', 'expiresInDays', 'version']));
  const { key, version = 'pinned' } = body;
  if (typeof key !== 'string' || key.length === 0) throw badRequest('key must be a string');
  if (version !== 'pinned' && version !== 'latest') throw badRequest('version must be "pinned" or "latest"');
  return { key, version, expiresInDays: days(body.expiresInDays, sharing) };
}

export function parseCreateFileRequest(
  event: APIGatewayProxyEvent,
  sharing: SharingConfig,
): CreateFileRequestRequest {
  const body = parseJsonObject(event, new Set(['folder', 'expiresInDays', 'maxFiles', 'maxFileBytes']));
  const { folder } = body;
  if (
    typeof folder !== 'string' ||
    !OWN_FOLDER.test(folder) ||
    folder.trim() !== folder ||
    folder.includes('..')
  ) {
    throw badRequest('folder must be a folder name: letters, digits, spaces, ".", "_" or "-"');
  }
  return {
    folder,
    expiresInDays: days(body.expiresInDays, sharing),
    maxFiles: bounded('maxFiles', body.maxFiles, sharing.fileRequestMaxFiles),
    maxFileBytes: bounded('maxFileBytes', body.maxFileBytes, sharing.fileRequestMaxFileBytes),
  };
}

export function parseRevoke(event: APIGatewayProxyEvent): { id: string } {
  const { id } = parseJsonObject(event, new Set(['id']));
  if (typeof id !== 'string' || !LINK_ID.test(id)) throw badRequest('id must be a link id from the list');
  return { id };
}

/** A visitor's upload: a name, a type the request allows, a size within its bound. */
export function parseVisitorUpload(
  event: APIGatewayProxyEvent,
  limits: { maxFileBytes: number; contentTypes: readonly string[] },
): VisitorUpload {
  const body = parseJsonObject(event, new Set(['fileName', 'contentType', 'size']));
  const { fileName, contentType } = parseUploadTarget(body);
  const { size } = body;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw badRequest('size must be a positive integer number of bytes');
  }
  if (size > limits.maxFileBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `size must be at most ${limits.maxFileBytes} bytes`);
  }
  const essence = contentType.split(';')[0].trim().toLowerCase();
  if (limits.contentTypes.length > 0 && !limits.contentTypes.includes(essence)) {
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `contentType must be one of ${limits.contentTypes.join(', ')}`,
    );
  }
  return { fileName, contentType, size };
}

function days(value: unknown, sharing: SharingConfig): number {
  if (value === undefined) return Math.min(7, sharing.maxLinkDays);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > sharing.maxLinkDays) {
    throw badRequest(`expiresInDays must be an integer from 1 to ${sharing.maxLinkDays}`);
  }
  return value;
}

function bounded(name: string, value: unknown, max: number): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw badRequest(`${name} must be an integer from 1 to ${max}`);
  }
  return value;
}
