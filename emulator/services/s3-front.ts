/**
 * An IAM-enforcing front for the local S3 server (s3rver). Every request is decided before s3rver
 * sees it: the session that signed it is found by its access key (and must present its session
 * token), and the IAM simulator evaluates the session role's identity policies together with the
 * bucket policy, both from the synthesized template. An allowed request is passed on unchanged,
 * and s3rver then checks its SigV4 signature with the session's secret key, which the front
 * registers with it; so a request needs both a valid signature and an IAM allow.
 */
import * as http from 'http';
import { randomUUID } from 'crypto';
import { identityPoliciesOf, simulate, type Decision } from '../iam/simulate';
import { bucketCorsHeaders, withHeaders } from './cors';
import { LoopbackServer, Reply, startLoopbackServer, xmlText } from './loopback-server';
import { credentialOf, formFields, NotModelled, s3Authorization } from './s3-request';
import { sessionContext, SessionStore } from './sessions';
import type { StackModel } from './stack-model';

/**
 * The front stands in for S3's HTTPS endpoint: real clients reach S3 over TLS 1.2 or 1.3, so each
 * request is evaluated as arriving over TLS 1.3 (`aws:SecureTransport`, `s3:TlsVersion`). Plain
 * HTTP is what the bucket policy denies; these local journeys do not test transport.
 */
const TRANSPORT = { 'aws:SecureTransport': 'true', 's3:TlsVersion': '1.3' };

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
}

export interface S3FrontOptions {
  readonly model: StackModel;
  readonly sessions: SessionStore;
  /** The s3rver endpoint requests are passed on to (`http://127.0.0.1:<port>`). */
  readonly s3Endpoint: string;
  readonly port?: number;
  /** How many recent decisions to keep, so a long-running local stack does not grow without bound. */
  readonly keepDecisions?: number;
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
  const upstream = new URL(options.s3Endpoint);

  const corsRules =
    (model.template.resources[model.bucketLogicalId].Properties.CorsConfiguration as any)?.CorsRules ?? [];
  const server = await startLoopbackServer(async (request, body) => {
    const reply = await decide(request, body);
    // s3rver adds CORS headers to what it answers; the front's own refusals get them here.
    return reply.fromS3rver ? reply : withHeaders(reply, bucketCorsHeaders(corsRules, request));
  }, options.port);

  async function decide(request: http.IncomingMessage, body: Buffer): Promise<Reply & { fromS3rver?: true }> {
    const method = request.method ?? 'GET';
    // CORS preflights carry no credentials; S3 answers them from the bucket's CORS rules.
    if (method === 'OPTIONS') return { ...(await forward(upstream, request, body)), fromS3rver: true };
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

    let authorization;
    try {
      authorization = s3Authorization(method, url, headers, form);
    } catch (error) {
      if (error instanceof NotModelled)
        return s3Error(501, 'NotImplemented', `Not modelled locally: ${error.message}`);
      throw error;
    }
    if (authorization.bucket !== model.bucketName)
      return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const { decision } = await simulate({
      identityPolicies: identityPoliciesOf(model.template, session.roleLogicalId),
      resourcePolicy: model.bucketPolicy,
      action: authorization.action,
      resource: authorization.resource,
      principal: session.sessionArn,
      context: {
        ...TRANSPORT,
        ...sessionContext(session),
        ...authorization.context,
        's3:authType': credential.authType,
        's3:signatureversion': 'AWS4-HMAC-SHA256',
      },
    });
    if (decisions.length >= (options.keepDecisions ?? 10_000)) decisions.shift();
    decisions.push({
      method,
      action: authorization.action,
      resource: authorization.resource,
      sessionArn: session.sessionArn,
      decision,
    });
    if (decision !== 'Allowed') return s3Error(403, 'AccessDenied', 'Access Denied', method === 'HEAD');
    return { ...(await forward(upstream, request, body)), fromS3rver: true };
  }

  return {
    url: server.url,
    decisions,
    close: async () => {
      await server.close();
      for (const accessKeyId of registered) account.revokeAccessKey(accessKeyId);
    },
  };
}

/** Passes the request on byte for byte, Host header included: the signature covers it. */
function forward(upstream: URL, request: http.IncomingMessage, body: Buffer): Promise<Reply> {
  const headers = { ...request.headers };
  if (headers['transfer-encoding']) {
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const proxied = http.request(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
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

function singleValued(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}

/** S3's error document ("Error responses", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
function s3Error(status: number, code: string, message: string, noBody = false): Reply {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: noBody
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message>` +
        `<RequestId>${randomUUID()}</RequestId></Error>`,
  };
}
