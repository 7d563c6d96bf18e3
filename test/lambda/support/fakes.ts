import { HttpError } from '../../../lambda/presign/http';
import type { AssumeRoleCommand, AssumeRoleCommandInput, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PresignConfig } from '../../../lambda/presign/config';
import type { AssumeRoleClient } from '../../../lambda/presign/credentials';
import { S3RVER_KEY } from '../../../emulator/services/s3-server';
import {
  authenticate,
  authorize,
  flattenClaims,
  MethodAuthorization,
  proxyEvent,
} from '../../../emulator/model/apigateway-cognito-authorizer';
import { federatedIdTokenClaims, signWithPool, testUserPool } from '../../../emulator/model/cognito-id-token';

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
    maxMultipartUploadBytes: 64 * 1024 * 1024,
    listPageSize: 100,
    allowedOrigins: [ALLOWED_ORIGIN, 'http://localhost:5173'],
    identityProviderName: PROVIDER,
    allowedClientIds: [CLIENT_ID],
    usersPrefix: 'users/',
    teamsPrefix: 'teams/',
    teamFolders: [],
    teamMembershipMaxAgeSeconds: 3600,
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
  /** The Okta sub of the federated caller whose ID token is sent; `null` sends no token and no claims. */
  readonly sub?: unknown;
  /** Changes to the token Cognito issued to that caller (a claim set to `undefined` is left out). */
  readonly claimChanges?: Record<string, unknown>;
  /** Changes to the authorizer's claims only, so that they disagree with the token sent. */
  readonly claimOverrides?: Record<string, unknown>;
  /** The whole authorizer claims value instead, however odd. */
  readonly claims?: unknown;
  /** Authorization header value(s) instead of `Bearer <the caller's token>`; `null` sends none. */
  readonly authorization?: string | readonly string[] | null;
  readonly body?: unknown;
  readonly rawBody?: string | null;
  readonly headers?: Record<string, string> | null;
  readonly query?: Record<string, string> | null;
}

/** The user pool the tests' tokens come from, and the presign methods' authorizer (no scopes). */
export const POOL = testUserPool();
export const METHOD_AUTHORIZATION: MethodAuthorization = { userPools: [POOL] };

/**
 * The ID token Cognito issues to a user federated from Okta with this sub (see
 * emulator/model/cognito-id-token.ts), with `changes` applied to its payload before signing.
 */
export function callerToken(sub: unknown, changes: Record<string, unknown> = {}): string {
  const claims = federatedIdTokenClaims(POOL, {
    oktaSub: String(sub),
    providerName: PROVIDER,
    clientId: CLIENT_ID,
  });
  if (typeof sub !== 'string') (claims.identities as Record<string, unknown>[])[0].userId = sub;
  const changed = { ...claims, ...changes };
  return signWithPool(POOL, Object.fromEntries(Object.entries(changed).filter(([, v]) => v !== undefined)));
}

/**
 * The claims the authorizer passes for a token it lets through. A token of the pool that the
 * presign methods refuse only for its `token_use` (an access token, a misspelt use) gets the claims
 * an authorizer would render for it all the same: the Lambda must refuse such a token on its own,
 * should a method ever gain scopes (then it takes access tokens). Throws for a token no authorizer
 * of the pool would pass (bad signature, issuer or expiry).
 */
export function authorizerClaimsOf(token: string): Record<string, string> {
  const decision = authorize(`Bearer ${token}`, METHOD_AUTHORIZATION);
  if (decision.allowed) return decision.claims;
  const payload = authenticate(`Bearer ${token}`, METHOD_AUTHORIZATION.userPools);
  if (!payload) throw new Error(`The authorizer refuses this token (${decision.status})`);
  return flattenClaims(payload);
}

/** A REST API proxy event as API Gateway sends it after the Cognito authorizer let the token through. */
export function apiEvent(options: RequestOptions): APIGatewayProxyEvent {
  const token = options.sub === null ? undefined : callerToken(options.sub ?? ALICE, options.claimChanges);
  const claims =
    options.claims !== undefined
      ? options.claims
      : token === undefined
        ? undefined
        : { ...authorizerClaimsOf(token), ...options.claimOverrides };
  const authorization =
    options.authorization !== undefined ? options.authorization : token && `Bearer ${token}`;
  const authorizationHeaders = [authorization ?? []].flat().map((value) => ['Authorization', value] as const);
  const headers =
    options.headers === null
      ? null
      : [
          ...Object.entries(options.headers ?? { 'Content-Type': 'application/json' }),
          ...authorizationHeaders,
        ];
  const body =
    options.rawBody !== undefined
      ? options.rawBody
      : options.body === undefined
        ? null
        : JSON.stringify(options.body);
  return proxyEvent({
    method: options.method,
    resource: options.resource,
    headers,
    body,
    query: options.query,
    claims,
  });
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
