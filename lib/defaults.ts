/**
 * Every default of the constructs, defined once. The constructs apply them to props left unset;
 * the app's configuration only overrides them.
 */
export class Defaults {
  /** Days a replaced or deleted object version is kept before it expires. */
  public static readonly NONCURRENT_VERSION_EXPIRATION_DAYS = 90;
  /** Days after which an unfinished multipart upload is aborted. */
  public static readonly ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS = 7;
  /** Days server access logs are kept. */
  public static readonly ACCESS_LOG_RETENTION_DAYS = 365;
  /** Lifetime of a presigned URL, in seconds. */
  public static readonly URL_EXPIRY_SECONDS = 300;
  /** Largest upload a presigned URL allows, in bytes (100 MiB). */
  public static readonly MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
  /** Largest file a multipart upload through the presign API may assemble, in bytes (5 GiB). */
  public static readonly MAX_MULTIPART_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;
  /** Steady-state requests per second of the presign API's stage. */
  public static readonly THROTTLING_RATE_LIMIT = 50;
  /** Burst capacity of the presign API's stage. */
  public static readonly THROTTLING_BURST_LIMIT = 100;
  /** Objects per page of `GET /files`. */
  public static readonly LIST_PAGE_SIZE = 100;
  /** Days the presign API's access logs and the Lambda's logs are kept. */
  public static readonly LOG_RETENTION_DAYS = 365;
  /** Whether the presign API creates API Gateway's account-wide CloudWatch Logs role. */
  public static readonly CREATE_API_GATEWAY_LOG_ROLE = false;
  /** Minutes a user-pool ID token stays valid (Cognito's own default). */
  public static readonly ID_TOKEN_VALIDITY_MINUTES = 60;
  /** Minutes after an Okta sign-in that route 3 honours the token's team memberships. */
  public static readonly TEAM_MEMBERSHIP_MAX_AGE_MINUTES = 60;
  /** Days a person's moved files are kept under `offboarded/<sub>/`. */
  public static readonly OFFBOARDED_RETENTION_DAYS = 365;
  /** Minutes between the offboarding reconciler's reads of Okta's System Log. */
  public static readonly OFFBOARDING_RECONCILE_INTERVAL_MINUTES = 60;
  /** Name of the Okta identity provider in the user pool. */
  public static readonly PROVIDER_NAME = 'Okta';

  private constructor() {}
}
