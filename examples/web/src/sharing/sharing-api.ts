/**
 * The presign API's sharing calls, for the file browser: the owner's calls carry the user pool's ID
 * token (the API's Cognito authorizer accepts no other), the visitor's carry nothing but the link.
 * A refusal becomes a `SharingProblem` whose message is in words (./words.ts).
 */
import { problemText, type RequestLimits } from './words';

export interface SharingLimits {
  readonly maxLinkDays: number;
  readonly fileRequestMaxFiles: number;
  readonly fileRequestMaxFileBytes: number;
  readonly fileRequestContentTypes: readonly string[];
}

export interface ShareLink {
  readonly id: string;
  readonly key: string;
  readonly version: 'pinned' | 'latest';
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revoked: boolean;
}

export interface FileRequest {
  readonly id: string;
  readonly folder: string;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly contentTypes: readonly string[];
  readonly uploads: number;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revoked: boolean;
}

/** A refusal or failure of a sharing call, with its message for people and its HTTP status. */
export class SharingProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = typeof fetch;

async function call<T>(fetchImpl: Fetch, url: URL, init: RequestInit, visitor = false): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, cache: 'no-store' });
  } catch {
    throw new SharingProblem(0, problemText(0, visitor));
  }
  if (!response.ok) throw new SharingProblem(response.status, problemText(response.status, visitor));
  return (await response.json()) as T;
}

/** The owner's calls, with the user pool's ID token of the person signed in. */
export function ownerApi(apiUrl: string, idToken: string, fetchImpl: Fetch = fetch.bind(globalThis)) {
  const at = (path: string) => new URL(path, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  const send = <T>(verb: 'GET' | 'POST', path: string, body?: unknown) =>
    call<T>(fetchImpl, at(path), {
      method: verb,
      headers: {
        Authorization: `Bearer ${idToken}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    listLinks: (): Promise<{ links: ShareLink[]; limits: SharingLimits }> => send('GET', 'share-links'),
    createLink: (
      key: string,
      expiresInDays: number,
      version: ShareLink['version'],
    ): Promise<ShareLink & { token: string }> => send('POST', 'share-links', { key, expiresInDays, version }),
    revokeLink: (id: string): Promise<unknown> => send('POST', 'share-links/revoke', { id }),
    listRequests: (): Promise<{ requests: FileRequest[]; limits: SharingLimits }> =>
      send('GET', 'file-requests'),
    createRequest: (input: {
      folder: string;
      expiresInDays: number;
      maxFiles: number;
      maxFileBytes: number;
    }): Promise<FileRequest & { token: string }> => send('POST', 'file-requests', input),
    revokeRequest: (id: string): Promise<unknown> => send('POST', 'file-requests/revoke', { id }),
  };
}

export type OwnerApi = ReturnType<typeof ownerApi>;

/** A visitor's calls: the token is the only credential. */
export function visitorApi(apiUrl: string, token: string, fetchImpl: Fetch = fetch.bind(globalThis)) {
  const base = apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`;
  return {
    limits: (): Promise<RequestLimits> =>
      call(fetchImpl, new URL(`r/${token}`, base), { method: 'GET' }, true),
    signUpload: (file: {
      fileName: string;
      contentType: string;
      size: number;
    }): Promise<{ url: string; headers: Record<string, string>; name: string }> =>
      call(
        fetchImpl,
        new URL(`r/${token}/uploads`, base),
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(file) },
        true,
      ),
  };
}
