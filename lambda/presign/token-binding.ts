import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError, isRecord } from './http';

/*
 * The REST API's Cognito authorizer verifies the ID token's signature, issuer and expiry, then
 * hands the Lambda its claims with every value turned into a string: nested claims such as
 * `identities` arrive as a non-JSON rendering, and `exp`/`iat` as text like
 * `Thu Sep 11 22:58:16 UTC 2025` (undocumented; awsdocs/amazon-api-gateway-developer-guide#158
 * reports the string values, and captured REST events in public repositories show the date text
 * for `exp`/`iat` while `auth_time` stays decimal seconds). So the Lambda reads the token itself
 * from the one Authorization header API Gateway verified, and believes its payload only where it
 * agrees with the verified claims on every claim that identifies the token.
 */

/** Claims that pin the token: a payload that agrees on all of them is the token API Gateway verified. */
export const BOUND_CLAIMS = ['sub', 'aud', 'token_use', 'cognito:username', 'jti'] as const;

const unauthorized = (message: string) => new HttpError(401, 'Unauthorized', message);

/** The authorizer's verified claims, or 401. */
export function authorizerClaims(event: APIGatewayProxyEvent): Record<string, unknown> {
  const authorizer: unknown = event.requestContext?.authorizer;
  const claims = isRecord(authorizer) ? authorizer.claims : undefined;
  if (!isRecord(claims)) throw unauthorized('No verified identity');
  return claims;
}

/**
 * The payload of the request's ID token, once it is shown to be the token the authorizer verified;
 * any doubt is a 401.
 */
export function verifiedPayload(
  event: APIGatewayProxyEvent,
  claims: Record<string, unknown>,
): Record<string, unknown> {
  const payload = decodePayload(bearerToken(authorizationValue(event)));
  for (const name of BOUND_CLAIMS) {
    const [verified, signed] = [own(claims, name), own(payload, name)];
    if (verified === undefined && signed === undefined) continue;
    if (typeof signed !== 'string' || verified !== signed) {
      throw unauthorized('The token does not match the verified claims');
    }
  }
  if (!issuedAtAgrees(own(claims, 'iat'), own(payload, 'iat'))) {
    throw unauthorized('The token does not match the verified claims');
  }
  return payload;
}

/**
 * Exactly one Authorization value, wherever API Gateway put it: `headers` keeps the last value of
 * a repeated header and `multiValueHeaders` all of them, under the name's case as sent.
 */
function authorizationValue(event: APIGatewayProxyEvent): string {
  const single = Object.entries(isRecord(event.headers) ? event.headers : {}).filter(isAuthorization);
  const multi = Object.entries(isRecord(event.multiValueHeaders) ? event.multiValueHeaders : {})
    .filter(isAuthorization)
    .flatMap(([, values]) => (Array.isArray(values) ? values : [values]));
  const values = new Set([...single.map(([, value]) => value), ...multi]);
  if (single.length > 1 || multi.length > 1 || values.size !== 1) {
    throw unauthorized('Send exactly one Authorization header');
  }
  const [value] = values;
  if (typeof value !== 'string') throw unauthorized('Send exactly one Authorization header');
  return value;
}

const isAuthorization = ([name]: [string, unknown]) => name.toLowerCase() === 'authorization';

/**
 * The Cognito authorizer takes the raw token, and clients commonly send `Bearer <token>` (the
 * AWS Amplify API docs do; aws-amplify/docs#959), which the authorizer also accepts (observed,
 * not documented): accept both, nothing else.
 */
function bearerToken(value: string): string {
  return /^Bearer /i.test(value) ? value.slice(7) : value;
}

function decodePayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
    throw unauthorized('The Authorization header is not a JWT');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw unauthorized('The Authorization header is not a JWT');
  }
  if (!isRecord(payload)) throw unauthorized('The Authorization header is not a JWT');
  return payload;
}

/** `iat` as the authorizer renders it (date text), or as decimal seconds should it ever pass them through. */
function issuedAtAgrees(verified: unknown, signed: unknown): boolean {
  if (verified === undefined && signed === undefined) return true;
  if (typeof verified !== 'string' || !Number.isSafeInteger(signed) || (signed as number) < 0) return false;
  return verified === authorizerDateText(signed as number) || verified === String(signed);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** Epoch seconds as the authorizer writes them: `EEE MMM dd HH:mm:ss UTC yyyy` (Java's Date#toString in UTC). */
export function authorizerDateText(seconds: number): string {
  const d = new Date(seconds * 1000);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} UTC ${d.getUTCFullYear()}`;
}

function own(record: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
