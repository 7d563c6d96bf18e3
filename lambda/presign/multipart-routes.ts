/**
 * `POST /multipart-uploads` and its four steps: part URLs, status (for resuming), complete, abort.
 * A key outside what the caller may write, and an upload S3 does not know for that key, both get
 * the same 404, so no caller learns whether another user's upload exists.
 */
import { HttpError, notFound } from './http';
import { isKeyUnder } from './keys';
import {
  MAX_PARTS_PER_REQUEST,
  parseCompleteRequest,
  parseCreateMultipartRequest,
  parseSignPartsRequest,
  parseUploadRefRequest,
  partLength,
  partPlan,
  planMismatch,
  UploadRef,
} from './multipart';
import { newUploadKey, Route, RouteRequest, writablePrefixFor } from './route-request';

async function createMultipartUpload(request: RouteRequest) {
  const { event, config, storage } = request;
  const upload = parseCreateMultipartRequest(event, config.maxMultipartUploadBytes);
  const key = newUploadKey(request, upload.fileName, upload.folder);
  const uploadId = await (await storage()).createMultipartUpload(key, upload.contentType);
  const { partSize, partCount } = partPlan(upload.size);
  return { key, uploadId, size: upload.size, partSize, partCount, maxPartsPerRequest: MAX_PARTS_PER_REQUEST };
}

async function signParts(request: RouteRequest) {
  const { event, config, signing, expiresAt, storage } = request;
  const { key, uploadId, plan, partNumbers } = parseSignPartsRequest(event, config.maxMultipartUploadBytes);
  mustBeWritable(request, { key, uploadId });
  const s3 = await storage();
  const parts = await Promise.all(
    partNumbers.map(async (partNumber) => {
      const length = partLength(plan, partNumber);
      const url = await s3.presignUploadPart(key, uploadId, partNumber, length, signing);
      return { partNumber, url, headers: { 'content-length': String(length) } };
    }),
  );
  return { key, uploadId, parts, expiresAt: expiresAt.toISOString() };
}

/** What S3 already holds, so a client that lost its place (a reload) sends only what is missing. */
async function uploadStatus(request: RouteRequest) {
  const ref = parseUploadRefRequest(request.event);
  mustBeWritable(request, ref);
  const stored = await (await request.storage()).listParts(ref.key, ref.uploadId);
  if (stored === undefined) throw notFound();
  return { ...ref, parts: stored.map(({ partNumber, size }) => ({ partNumber, size })) };
}

async function completeMultipartUpload(request: RouteRequest) {
  const { key, uploadId, plan } = parseCompleteRequest(request.event, request.config.maxMultipartUploadBytes);
  mustBeWritable(request, { key, uploadId });
  const s3 = await request.storage();
  const stored = await s3.listParts(key, uploadId);
  if (stored === undefined) throw notFound();
  const mismatch = planMismatch(plan, stored);
  if (mismatch !== undefined) throw new HttpError(409, 'Conflict', `The upload is not complete: ${mismatch}`);
  await s3.completeMultipartUpload(key, uploadId, stored);
  return { key, size: plan.size };
}

async function abortMultipartUpload(request: RouteRequest) {
  const ref = parseUploadRefRequest(request.event);
  mustBeWritable(request, ref);
  if (!(await (await request.storage()).abortMultipartUpload(ref.key, ref.uploadId))) throw notFound();
  return { key: ref.key, aborted: true };
}

function mustBeWritable(request: RouteRequest, { key }: UploadRef): void {
  const prefix = writablePrefixFor(request, key);
  if (prefix === undefined || !isKeyUnder(prefix, key)) throw notFound();
}

export const MULTIPART_ROUTES: Record<string, Route> = {
  'POST /multipart-uploads': createMultipartUpload,
  'POST /multipart-uploads/parts': signParts,
  'POST /multipart-uploads/status': uploadStatus,
  'POST /multipart-uploads/complete': completeMultipartUpload,
  'POST /multipart-uploads/abort': abortMultipartUpload,
};
