/**
 * An IAM-enforcing front for the local S3 server (s3rver). Every request is decided before s3rver
 * sees it: the session that signed it is found by its access key (and must present its session
 * token), and the IAM simulator evaluates the session role's identity policies together with the
 * bucket policy, both from the synthesized template. An allowed request is passed on unchanged,
 * and s3rver then checks its SigV4 signature with the session's secret key, which the front
 * registers with it; so a request needs both a valid signature and an IAM allow.
 *
 * With `virtualHost`, a second listener speaks HTTPS on `s3.localhost` and takes virtual-hosted
 * requests (`<bucket>.s3.localhost`), as amplify's Storage Browser sends them: the front checks
 * their signature itself, with the Host header as sent, and decides them the same way
 * (s3-virtual-host.ts).
 */
import * as http from 'http';
import { identityPoliciesOf, simulate, type Decision } from '../iam/simulate';
import { bucketCorsHeaders, withHeaders } from './cors';
import { LoopbackServer, Reply, startLoopbackServer } from './loopback-server';
import { s3Error } from './s3-error';
import { mayStoreNewObject, storesNewObject, withVersions } from './s3-version-replies';
import {
  copySourceVersionId,
  copyTaggingRequires,
  credentialOf,
  formFields,
  NotModelled,
  s3Authorization,
  type S3Authorization,
} from './s3-request';
import { listObjectsV2AsS3 } from './list-objects-v2';
import { bucketOfHost, pathStyleFor } from './s3-virtual-host';
import { checkSignature } from './sigv4';
import { sessionContext, SessionStore } from './sessions';
import type { StackModel } from './stack-model';
import { existingTagContext, EXISTING_TAG_ACTIONS, scannedPrefixes } from '../model/s3-scan-rules';
import { ScanResult, scannerStandIn } from './scanner-stand-in';
import { answerVersionedWrite, newObjectTags, replaceTags, versionedWriteOf } from './s3-versioned-requests';
import { administratorClient } from './s3-server';
import { conditionalWrites, PRECONDITION_FAILED, writePreconditionOf } from './s3-conditional-write';
import { ObjectVersions } from './object-versions';

/**
 * The front stands in for S3's HTTPS endpoint: real clients reach S3 over TLS 1.2 or 1.3, so each
 * request is evaluated as arriving over TLS 1.3 (`aws:SecureTransport`, `s3:TlsVersion`). Plain
 * HTTP is what the bucket policy denies; these local journeys do not test transport.
 */
const TRANSPORT = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

/** The header of the front's IAM refusals: the decision and the action (`ImplicitlyDenied s3:GetObject`). */
export const DECISION_HEADER = 'x-local-iam-decision';

/** One request the front decided, for assertions and the journey record. */
export interface FrontDecision {
  readonly method: string;
  readonly action: string;
  readonly resource: string;
  readonly sessionArn: string;
  readonly decision: Decision;
}

export interface S3Front extends LoopbackServer {
  readonly decisions: readonly FrontDecision[];
  /** The versions of single-PUT objects (object-versions.ts): s3rver keeps only the current one. */
  readonly versions: ObjectVersions;
  /** The HTTPS listener's host and port (`s3.localhost:<port>`), as amplify's `customEndpoint` takes it. */
  readonly virtualHostEndpoint?: string;
}

export interface S3FrontOptions {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  /** The s3rver endpoint requests are passed on to (`http://127.0.0.1:<port>`). */
  readonly s3Endpoint: string;
  readonly port?: number;
  /**
   * How long the malware scan of a new object takes, where the template has a scanning plan on the
   * bucket. @default 0: the object is tagged before its upload is answered
   */
  readonly scanDelayMs?: number;
  /** Told each finished scan, as GuardDuty sends its result to EventBridge. */
  readonly onScanResult?: (result: ScanResult) => void;
  /** How many recent decisions to keep, so a long-running local stack does not grow without bound. */
  readonly keepDecisions?: number;
  /** The HTTPS listener for virtual-hosted requests: its host (`s3.localhost`), certificate and port. */
  readonly virtualHost?: {
    readonly host: string;
    readonly key: string;
    readonly cert: string;
    readonly port?: number;
  };
}

interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
  revokeAccessKey(accessKeyId: string): void;
}

export async function startS3Front(options: S3FrontOptions): Promise<S3Front> {
  const { model, sessions } = options;
  // s3rver verifies signatures with the key pairs of its account registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const account: S3rverAccount = require('@20minutes/s3rver/lib/models/account').DUMMY_ACCOUNT;
  const registered: string[] = [];
  sessions.onIssue(({ credentials }) => {
    account.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
    registered.push(credentials.accessKeyId);
  });
  const decisions: FrontDecision[] = [];
  const versions = new ObjectVersions();
  const upstream = new URL(options.s3Endpoint);
  // Where the template puts a GuardDuty plan on the bucket, new objects are scanned and tagged;
  // every request's context carries the object's tags where S3 adds them.
  const plannedPrefixes = scannedPrefixes(model.template, model.bucketName);
  const objects = scannerStandIn({
    s3Endpoint: options.s3Endpoint,
    bucket: model.bucketName,
    prefixes: plannedPrefixes ?? [],
    delayMs: options.scanDelayMs,
    onResult: options.onScanResult,
    versions,
  });
  // The versioned writes s3rver cannot serve, which the front answers (s3-versioned-requests.ts).
  const administrator = administratorClient(options.s3Endpoint);
  const versionedDeps = {
    client: administrator,
    bucket: model.bucketName,
    versions,
    tagsOf: (key: string) => objects.tagsOf(key),
  };
  /** The tags of a version: kept with it once replaced, on s3rver's object while it is current. */
  const tagsOfVersion = async (key: string, versionId?: string | null) => {
    const kept = versionId ? versions.find(key, versionId) : undefined;
    return kept && versions.current(key) !== kept ? { ...kept.tags } : objects.tagsOf(key);
  };
  // s3rver ignores If-None-Match on writes: the front answers it (s3-conditional-write.ts).
  const conditional = conditionalWrites({ s3Endpoint: options.s3Endpoint, bucket: model.bucketName });

  const corsRules =
    (model.template.resources[model.bucketLogicalId].Properties.CorsConfiguration as any)?.CorsRules ?? [];
  const handler = (virtualHost?: string) => async (request: http.IncomingMessage, body: Buffer) => {
    const reply = await decide(request, body, virtualHost);
    // s3rver adds CORS headers to what it answers; the front's own refusals get them here.
    return reply.fromS3rver ? reply : withHeaders(reply, bucketCorsHeaders(corsRules, request));
  };
  const server = await startLoopbackServer(handler(), options.port);
  const vhost = options.virtualHost;
  const secure = vhost
    ? await startLoopbackServer(handler(vhost.host), vhost.port, vhost).catch(async (error) => {
        await server.close();
        throw error;
      })
    : undefined;

  /** `virtualHost`: the request came to the HTTPS listener, whose Host may name the bucket. */
  async function decide(
    request: http.IncomingMessage,
    body: Buffer,
    virtualHost?: string,
  ): Promise<Reply & { fromS3rver?: true }> {
    const method = request.method ?? 'GET';
    const hostBucket = virtualHost ? bucketOfHost(request.headers.host, virtualHost) : undefined;
    const toS3rver = (sign: boolean) =>
      hostBucket === undefined
        ? forward(upstream, request, body)
        : forward(
            upstream,
            request,
            body,
            pathStyleFor(
              { method, rawUrl: request.url ?? '/', headers: request.headers },
              hostBucket,
              upstream,
              model.region,
              sign,
            ),
          );
    // CORS preflights carry no credentials; S3 answers them from the bucket's CORS rules.
    if (method === 'OPTIONS') return { ...(await toS3rver(false)), fromS3rver: true };
    const headers = singleValued(request.headers);
    const url = new URL(request.url ?? '/', 'http://front');
    const form = method === 'POST' ? formFields(headers['content-type'], body) : undefined;
    const credential = credentialOf(headers, url.searchParams, form);
    if (!credential) return s3Error(403, 'AccessDenied', 'Anonymous requests are not allowed');
    const session = sessions.find(credential.accessKeyId);
    if (!session)
      return s3Error(
        403,
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
    if (credential.sessionToken !== session.credentials.sessionToken)
      return s3Error(400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.');
    if (sessions.isExpired(session)) return s3Error(400, 'ExpiredToken', 'The provided token has expired.');

    if (virtualHost) {
      // s3rver cannot check a virtual-hosted signature: the front does, on the request as sent.
      const problem = checkSignature(
        { method, rawUrl: request.url ?? '/', headers, body },
        (id) => sessions.find(id)?.credentials.secretAccessKey,
      );
      if (problem)
        return s3Error(
          problem.code === 'XAmzContentSHA256Mismatch' ? 400 : 403,
          problem.code,
          problem.message,
        );
    }

    let authorization: S3Authorization;
    let precondition: ReturnType<typeof writePreconditionOf>;
    try {
      authorization = s3Authorization(method, url, headers, form, hostBucket);
      precondition =
        authorization.key === undefined ? undefined : writePreconditionOf(method, url.searchParams, headers);
    } catch (error) {
      if (error instanceof NotModelled)
        return s3Error(501, 'NotImplemented', `Not modelled locally: ${error.message}`);
      throw error;
    }
    if (authorization.bucket !== model.bucketName)
      return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    // A copy's source, whose tags the copy may take (copyTaggingRequires).
    const copiedFrom =
      authorization.alsoRequires?.[0] &&
      objectKeyOf(authorization.alsoRequires[0].resource, model.bucketName);
    const copiedVersion = copySourceVersionId(headers['x-amz-copy-source']);
    const sourceTags = copiedFrom === undefined ? undefined : await tagsOfVersion(copiedFrom, copiedVersion);
    // Every action the request needs (a copy's source and tags too) must be allowed.
    for (const { action, resource } of [
      authorization,
      ...(authorization.alsoRequires ?? []),
      ...copyTaggingRequires(authorization, headers, sourceTags ?? {}),
    ]) {
      const key = objectKeyOf(resource, model.bucketName);
      // S3 reads the tags of the version a request names (s3:ExistingObjectTag).
      const version = resource === authorization.resource ? url.searchParams.get('versionId') : copiedVersion;
      const tags =
        key !== undefined && (EXISTING_TAG_ACTIONS as readonly string[]).includes(action)
          ? existingTagContext(action, await tagsOfVersion(key, version))
          : {};
      const { decision } = await simulate({
        identityPolicies: identityPoliciesOf(model.template, session.roleLogicalId),
        resourcePolicy: model.bucketPolicy,
        sessionPolicy: session.sessionPolicy,
        action,
        resource,
        principal: session.sessionArn,
        context: {
          ...TRANSPORT,
          ...sessionContext(session),
          ...(resource === authorization.resource ? authorization.context : {}),
          ...tags,
          's3:authType': credential.authType,
          's3:signatureversion': 'AWS4-HMAC-SHA256',
        },
      });
      if (decisions.length >= (options.keepDecisions ?? 10_000)) decisions.shift();
      decisions.push({ method, action, resource, sessionArn: session.sessionArn, decision });
      if (decision !== 'Allowed') {
        const refusal = s3Error(403, 'AccessDenied', 'Access Denied', method === 'HEAD');
        // Not S3's: says which IAM decision refused this request, for a test or a person to read.
        return withHeaders(refusal, { [DECISION_HEADER]: `${decision} ${action}` });
      }
    }
    const versionedWrite = versionedWriteOf(method, url.searchParams, headers);
    if (versionedWrite && authorization.key !== undefined) {
      // s3rver would check the signature; the front answers this request itself, so it checks it.
      const problem = virtualHost
        ? undefined
        : checkSignature(
            { method, rawUrl: request.url ?? '/', headers, body },
            (id) => sessions.find(id)?.credentials.secretAccessKey,
          );
      if (problem) return s3Error(403, problem.code, problem.message);
      const answer = await answerVersionedWrite(
        versionedWrite,
        authorization.key,
        headers,
        url.searchParams,
        versionedDeps,
      );
      if (plannedPrefixes && storesNewObject(method, url, answer))
        await objects.scanNewObject(authorization.key, answer.headers?.['x-amz-version-id']);
      return answer;
    }
    // A new object replaces the current version: that version keeps its tags (object-versions.ts).
    if (
      authorization.key !== undefined &&
      mayStoreNewObject(method, url.searchParams) &&
      versions.current(authorization.key)
    )
      versions.keepTags(authorization.key, await objects.tagsOf(authorization.key));
    const forwarded =
      precondition && authorization.key !== undefined
        ? await conditional.run(
            authorization.key,
            precondition,
            () => toS3rver(true),
            () => s3Error(PRECONDITION_FAILED.status, PRECONDITION_FAILED.code, PRECONDITION_FAILED.message),
          )
        : await toS3rver(true);
    const reply = await withVersions(
      { versions, client: administrator, bucket: model.bucketName },
      method,
      url,
      headers,
      body,
      authorization,
      forwarded,
    );
    if (authorization.key !== undefined && storesNewObject(method, url, reply)) {
      await replaceTags(
        administrator,
        model.bucketName,
        authorization.key,
        newObjectTags(headers, sourceTags),
      );
      if (plannedPrefixes)
        await objects.scanNewObject(authorization.key, reply.headers?.['x-amz-version-id']);
    }
    return {
      ...(isListing(method, authorization, reply) ? asS3Listing(reply, url) : reply),
      fromS3rver: true,
    };
  }

  return {
    url: server.url,
    decisions,
    versions,
    virtualHostEndpoint: secure && vhost ? `${vhost.host}:${new URL(secure.url).port}` : undefined,
    close: async () => {
      await secure?.close();
      await server.close();
      await objects.settle();
      objects.close();
      administrator.destroy();
      conditional.close();
      for (const accessKeyId of registered) account.revokeAccessKey(accessKeyId);
    },
  };
}

/**
 * Passes the request on byte for byte, Host header included: the signature covers it. A
 * virtual-hosted request goes as its path-style form (`as`).
 */
function forward(
  upstream: URL,
  request: http.IncomingMessage,
  body: Buffer,
  as?: { path: string; headers: http.OutgoingHttpHeaders },
): Promise<Reply> {
  const headers = { ...(as?.headers ?? request.headers) };
  if (headers['transfer-encoding']) {
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const proxied = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: as?.path ?? request.url,
        headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const replyHeaders = singleValued(response.headers);
          delete replyHeaders['transfer-encoding'];
          delete replyHeaders.connection;
          resolve({
            status: response.statusCode ?? 502,
            headers: replyHeaders as Record<string, string>,
            body: Buffer.concat(chunks),
          });
        });
        response.on('error', reject);
      },
    );
    proxied.on('error', reject);
    proxied.end(body);
  });
}

/** The key of an object ARN of the bucket (`arn:aws:s3:::<bucket>/<key>`), else undefined. */
function objectKeyOf(resource: string, bucket: string): string | undefined {
  const prefix = `arn:aws:s3:::${bucket}/`;
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : undefined;
}

/** A ListObjectsV2 that s3rver answered: its reply needs S3's KeyCount and encoding (list-objects-v2.ts). */
function isListing(method: string, authorization: S3Authorization, reply: Reply): boolean {
  return method === 'GET' && authorization.action === 's3:ListBucket' && reply.status === 200;
}

function asS3Listing(reply: Reply, url: URL): Reply {
  const body = Buffer.from(listObjectsV2AsS3(String(reply.body ?? ''), url.searchParams));
  return { ...reply, headers: { ...reply.headers, 'content-length': String(body.length) }, body };
}

function singleValued(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}
