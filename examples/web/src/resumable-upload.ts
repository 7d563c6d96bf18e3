/**
 * A large upload through the presign API's multipart steps that survives a page reload. The key
 * and upload id are kept in the browser's storage under the file's name, size and date; after a
 * reload the same file picks up where it stopped: the API says which parts S3 already holds, and
 * only the rest are sent. Nothing else is kept: no bytes, no URLs (they are bearer secrets).
 */

/** The API's multipart steps, as `presignApi` calls them: `POST <path>` with a JSON body. */
export type MultipartApi = <Answer>(path: string, body: unknown) => Promise<Answer>;

/** The fields of the API's answers this client reads (docs/REFERENCE.md, large files). */
interface Created {
  readonly key: string;
  readonly uploadId: string;
  readonly partSize: number;
  readonly partCount: number;
}
interface Status {
  readonly parts: readonly { partNumber: number; size: number }[];
}
interface Signed {
  readonly parts: readonly { partNumber: number; url: string; headers: Record<string, string> }[];
}

/** Sends one part's bytes to its presigned URL with its signed headers; reports bytes sent. */
export type PartSender = (
  url: string,
  headers: Record<string, string>,
  bytes: Blob,
  onBytes: (sent: number) => void,
) => Promise<void>;

/** What is kept between page loads (`localStorage` in the browser). */
export interface KeptUploads {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ResumableUploadOptions {
  readonly api: MultipartApi;
  readonly sendPart: PartSender;
  readonly kept: KeptUploads;
  /** A team folder to upload into; the caller's own files when absent. */
  readonly folder?: string;
  /** Parts in flight at once. */
  readonly concurrency?: number;
  readonly onProgress?: (fraction: number) => void;
}

interface KeptUpload {
  readonly key: string;
  readonly uploadId: string;
  readonly partSize: number;
  readonly partCount: number;
}

/** Part URLs asked for at a time: they expire, so a slow upload signs as it goes. */
const SIGN_BATCH = 8;

/** The name a file's upload is kept under: the same file (name, size, date) resumes, another does not. */
export function keptUploadName(file: File, folder?: string): string {
  return `okta-s3-upload:${folder ?? ''}:${file.name}:${file.size}:${file.lastModified}`;
}

/** Uploads `file` in parts, resuming a kept upload of the same file; returns the object's key. */
export async function resumableUpload(
  file: File,
  options: ResumableUploadOptions,
): Promise<{ key: string; resumedParts: number }> {
  const { api, kept } = options;
  const name = keptUploadName(file, options.folder);
  let upload = readKept(kept, name);
  let held = new Map<number, number>();
  if (upload) {
    try {
      const status = await api<Status>('multipart-uploads/status', {
        key: upload.key,
        uploadId: upload.uploadId,
      });
      held = new Map(status.parts.map((p) => [p.partNumber, p.size]));
    } catch {
      upload = undefined; // aborted, completed or expired: start again
    }
  }
  if (!upload) {
    const created = await api<Created>('multipart-uploads', {
      fileName: file.name,
      contentType: file.type || 'application/octet-stream',
      size: file.size,
      ...(options.folder ? { folder: options.folder } : {}),
    });
    upload = {
      key: created.key,
      uploadId: created.uploadId,
      partSize: created.partSize,
      partCount: created.partCount,
    };
    kept.setItem(name, JSON.stringify(upload));
  }
  const { key, uploadId, partSize, partCount } = upload;
  const lengthOf = (n: number) => (n < partCount ? partSize : file.size - (partCount - 1) * partSize);
  const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter(
    (n) => held.get(n) !== lengthOf(n),
  );
  const resumedParts = partCount - missing.length;

  const sentBytes = new Map<number, number>();
  const alreadyHeld = (partCount - missing.length) * partSize;
  const report = () => {
    const sent = [...sentBytes.values()].reduce((a, b) => a + b, 0);
    options.onProgress?.(Math.min(1, (Math.min(alreadyHeld, file.size) + sent) / file.size));
  };
  report();
  const queue = [...missing];
  const worker = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, SIGN_BATCH);
      const { parts } = await api<Signed>('multipart-uploads/parts', {
        key,
        uploadId,
        size: file.size,
        partNumbers: batch,
      });
      for (const part of parts) {
        const start = (part.partNumber - 1) * partSize;
        await options.sendPart(
          part.url,
          part.headers,
          file.slice(start, start + lengthOf(part.partNumber)),
          (sent) => {
            sentBytes.set(part.partNumber, sent);
            report();
          },
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 3 }, worker));
  await api('multipart-uploads/complete', { key, uploadId, size: file.size });
  kept.removeItem(name);
  return { key, resumedParts };
}

function readKept(kept: KeptUploads, name: string): KeptUpload | undefined {
  try {
    const value = JSON.parse(kept.getItem(name) ?? 'null');
    return typeof value?.key === 'string' && typeof value?.uploadId === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
