/**
 * The three ways into the store, behind one small interface. Every route reaches the same keys,
 * `users/<okta-sub>/...`: a file uploaded one way is listed and downloaded the others.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { fromCognitoIdentityPool, fromWebToken } from '@aws-sdk/credential-providers';
import { Upload } from '@aws-sdk/lib-storage';
import { XhrHttpHandler } from '@aws-sdk/xhr-http-handler';
import type { ClientConfig } from './config';
import { resumableUpload } from './resumable-upload';
import { ListedScanState, presignRefusalMessage, taggedRefusalMessage } from './scan-state';

export interface StoredFile {
  readonly key: string;
  readonly size: number;
  /** Route 3 with malware scanning: the file's scan state, as the presign API lists it. */
  readonly scanState?: ListedScanState;
}

export interface Route {
  /** Shown on the page, so the route in use is always visible. */
  readonly label: string;
  list(): Promise<StoredFile[]>;
  /** Returns the new key and how it went up (shown to the user). */
  upload(file: File, onProgress: (fraction: number) => void): Promise<{ key: string; how: string }>;
  download(key: string): Promise<Blob>;
  /** Absent on route 3: the presign API signs uploads, listings and downloads only. */
  readonly remove?: (key: string) => Promise<void>;
  /** A team folder the user may only read: no upload, no delete (IAM refuses them anyway). */
  readonly readOnly?: boolean;
  /** The team folder it reads and writes; absent for the user's own files. */
  readonly teamFolder?: string;
}

/** S3's smallest part size (all parts but the last): files above it go up in parts, two at a time. */
const PART_SIZE = 5 * 1024 * 1024;

/** `<folder><uuid>/<name>`: the key scheme the presign API uses too. */
const keyFor = (prefix: string, file: File) => `${prefix}${crypto.randomUUID()}/${file.name}`;

/** A team folder the signed-in user belongs to (route 1 only: route 2 is personal). */
export interface TeamFolderChoice {
  readonly folder: string;
  readonly readOnly: boolean;
}

/**
 * Routes 1 and 2: AWS credentials for the Okta ID token, from the identity pool
 * (GetId + GetCredentialsForIdentity) or straight from STS (AssumeRoleWithWebIdentity),
 * then S3 itself. Large files go up in 5 MiB parts (multipart upload), with progress per byte.
 */
export function sdkRoute(
  config: ClientConfig,
  via: 'identity-pool' | 'web-identity',
  idToken: string,
  sub: string,
  team?: TeamFolderChoice,
): Route {
  const local = config.endpoints;
  const clientConfig = {
    region: config.region,
    ...(local ? { endpoint: via === 'identity-pool' ? local.cognitoIdentity : local.sts } : {}),
  };
  const credentials: S3ClientConfig['credentials'] =
    via === 'identity-pool'
      ? fromCognitoIdentityPool({
          identityPoolId: config.identityPool.id,
          logins: { [config.identityPool.loginsKey]: idToken },
          clientConfig,
        })
      : fromWebToken({
          roleArn: config.webIdentity.roleArn,
          webIdentityToken: idToken,
          roleSessionName: `web-${sub}`.slice(0, 64),
          clientConfig,
        });
  const s3 = new S3Client({
    region: config.region,
    credentials,
    // XHR reports upload progress as bytes leave, which fetch cannot.
    requestHandler: new XhrHttpHandler({}),
    // Checksums only where S3 requires them: fewer headers for CORS to allow.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(local ? { endpoint: local.s3, forcePathStyle: true } : {}),
  });
  if (local) signBucketPathWithoutSlash(s3);
  const Bucket = config.bucket;
  const prefix = team ? `teams/${team.folder}/` : `users/${sub}/`;
  return {
    label:
      (via === 'identity-pool' ? 'Route 1 · Cognito identity pool → S3' : 'Route 2 · STS web identity → S3') +
      (team ? ` · team folder ${team.folder}${team.readOnly ? ' (read only)' : ''}` : ''),
    readOnly: team?.readOnly ?? false,
    teamFolder: team?.folder,
    async list() {
      const files: StoredFile[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
        files.push(...(page.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 })));
        ContinuationToken = page.NextContinuationToken;
      } while (ContinuationToken);
      return files;
    },
    async upload(file, onProgress) {
      const Key = keyFor(prefix, file);
      const upload = new Upload({
        client: s3,
        params: { Bucket, Key, Body: file, ContentType: file.type || 'application/octet-stream' },
        partSize: PART_SIZE,
        queueSize: 2,
      });
      let parts = 0;
      upload.on('httpUploadProgress', ({ loaded, total, part }) => {
        parts = Math.max(parts, part ?? 0);
        if (total) onProgress((loaded ?? 0) / total);
      });
      await upload.done();
      // Up to one part's size goes in a single PutObject; anything larger as a multipart upload.
      return { key: Key, how: file.size > PART_SIZE ? `multipart upload, ${parts} parts` : 'one PutObject' };
    },
    async download(key) {
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
        return new Blob([new Uint8Array(await got.Body!.transformToByteArray())]);
      } catch (error) {
        // With malware scanning, S3 refuses a file not scanned clean: its tag says why.
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 403)
          throw error;
        const tagging = await s3
          .send(new GetObjectTaggingCommand({ Bucket, Key: key }))
          .catch(() => undefined);
        const message = tagging && taggedRefusalMessage(tagging.TagSet ?? []);
        throw message ? new Error(message) : error;
      }
    },
    remove: async (key) => {
      await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
  };
}

/** Route 3: the presign API, called with the user pool's ID token; the browser then talks to S3 with the URL. */
export function presignRoute(
  config: ClientConfig,
  idToken: string,
  method: 'PUT' | 'POST' = 'PUT',
  team?: TeamFolderChoice,
): Route {
  const api = presignApi(config, idToken);
  const inFolder: Record<string, string> = team ? { folder: team.folder } : {};
  return {
    label:
      `Route 3 · presign API (${method === 'PUT' ? 'presigned PUT' : 'presigned POST'})` +
      (team ? ` · team folder ${team.folder}${team.readOnly ? ' (read only)' : ''}` : ''),
    readOnly: team?.readOnly ?? false,
    teamFolder: team?.folder,
    async list() {
      const files: StoredFile[] = [];
      let nextToken: string | null = null;
      do {
        const query = new URLSearchParams({ ...inFolder, ...(nextToken ? { nextToken } : {}) }).toString();
        const page: { files: StoredFile[]; nextToken: string | null } = await api(
          'GET',
          `files${query ? `?${query}` : ''}`,
        );
        files.push(...page.files.map(({ key, size, scanState }) => ({ key, size, scanState })));
        nextToken = page.nextToken;
      } while (nextToken);
      return files;
    },
    async upload(file, onProgress) {
      if (method === 'PUT' && file.size > PART_SIZE) {
        // Above one part: the API's multipart steps, resumable after a reload of the page.
        const { key, resumedParts } = await resumableUpload(file, {
          api: (path, body) => api('POST', path, body),
          sendPart: (url, headers, bytes, onBytes) =>
            send('PUT', url, bytes, (fraction) => onBytes(fraction * bytes.size), headers),
          kept: window.localStorage,
          folder: team?.folder,
          onProgress,
        });
        return {
          key,
          how:
            resumedParts > 0
              ? `presigned multipart, resumed after ${resumedParts} parts`
              : 'presigned multipart',
        };
      }
      const contentType = file.type || 'application/octet-stream';
      const signed = await api('POST', 'uploads', {
        fileName: file.name,
        contentType,
        size: file.size,
        method,
        ...inFolder,
      });
      if (signed.method === 'PUT') {
        await send('PUT', signed.url, file, onProgress, signed.headers);
      } else {
        // A presigned POST: the policy's fields first, the file last (S3's POST Object form).
        const form = new FormData();
        for (const [name, value] of Object.entries<string>(signed.fields)) form.append(name, value);
        form.append('file', file);
        await send('POST', signed.url, form, onProgress);
      }
      return { key: signed.key, how: `presigned ${signed.method}` };
    },
    async download(key) {
      const { url } = await api('POST', 'downloads', { key });
      const got = await fetch(url);
      if (!got.ok) throw new Error(`download: ${got.status}`);
      return got.blob();
    },
  };
}

/** The team folders the presign API says the caller belongs to (its `GET /folders`). */
export async function presignFolders(config: ClientConfig, idToken: string): Promise<TeamFolderChoice[]> {
  const { folders } = await presignApi(config, idToken)('GET', 'folders');
  return (folders as { folder: string; access: string }[]).map(({ folder, access }) => ({
    folder,
    readOnly: access === 'read',
  }));
}

/** A call to the presign API with the user pool's ID token; a refusal becomes an error with its message. */
function presignApi(config: ClientConfig, idToken: string) {
  return async (verb: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, config.presignApi.url), {
      method: verb,
      headers: {
        Authorization: `Bearer ${idToken}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json();
    const scan = response.ok ? undefined : presignRefusalMessage(response.status, json.error);
    if (scan) throw new Error(scan);
    if (!response.ok) throw new Error(`${verb} ${path}: ${response.status} ${json.message ?? json.error}`);
    return json;
  };
}

/** An XHR upload, for its progress events. Signed headers are sent as signed; the browser sets Content-Length. */
function send(
  verb: string,
  url: string,
  body: Blob | FormData,
  onProgress: (fraction: number) => void,
  headers: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(verb, url);
    for (const [name, value] of Object.entries(headers))
      if (name !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      xhr.status < 300 ? resolve() : reject(new Error(`upload: ${xhr.status} ${xhr.responseText}`));
    xhr.onerror = () => reject(new Error('upload: network error (CORS?)'));
    xhr.send(body);
  });
}

/**
 * Local S3 only: the SDK signs a bucket-level request (ListObjectsV2) on `/<bucket>/`, the local
 * S3 server checks it on `/<bucket>`. S3 itself accepts both; this is never added for AWS.
 */
function signBucketPathWithoutSlash(client: S3Client): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path?: string };
      if (request.path && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
      return next(args);
    },
    { step: 'build', name: 'signBucketPathWithoutSlash' },
  );
}
