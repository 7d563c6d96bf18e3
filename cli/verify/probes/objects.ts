import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CheckResult, describeError, fail, pass } from '../check';

/** Folder of every probe object under a user's prefix, so what the verifier wrote is easy to find. */
export const PROBE_FOLDER = 'okta-s3-storage-verify';

/** Said on every probe delete: the bucket is versioned, so nothing a probe wrote is gone for good. */
export const VERSIONS_REMAIN = 'versions and delete markers remain';

export const PROBE_NOTE =
  'Probe objects were deleted; the versioned bucket keeps their versions and delete markers until the noncurrent-version lifecycle expires them.';

/**
 * Put, list, get and delete a probe object under the user's own prefix with the route's
 * credentials, then try to put into the prefix-extension neighbour `users/<sub>x/`, which must be
 * AccessDenied. Anything the verifier managed to write is deleted again.
 */
export async function objectProbe(
  route: string,
  s3: S3Client,
  bucket: string,
  sub: string,
  accessDeniedCause: string,
): Promise<CheckResult[]> {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const key = `users/${sub}/${PROBE_FOLDER}/${stamp}.txt`;
  const body = `okta-s3-storage verify ${stamp}`;
  const rows: CheckResult[] = [];
  const step = async (name: string, expected: string, run: () => Promise<string>) => {
    try {
      rows.push(pass(`probe.${route}.${name}`, expected, await run()));
      return true;
    } catch (error) {
      const denied = /AccessDenied|Forbidden/i.test((error as Error).name ?? '');
      rows.push(
        fail(
          `probe.${route}.${name}`,
          expected,
          describeError(error),
          denied ? accessDeniedCause : 'AWS refused the request; the error is its own.',
        ),
      );
      return false;
    }
  };
  const put = await step('put', `PutObject ${key}`, async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain' }));
    return 'stored';
  });
  if (put) {
    await step('list', `ListObjectsV2 users/${sub}/ shows the probe`, async () => {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: `users/${sub}/${PROBE_FOLDER}/` }),
      );
      if (!(listed.Contents ?? []).some((c) => c.Key === key))
        throw Object.assign(new Error(`${key} not listed`), { name: 'NotListed' });
      return 'listed';
    });
    await step('get', 'GetObject returns the bytes put', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = await got.Body?.transformToString();
      if (text !== body)
        throw Object.assign(new Error(`got ${JSON.stringify(text)}`), { name: 'BytesDiffer' });
      return 'same bytes';
    });
    await step('delete', 'DeleteObject (adds a delete marker)', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      return `deleted; ${VERSIONS_REMAIN}`;
    });
  }
  rows.push(await otherPrefix(route, s3, bucket, `users/${sub}x/${PROBE_FOLDER}/${stamp}.txt`));
  return rows;
}

async function otherPrefix(route: string, s3: S3Client, bucket: string, key: string): Promise<CheckResult> {
  return putIsRefused(
    `probe.${route}.other-prefix`,
    s3,
    bucket,
    key,
    "A user wrote into another user's prefix: the deployed policy lacks the slash after the key or grants more. Take the route offline and redeploy; see the iam.* rows.",
  );
}

/**
 * PASS when S3 refuses a put of `key` with AccessDenied. A put that succeeds is a FAIL with
 * `finding`, and the object is deleted again; any other error shows nothing, and is a FAIL too.
 */
export async function putIsRefused(
  check: string,
  s3: S3Client,
  bucket: string,
  key: string,
  finding: string,
): Promise<CheckResult> {
  const expected = `PutObject ${key} is AccessDenied`;
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'must be refused' }));
  } catch (error) {
    const name = (error as Error).name;
    return name === 'AccessDenied'
      ? pass(check, expected, 'AccessDenied')
      : fail(
          check,
          expected,
          describeError(error),
          'The put failed, but not with AccessDenied, so the refusal was not shown.',
        );
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  return fail(check, expected, 'stored (then deleted)', finding);
}
