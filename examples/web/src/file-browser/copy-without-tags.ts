/**
 * Storage Browser's Copy, except that the copy takes none of the source's tags: CopyObject with
 * `x-amz-tagging-directive: REPLACE` and no `x-amz-tagging` (amplify's `tagConfig: { mode: 'remove' }`).
 *
 * Why: CopyObject's default directive, COPY, copies the tags, and "if you're copying objects that
 * have object tags, then your IAM identity must have s3:GetObjectTagging and s3:PutObjectTagging
 * permissions" (AWS Knowledge Center, s3-troubleshoot-copy-between-buckets). Where uploads are
 * scanned, every scanned file carries GuardDuty's `GuardDutyMalwareScanStatus` tag and the bucket
 * policy denies users any tag change, so Storage Browser's own copy of a scanned file is refused.
 * Users can set no tags of their own, so nothing else is lost; the copy is a new object, which
 * GuardDuty scans and tags like any upload (the file shows "being scanned" until then).
 *
 * The rest is Storage Browser 3.18's copy handler: the source key URI-encoded, the source's
 * last-modified time and ETag as conditions, the location's own credentials and endpoint. It calls
 * amplify's internal `copy`, whose wrapper (amplify 6.17) drops `tagConfig`; the public `copy`
 * passes its whole input on, the location's credentials among them, which its type does not list.
 * test/web/copy-without-tags.test.ts shows the request this sends.
 */
import { copy, type CopyWithPathInput } from 'aws-amplify/storage';
import type { CopyHandlerInput, CopyHandlerOutput } from '@aws-amplify/ui-react-storage/browser';

export function copyWithoutTags(input: CopyHandlerInput): CopyHandlerOutput {
  const { config, data } = input;
  const { accountId: expectedBucketOwner, credentials, customEndpoint } = config;
  const bucket = { bucketName: config.bucket, region: config.region };
  const result = copy({
    source: {
      bucket,
      expectedBucketOwner,
      // CopyObject's x-amz-copy-source is URI-encoded (CopyObject API reference, Request Syntax).
      path: data.sourceKey.split('/').map(encodeURIComponent).join('/'),
      notModifiedSince: data.lastModified,
      eTag: data.eTag,
    },
    destination: { bucket, expectedBucketOwner, path: data.key },
    tagConfig: { mode: 'remove' },
    options: { locationCredentialsProvider: credentials, customEndpoint },
  } as CopyWithPathInput);
  return {
    result: result.then(
      ({ path }) => ({ status: 'COMPLETE' as const, value: { key: path } }),
      (error: Error) => ({ status: 'FAILED' as const, error, message: error.message }),
    ),
  };
}
