import { CorsRule, HttpMethods } from 'aws-cdk-lib/aws-s3';

/**
 * Request headers the AWS SDKs and presigned uploads send from a browser. Current SDK v3 clients
 * add flexible-checksum headers to uploads and `x-amz-checksum-mode` to every GetObject, so a list
 * without them fails the preflight.
 */
export const SDK_REQUEST_HEADERS = [
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'authorization',
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-md5',
  'content-type',
  'expires',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'range',
  'x-amz-checksum-algorithm',
  'x-amz-checksum-crc32',
  'x-amz-checksum-crc32c',
  'x-amz-checksum-crc64nvme',
  'x-amz-checksum-mode',
  'x-amz-checksum-sha1',
  'x-amz-checksum-sha256',
  'x-amz-checksum-type',
  'x-amz-content-sha256',
  // CopyObject's (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html), as the
  // file browser's copy sends them: a preflight naming one not listed here fails the copy.
  'x-amz-copy-source',
  'x-amz-copy-source-if-match',
  'x-amz-copy-source-if-unmodified-since',
  'x-amz-date',
  'x-amz-expected-bucket-owner',
  'x-amz-metadata-directive',
  'x-amz-sdk-checksum-algorithm',
  'x-amz-security-token',
  'x-amz-source-expected-bucket-owner',
  'x-amz-tagging-directive',
  'x-amz-user-agent',
];

/** Response headers a browser may read beyond the CORS-safelisted ones. */
export const ALWAYS_EXPOSED_HEADERS = ['ETag', 'x-amz-version-id'];

export interface CorsRuleOptions {
  /** Origins a browser may call the bucket from. */
  readonly allowedOrigins: string[];
  /**
   * User metadata keys browsers may send and read, without `x-amz-meta-` (a key given with it is
   * taken without it, so the header is never `x-amz-meta-x-amz-meta-...`).
   * @default - none
   */
  readonly exposedMetadataKeys?: string[];
  /**
   * Seconds a browser may cache a preflight.
   * @default 3000
   */
  readonly maxAgeSeconds?: number;
}

const METADATA_PREFIX = /^x-amz-meta-/i;

/** The data bucket's CORS rules. */
export class CorsRules {
  /**
   * The data bucket's CORS rules. Everything is listed explicitly: S3 accepts no wildcard in
   * ExposeHeaders, and narrow AllowedHeaders keep the preflight honest.
   */
  public static forBrowsers(options: CorsRuleOptions): CorsRule[] {
    const metadataHeaders = [
      ...new Set(
        (options.exposedMetadataKeys ?? []).map((key) => `x-amz-meta-${key.replace(METADATA_PREFIX, '')}`),
      ),
    ];
    return [
      {
        id: 'browser-access',
        allowedOrigins: [...options.allowedOrigins],
        allowedMethods: [
          HttpMethods.GET,
          HttpMethods.HEAD,
          HttpMethods.PUT,
          HttpMethods.POST,
          HttpMethods.DELETE,
        ],
        allowedHeaders: [...SDK_REQUEST_HEADERS, ...metadataHeaders],
        exposedHeaders: [...ALWAYS_EXPOSED_HEADERS, ...metadataHeaders],
        maxAge: options.maxAgeSeconds ?? 3000,
      },
    ];
  }

  private constructor() {}
}
