import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** A failure the client caused (or, for 500, one it should not learn the details of). */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503,
    readonly code: string,
    message: string,
    /** Headers the response carries, such as `Retry-After` on a 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'BadRequest', message);
export const notFound = (message = 'Not found') => new HttpError(404, 'NotFound', message);

export const forbidden = (message: string) => new HttpError(403, 'Forbidden', message);

/** A header value, whatever case the client or API Gateway used for its name. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers: unknown = event.headers;
  if (!isRecord(headers)) return undefined;
  const wanted = name.toLowerCase();
  const found = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
  const value = found === undefined ? undefined : headers[found];
  return typeof value === 'string' ? value : undefined;
}

/** CORS for the API's own responses: the request's origin is echoed only if it is allowed. */
export function corsHeaders(
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> {
  const allowed = origin !== undefined && (allowedOrigins.includes(origin) || allowedOrigins.includes('*'));
  return { Vary: 'Origin', ...(allowed ? { 'Access-Control-Allow-Origin': origin } : {}) };
}

/** Bodies hold presigned URLs, which are bearer secrets: nothing may cache them. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** Every failure as `{error, message}`. Anything unexpected is a generic 500. */
export function errorResponse(error: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  const known = error instanceof HttpError && error.status !== 500;
  const { status, code, message } = known
    ? error
    : { status: 500, code: 'InternalError', message: 'The request could not be completed' };
  return jsonResponse(status, { error: code, message }, { ...headers, ...(known ? error.headers : {}) });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
