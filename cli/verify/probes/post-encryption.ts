import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { CheckResult, describeError, fail, pass, skip } from '../check';
import { PROBE_FOLDER, VERSIONS_REMAIN } from './objects';

/** What the probe's form names: SSE-S3, which an SSE-KMS bucket's policy must refuse. */
export const POSTED_ALGORITHM = 'AES256';

/** The algorithm S3 must store under the bucket's default (the BucketEncryption output). */
export function bucketAlgorithm(bucketEncryption: string | undefined): string | undefined {
  if (bucketEncryption === undefined) return undefined;
  return bucketEncryption === 'SSE-S3' ? 'AES256' : 'aws:kms';
}

/**
 * A browser POST upload (HTML form) signed with the route's own credentials, as a user of route 1
 * or 2 can sign one, naming `x-amz-server-side-encryption=AES256` as a form field. AWS documents the
 * field (https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html) but not whether the
 * bucket policy's `s3:x-amz-server-side-encryption` condition sees a form field as it sees a header
 * (the UNDOCUMENTED point `post-form-encryption-conditions`). So it asks S3: a 403 means the policy
 * refused the field; a stored object must carry the bucket's own algorithm (HeadObject
 * `ServerSideEncryption`). Only an SSE-KMS bucket can tell the two apart; on an SSE-S3 bucket AES256
 * is the default and the row says so.
 */
export async function postEncryptionProbe(
  route: string,
  s3: S3Client,
  fetchFn: typeof fetch,
  bucket: string,
  sub: string,
  bucketEncryption: string | undefined,
): Promise<CheckResult> {
  const check = `probe.${route}.post-encryption`;
  const wanted = bucketAlgorithm(bucketEncryption);
  const expected = `a POST form naming ${POSTED_ALGORITHM} is refused (403) or stored as ${wanted ?? "the bucket's default"}`;
  const key = `users/${sub}/${PROBE_FOLDER}/${Date.now()}-${Math.random().toString(36).slice(2, 8)}-post.txt`;
  let status: number;
  try {
    const fields = { 'x-amz-server-side-encryption': POSTED_ALGORITHM };
    const post = await createPresignedPost(s3, {
      Bucket: bucket,
      Key: key,
      Fields: fields,
      Conditions: [{ 'x-amz-server-side-encryption': POSTED_ALGORITHM }, ['content-length-range', 1, 1024]],
      Expires: 300,
    });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob(['okta-s3-storage verify post']), 'probe.txt');
    status = (await fetchFn(post.url, { method: 'POST', body: form })).status;
  } catch (error) {
    return fail(check, expected, describeError(error), 'The POST did not reach S3; the error is its own.');
  }
  if (status === 403)
    return pass(check, expected, `refused (403): the bucket policy sees the form's encryption field`);
  if (status < 200 || status > 299)
    return fail(check, expected, `HTTP ${status}`, 'S3 answered the POST with neither 403 nor success.');

  let stored: string;
  try {
    stored =
      (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ServerSideEncryption ?? 'none';
  } catch (error) {
    return fail(
      check,
      expected,
      `stored; HeadObject failed: ${describeError(error)}`,
      'Delete the probe by hand.',
    );
  } finally {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
  }
  const found = `stored as ${stored} (then deleted; ${VERSIONS_REMAIN})`;
  if (wanted === undefined)
    return skip(check, expected, `${found}; without the BucketEncryption output this cannot be judged.`);
  if (stored !== wanted)
    return fail(
      check,
      expected,
      found,
      `A browser POST escaped the bucket policy's encryption denies: the policy did not see the form field, so a user of route 1 or 2 can store objects under ${stored} instead of the bucket's key. See the README's Limits (post-form-encryption-conditions).`,
    );
  return pass(
    check,
    expected,
    wanted === POSTED_ALGORITHM
      ? `${found}: AES256 is this bucket's default, so this bucket cannot show whether the policy reads form fields`
      : found,
  );
}
