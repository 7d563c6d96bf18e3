import { CheckResult, describeError, verdict } from '../check';
import { Outputs } from '../outputs';

/** The presign API refuses a caller without a token, with a 401 in the API's `{error, message}` shape. */
export async function apiChecks(fetchFn: typeof fetch, o: Outputs): Promise<CheckResult[]> {
  const check = 'api.unauthenticated';
  const expected = '401 {"error":"Unauthorized","message":...}';
  const url = new URL('uploads', o.ApiUrl).toString();
  let found: string;
  let ok = false;
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fileName: 'verify.txt', contentType: 'text/plain', size: 1 }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const shaped =
      typeof body === 'object' &&
      body !== null &&
      (body as Record<string, unknown>).error === 'Unauthorized' &&
      typeof (body as Record<string, unknown>).message === 'string';
    ok = response.status === 401 && shaped;
    found = `${response.status} ${text.slice(0, 120)}`;
  } catch (error) {
    found = describeError(error);
  }
  return [
    verdict(
      check,
      ok,
      expected,
      found,
      "POST /uploads without a token was not refused with the API's JSON 401: the Cognito authorizer or the UNAUTHORIZED gateway response is missing, or ApiUrl is not this stack's API. Redeploy the stack.",
    ),
  ];
}
