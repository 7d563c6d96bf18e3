import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { CAUSES } from '../causes';
import { CheckResult, describeError, fail, pass, skip } from '../check';
import { Clients } from '../clients';
import { Outputs } from '../outputs';
import { VERSIONS_REMAIN } from './objects';

/** The file name route 3's probe uploads; `--print-policy` lets the verifier delete only this name. */
export const PRESIGN_PROBE_FILE = 'okta-s3-storage-verify-probe.txt';

class ProbeStepError extends Error {
  constructor(
    message: string,
    readonly finding: string,
  ) {
    super(message);
  }
}

/**
 * Route 3 with a test user's user-pool ID token: POST /uploads, the presigned PUT, POST /downloads
 * and a GET whose bytes must match; then a download of the neighbour prefix, which must be refused.
 * It settles that Cognito's `identities` claim reaches the Lambda and that the tagged presign
 * session signs URLs S3 accepts. The probe object is deleted with the verifier's own credentials.
 */
export async function presignProbe(
  clients: Clients,
  o: Outputs,
  token: string,
  oktaSub: string | undefined,
): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  const body = `okta-s3-storage verify ${Date.now()}`;
  const api = (path: string, payload: unknown) =>
    clients.fetch(new URL(path, o.ApiUrl).toString(), {
      method: 'POST',
      headers: { Authorization: token, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(15_000),
    });
  const step = async <T>(
    name: string,
    expected: string,
    run: () => Promise<[string, T]>,
  ): Promise<T | undefined> => {
    try {
      const [found, value] = await run();
      rows.push(pass(`probe.route3.${name}`, expected, found));
      return value;
    } catch (error) {
      const cause =
        error instanceof ProbeStepError ? error.finding : 'The request failed; the error is shown as found.';
      rows.push(fail(`probe.route3.${name}`, expected, describeError(error), cause));
      return undefined;
    }
  };
  const json = async (response: Response, what: string) => {
    const text = await response.text();
    if (!response.ok)
      throw new ProbeStepError(
        `${what}: ${response.status} ${text.slice(0, 160)}`,
        causeOfApiStatus(response.status),
      );
    return JSON.parse(text) as Record<string, unknown>;
  };

  const upload = await step(
    'upload-url',
    'POST /uploads returns a PUT URL under users/<okta sub>/',
    async () => {
      const r = await json(
        await api('uploads', {
          fileName: PRESIGN_PROBE_FILE,
          contentType: 'text/plain',
          size: Buffer.byteLength(body),
        }),
        'POST /uploads',
      );
      const key = String(r.key);
      if (oktaSub && !key.startsWith(`users/${oktaSub}/`))
        throw new ProbeStepError(
          `key ${key} is not under users/${oktaSub}/`,
          "The Lambda named another user than the token's identities claim: redeploy the current presign Lambda.",
        );
      return [key, { key, url: String(r.url), headers: (r.headers ?? {}) as Record<string, string> }];
    },
  );
  if (!upload) return rows;
  const put = await step('put', 'the presigned PUT is accepted', async () => {
    const r = await clients.fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body,
      signal: AbortSignal.timeout(15_000),
    });
    if (!r.ok)
      throw new ProbeStepError(
        `PUT ${r.status} ${(await r.text()).slice(0, 160)}`,
        r.status === 403 ? CAUSES.signature : 'S3 refused the upload.',
      );
    return [`${r.status}`, true];
  });
  if (put) {
    const download = await step('download-url', 'POST /downloads returns a GET URL', async () => {
      const r = await json(await api('downloads', { key: upload.key }), 'POST /downloads');
      return ['URL returned', String(r.url)];
    });
    if (download)
      await step('get', 'the GET returns the bytes put', async () => {
        const r = await clients.fetch(download, { signal: AbortSignal.timeout(15_000) });
        const text = await r.text();
        if (!r.ok || text !== body)
          throw new ProbeStepError(
            `GET ${r.status} ${text.slice(0, 80)}`,
            'S3 returned other bytes or refused the download.',
          );
        return ['same bytes', true];
      });
  }
  const neighbour = upload.key.replace(/^users\/([^/]+)\//, 'users/$1x/');
  await step('other-prefix', `POST /downloads for ${neighbour} is refused (403 or 404)`, async () => {
    const r = await api('downloads', { key: neighbour });
    if (r.status !== 403 && r.status !== 404)
      throw new ProbeStepError(
        `${r.status} ${(await r.text()).slice(0, 120)}`,
        "The API signed a URL into another user's prefix: take route 3 offline and redeploy the current presign Lambda.",
      );
    return [`${r.status}`, true];
  });
  rows.push(await cleanUp(clients, o, upload.key));
  return rows;
}

async function cleanUp(clients: Clients, o: Outputs, key: string): Promise<CheckResult> {
  const check = 'probe.route3.cleanup';
  try {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: o.BucketName, Key: key }));
    return pass(check, `delete ${key}`, `deleted; ${VERSIONS_REMAIN}`);
  } catch (error) {
    return skip(
      check,
      `delete ${key}`,
      `The verifier could not delete the probe (${describeError(error)}); delete it by hand. The policy from --print-policy allows exactly this delete.`,
    );
  }
}

function causeOfApiStatus(status: number): string {
  if (status === 401)
    return "Cause: the API refused the token: pass the user pool's ID token (not the access token, not the Okta token) of the stack's app client, still valid, from a user who signed in through Okta.";
  if (status === 403)
    return 'Cause: the token is valid but the Lambda refused the caller (no Okta identity in the identities claim, or another app client).';
  if (status >= 500) return 'Cause: the presign Lambda failed: read its log group for the request id.';
  return 'The API refused the request; its error is shown as found.';
}
