/**
 * API Gateway's REST `COGNITO_USER_POOLS` authorizer: which requests it lets through, and the
 * Lambda proxy event it then builds. Each rule cites where it comes from.
 */
import { verify } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ResolvedTemplate } from '../iam/resolve-template';
import { issuerOf, TestUserPool } from './cognito-id-token';

export interface MethodAuthorization {
  /** The pools of the authorizer's `ProviderARNs`. */
  readonly userPools: readonly TestUserPool[];
  /** The method's `AuthorizationScopes`; none means it takes ID tokens. */
  readonly authorizationScopes?: readonly string[];
}

export type AuthorizerDecision =
  | { readonly allowed: true; readonly claims: Record<string, string> }
  | { readonly allowed: false; readonly status: 401 };

/** Every refusal of a Cognito authorizer is 401 (see `authorize`). */
const refuse = (status: 401): AuthorizerDecision => ({ allowed: false, status });

/**
 * The authorizer's decision on one Authorization header value.
 *
 * - It verifies the token against the pool: signature by the pool's key, `iss` of the pool, `exp`
 *   in the future ("Verifying a JSON Web Token", Cognito developer guide); anything else is 401.
 * - With scopes, an access token whose `scope` includes one of them: "Otherwise, the call fails
 *   with a 401 Unauthorized response"; "If the OAuth Scopes option isn't specified, API Gateway
 *   treats the supplied token as an identity token" ("Integrate a REST API with an Amazon Cognito
 *   user pool", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-enable-cognito-user-pool.html).
 *   So a method without scopes refuses an access token with 401 too ("If you didn't configure any
 *   scopes on the API Gateway method, then make sure that you use a valid ID token",
 *   https://repost.aws/knowledge-center/api-gateway-cognito-401-unauthorized).
 * - The raw token and `Bearer <token>` are both accepted (observed in captured REST events, e.g.
 *   aws-powertools/powertools-lambda-typescript#2624; not documented).
 */
export function authorize(
  header: string | undefined,
  method: MethodAuthorization,
  nowSeconds = Math.floor(Date.now() / 1000),
): AuthorizerDecision {
  const payload = authenticate(header, method.userPools, nowSeconds);
  if (!payload) return refuse(401);
  const scopes = method.authorizationScopes ?? [];
  if (scopes.length > 0) {
    const granted = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (payload.token_use !== 'access' || !scopes.some((s) => granted.includes(s))) return refuse(401);
  } else if (payload.token_use !== 'id') {
    return refuse(401);
  }
  return { allowed: true, claims: flattenClaims(payload) };
}

/**
 * The checks the authorizer makes of any token before it looks at its use and scopes: an RS256
 * signature by a key of one of the pools, that pool's `iss`, `exp` in the future. The token's
 * payload, or undefined.
 */
export function authenticate(
  header: string | undefined,
  userPools: readonly TestUserPool[],
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, unknown> | undefined {
  if (header === undefined) return undefined;
  const token = /^Bearer /i.test(header) ? header.slice(7) : header;
  const [encodedHeader, encodedPayload, signature, ...rest] = token.split('.');
  if (!encodedHeader || !encodedPayload || !signature || rest.length) return undefined;
  const jose = parseJson(encodedHeader);
  const payload = parseJson(encodedPayload);
  if (!jose || !payload || jose.alg !== 'RS256') return undefined;
  const pool = userPools.find((p) => p.keyId === jose.kid && issuerOf(p) === payload.iss);
  const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  if (!pool || !verify('sha256', signed, pool.publicKey, Buffer.from(signature, 'base64url')))
    return undefined;
  if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) return undefined;
  return payload;
}

/**
 * `requestContext.authorizer.claims`: every claim as a string (undocumented; reported in
 * awsdocs/amazon-api-gateway-developer-guide#158). Captured REST events show the shapes:
 * `exp` and `iat` as Java date text in UTC (`Thu Sep 11 22:58:16 UTC 2025`), `auth_time` and
 * other numbers as decimal, lists as their elements joined by `,` (`cognito:groups`:
 * `admin,staging-manager`), and an `identities` entry as its JSON object text.
 */
export function flattenClaims(payload: Record<string, unknown>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    flat[name] =
      (name === 'exp' || name === 'iat') && typeof value === 'number' ? javaUtcDate(value) : render(value);
  }
  return flat;
}

function render(value: unknown): string {
  if (Array.isArray(value)) return value.map(render).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** `Thu, 11 Sep 2025 22:58:16 GMT` rearranged as Java's `Date#toString` writes it in UTC. */
function javaUtcDate(seconds: number): string {
  const [day, date, month, year, time] = new Date(seconds * 1000).toUTCString().split(' ');
  return `${day.replace(',', '')} ${month} ${date} ${time} UTC ${year}`;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface ProxyRequest {
  readonly method: string;
  readonly resource: string;
  /** Request headers as sent; a name may repeat (several values). */
  readonly headers: readonly (readonly [string, string])[] | null;
  readonly body: string | null;
  readonly query?: Record<string, string> | null;
  /** The authorizer's claims; `undefined` gives no authorizer context. */
  readonly claims?: unknown;
}

/**
 * The Lambda proxy event for a request that passed the authorizer: `headers` keeps the last value
 * of each header and `multiValueHeaders` all of them ("Set up a proxy integration", input format:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html).
 */
export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of request.headers ?? []) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return {
    resource: request.resource,
    path: request.resource,
    httpMethod: request.method,
    headers: (request.headers === null ? null : single) as APIGatewayProxyEvent['headers'],
    multiValueHeaders: (request.headers === null ? null : multi) as APIGatewayProxyEvent['multiValueHeaders'],
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: request.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: request.claims === undefined ? null : { claims: request.claims },
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/v1${request.resource}`,
      stage: 'v1',
      requestId: 'request-1',
      requestTimeEpoch: 0,
      resourceId: 'resource',
      resourcePath: request.resource,
    },
  };
}

/**
 * The authorization of one synthesized `AWS::ApiGateway::Method`: its `AuthorizationScopes`, and
 * the pools of its authorizer (`ProviderARNs` matched against the pools given, by pool id).
 */
export function methodAuthorizationOf(
  template: ResolvedTemplate,
  methodLogicalId: string,
  pools: readonly TestUserPool[],
): MethodAuthorization {
  const { resources } = template;
  const method = resources[methodLogicalId];
  if (method?.Type !== 'AWS::ApiGateway::Method') throw new Error(`${methodLogicalId} is not a method`);
  if (method.Properties.AuthorizationType !== 'COGNITO_USER_POOLS') return { userPools: [] };
  const authorizerId = Object.keys(resources).find(
    (id) =>
      resources[id].Type === 'AWS::ApiGateway::Authorizer' &&
      template.ref(id) === method.Properties.AuthorizerId,
  );
  const authorizer = authorizerId === undefined ? undefined : resources[authorizerId];
  if (authorizer?.Type !== 'AWS::ApiGateway::Authorizer')
    throw new Error(`${methodLogicalId} has no authorizer`);
  const arns = (authorizer.Properties.ProviderARNs as unknown[]).map(String);
  return {
    userPools: pools.filter((pool) => arns.some((arn) => arn.endsWith(`:userpool/${pool.poolId}`))),
    authorizationScopes: method.Properties.AuthorizationScopes as string[] | undefined,
  };
}

/**
 * Rule: every method but OPTIONS (the CORS preflight, which browsers send without credentials) is
 * authorized by a `COGNITO_USER_POOLS` authorizer of the template's user pool that reads the
 * `Authorization` header, with no scopes, so that it takes the ID token the Lambda reads
 * ("Integrate a REST API with an Amazon Cognito user pool", linked above; AWS::ApiGateway::Authorizer
 * IdentitySource: "method.request.header.Authorization" for a Cognito authorizer,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-authorizer.html).
 */
export function methodAuthorizationProblems(
  template: ResolvedTemplate,
  /**
   * Top-level paths whose methods are deliberately open to API Gateway and authenticated by their
   * function instead (the Okta event hook: Okta sends a shared secret, not a Cognito token).
   */
  openPaths: readonly string[] = [],
): string[] {
  const { resources } = template;
  const openResources = Object.keys(resources)
    .filter(
      (id) =>
        resources[id].Type === 'AWS::ApiGateway::Resource' &&
        openPaths.includes(String(resources[id].Properties.PathPart)),
    )
    .map((id) => template.ref(id));
  const poolArns = Object.keys(resources)
    .filter((id) => resources[id].Type === 'AWS::Cognito::UserPool')
    .map((id) => template.getAtt(id, 'Arn'));
  const problems: string[] = [];
  for (const [id, method] of Object.entries(resources)) {
    if (method.Type !== 'AWS::ApiGateway::Method' || method.Properties.HttpMethod === 'OPTIONS') continue;
    if (openResources.includes(String(method.Properties.ResourceId))) continue;
    if (method.Properties.AuthorizationType !== 'COGNITO_USER_POOLS') {
      problems.push(`${id} is not authorized by a Cognito user pool`);
      continue;
    }
    const authorizer = Object.entries(resources).find(
      ([aid, r]) =>
        r.Type === 'AWS::ApiGateway::Authorizer' && template.ref(aid) === method.Properties.AuthorizerId,
    )?.[1];
    const arns = ((authorizer?.Properties.ProviderARNs as unknown[]) ?? []).map(String);
    if (!arns.some((arn) => poolArns.includes(arn)))
      problems.push(`${id}: its authorizer names no user pool of the stack`);
    if (authorizer?.Properties.IdentitySource !== 'method.request.header.Authorization')
      problems.push(`${id}: its authorizer does not read the Authorization header`);
    if (((method.Properties.AuthorizationScopes as unknown[]) ?? []).length > 0)
      problems.push(`${id} has scopes, so it takes access tokens, which carry no identities claim`);
  }
  return problems;
}
