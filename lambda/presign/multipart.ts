/**
 * Multipart uploads through the presign API: request parsing and the part plan, with no I/O.
 *
 * The plan is a pure function of the object's size, so the API keeps no state between calls: every
 * call names the size again, and each part URL signs the exact length the plan gives its number.
 * Completion lists what S3 holds and assembles the object only if it is exactly the plan, so the
 * stored object always has the size that was checked against the cap.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { MULTIPART_LIMITS } from '../../lib/validation/rules';
import { parseUploadTarget, parseJsonObject, UploadTarget } from './core';
import { badRequest, HttpError } from './http';

/** Part URLs signed per call: enough for 500 MiB of 5 MiB parts, small enough for a quick reply. */
export const MAX_PARTS_PER_REQUEST = 100;

const MIB = 1024 * 1024;
/** S3's upload ids are opaque; every one seen is base64-like. Never logged, only sent back to S3. */
const UPLOAD_ID = /^[A-Za-z0-9._~+/=-]{1,1024}$/;

export interface PartPlan {
  readonly size: number;
  /** Every part but the last has exactly this many bytes. */
  readonly partSize: number;
  readonly partCount: number;
}

/**
 * The fewest whole-MiB parts within S3's limits: 5 MiB parts up to 10,000 × 5 MiB (48.8 GiB),
 * larger ones beyond, so no object under S3's maximum needs more than 10,000 parts.
 */
export function partPlan(size: number): PartPlan {
  const needed = Math.ceil(size / MULTIPART_LIMITS.maxParts / MIB) * MIB;
  const partSize = Math.max(MULTIPART_LIMITS.minPartBytes, needed);
  return { size, partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** The length the plan gives part `partNumber` (1-based): the last part holds the remainder. */
export function partLength(plan: PartPlan, partNumber: number): number {
  return partNumber < plan.partCount ? plan.partSize : plan.size - (plan.partCount - 1) * plan.partSize;
}

/** One part S3 holds for an upload, as ListParts reports it. */
export interface StoredPart {
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
}

/**
 * Why the stored parts are not the plan, or undefined when they are: every part 1..partCount
 * present, each of the planned length, and no other. S3 would assemble any ascending subset, so
 * this check is what makes a completed object the declared file and not a fragment of it.
 */
export function planMismatch(plan: PartPlan, stored: readonly StoredPart[]): string | undefined {
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const missing: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) if (!byNumber.has(n)) missing.push(n);
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ');
    return `parts not uploaded yet: ${shown}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}`;
  }
  const extra = stored.find((part) => part.partNumber > plan.partCount);
  if (extra) return `part ${extra.partNumber} is beyond the ${plan.partCount} parts of this file`;
  const wrong = stored.find((part) => part.size !== partLength(plan, part.partNumber));
  if (wrong) {
    return `part ${wrong.partNumber} has ${wrong.size} bytes; it must have ${partLength(plan, wrong.partNumber)}`;
  }
  return undefined;
}

/** `POST /multipart-uploads`: what a single upload names, with the multipart cap on its size. */
export function parseCreateMultipartRequest(
  event: APIGatewayProxyEvent,
  maxBytes: number,
): UploadTarget & { readonly size: number } {
  const body = parseJsonObject(event, new Set(['fileName', 'contentType', 'size', 'folder']));
  const target = parseUploadTarget(body);
  return { ...target, size: parseSize(body.size, maxBytes) };
}

export interface UploadRef {
  readonly key: string;
  readonly uploadId: string;
}

/** `POST /multipart-uploads/parts`: part URLs for some part numbers of a planned upload. */
export function parseSignPartsRequest(
  event: APIGatewayProxyEvent,
  maxBytes: number,
): UploadRef & { readonly plan: PartPlan; readonly partNumbers: readonly number[] } {
  const body = parseJsonObject(event, new Set(['key', 'uploadId', 'size', 'partNumbers']));
  const plan = partPlan(parseSize(body.size, maxBytes));
  const { partNumbers } = body;
  if (
    !Array.isArray(partNumbers) ||
    partNumbers.length === 0 ||
    partNumbers.length > MAX_PARTS_PER_REQUEST ||
    !partNumbers.every((n) => Number.isSafeInteger(n) && n >= 1 && n <= plan.partCount) ||
    new Set(partNumbers).size !== partNumbers.length
  ) {
    throw badRequest(
      `partNumbers must list 1 to ${MAX_PARTS_PER_REQUEST} different part numbers from 1 to ${plan.partCount}`,
    );
  }
  return { ...uploadRef(body), plan, partNumbers };
}

/** `POST /multipart-uploads/complete`: the declared size, checked again against the cap. */
export function parseCompleteRequest(
  event: APIGatewayProxyEvent,
  maxBytes: number,
): UploadRef & { readonly plan: PartPlan } {
  const body = parseJsonObject(event, new Set(['key', 'uploadId', 'size']));
  return { ...uploadRef(body), plan: partPlan(parseSize(body.size, maxBytes)) };
}

/** `POST /multipart-uploads/status` and `/abort`: which upload. */
export function parseUploadRefRequest(event: APIGatewayProxyEvent): UploadRef {
  return uploadRef(parseJsonObject(event, new Set(['key', 'uploadId'])));
}

function uploadRef(body: Record<string, unknown>): UploadRef {
  const { key, uploadId } = body;
  if (typeof key !== 'string' || key.length === 0) throw badRequest('key must be a string');
  if (typeof uploadId !== 'string' || !UPLOAD_ID.test(uploadId)) {
    throw badRequest('uploadId must be the id POST /multipart-uploads returned');
  }
  return { key, uploadId };
}

function parseSize(size: unknown, maxBytes: number): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) {
    throw badRequest('size must be a positive integer number of bytes');
  }
  if (size > maxBytes) throw new HttpError(413, 'PayloadTooLarge', `size must be at most ${maxBytes} bytes`);
  return size;
}
