import { HttpError } from '../../../lambda/presign/http';
import type { AssumeRoleCommand, AssumeRoleCommandInput, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PresignConfig } from '../../../lambda/presign/config';
import type { AssumeRoleClient } from '../../../lambda/presign/credentials';
import { S3RVER_KEY } from './local-s3';

export const ALICE = '00uAlice0000000000a1';
export const BOB = '00uBob000000000000b2';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/presign';
export const ALLOWED_ORIGIN = 'https://files.test.example';
export const PROVIDER = 'Okta';
/** The app client the tests' tokens are issued to (their `aud`), and the one the config allows. */
export const CLIENT_ID = '4b1abcdefghijklmnopqrstu12';

export function presignConfig(overrides: Partial<PresignConfig> = {}): PresignConfig {
  return {
    bucketName: 'user-files-test',
    presignRoleArn: ROLE_ARN,
    urlExpirySeconds: 300,
    maxUploadBytes: 1024 * 1024,
    listPageSize: 100,
    allowedOrigins: [ALLOWED_ORIGIN, 'http://localhost:5173'],
    identityProviderName: PROVIDER,
    allowedClientIds: [CLIENT_ID],
    region: 'eu-west-1',
    ...overrides,
  };
}

export interface StubSts extends AssumeRoleClient {
  readonly calls: AssumeRoleCommandInput[];
}

/**
 * Stands in for STS: returns s3rver's key pair as "session" credentials valid for `lifetimeSeconds`
 * from `now()`. The local S3 checks signatures, not IAM; that a tagged session reaches only its
 * own prefix is proven separately by the IAM policy simulation of the synthesized presign role.
 */
export function stubSts(now: () => Date = () => new Date(), lifetimeSeconds = 3600): StubSts {
  const calls: AssumeRoleCommandInput[] = [];
  return {
    calls,
    send: async (command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput> => {
      calls.push(command.input);
      return {
        $metadata: {},
        Credentials: {
          AccessKeyId: S3RVER_KEY.accessKeyId,
          SecretAccessKey: S3RVER_KEY.secretAccessKey,
          SessionToken: `stub-session-${calls.length}`,
          Expiration: new Date(now().getTime() + lifetimeSeconds * 1000),
        },
      };
    },
  };
}

export interface RequestOptions {
  readonly method: string;
  readonly resource: string;
  /** The federated caller whose ID-token claims the authorizer passes; `null` means no authorizer. */
  readonly sub?: unknown;
  /** Changes to that caller's claims; a claim set to `undefined` is left out. */
  readonly claimChanges?: Record<string, unknown>;
  /** The whole claims value instead, however odd. */
  readonly claims?: unknown;
  readonly body?: unknown;
  readonly rawBody?: string | null;
  readonly headers?: Record<string, string> | null;
  readonly query?: Record<string, string> | null;
}

/**
 * The ID-token claims API Gateway's Cognito authorizer passes for a user federated from Okta:
 * Cognito names the user `<provider>_<okta sub>` and maps Okta's `sub` to `custom:okta_sub`.
 */
export function callerClaims(sub: unknown, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    sub: '6f1c2d3e-0000-4000-8000-00000000a1b2', // the user pool's own id, which nothing here uses
    token_use: 'id',
    aud: CLIENT_ID,
    'cognito:username': `${PROVIDER}_${String(sub)}`,
    'custom:okta_sub': sub,
    ...changes,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** A REST API proxy event as API Gateway sends it after the Cognito authorizer. */
export function apiEvent(options: RequestOptions): APIGatewayProxyEvent {
  const claims =
    options.claims !== undefined
      ? options.claims
      : options.sub === null
        ? undefined
        : callerClaims(options.sub, options.claimChanges);
  const body =
    options.rawBody !== undefined
      ? options.rawBody
      : options.body === undefined
        ? null
        : JSON.stringify(options.body);
  return {
    resource: options.resource,
    path: options.resource,
    httpMethod: options.method,
    headers: (options.headers === undefined
      ? { 'Content-Type': 'application/json' }
      : options.headers) as APIGatewayProxyEvent['headers'],
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: claims === undefined ? null : { claims },
      protocol: 'HTTP/1.1',
      httpMethod: options.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${options.resource}`,
      stage: 'v1',
      requestId: 'request-1',
      requestTimeEpoch: 0,
      resourceId: 'resource',
      resourcePath: options.resource,
    },
  };
}

export interface ParsedResponse {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly body: any;
}

export function parse(response: APIGatewayProxyResult): ParsedResponse {
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
}

/** The signed headers minus Content-Length, which fetch derives from the body (browsers forbid setting it). */
export function headersForFetch(signed: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(signed).filter(([name]) => name.toLowerCase() !== 'content-length'),
  );
}

/** The HTTP status a core function refuses with, or 'ok'. */
export function statusOf(action: () => unknown): number | 'ok' {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof HttpError) return error.status;
    throw error;
  }
}
