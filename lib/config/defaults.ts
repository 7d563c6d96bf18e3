import { PresignSettings, StorageSettings } from './types';

export const DEFAULT_STORAGE: StorageSettings = {
  noncurrentVersionExpirationDays: 90,
  abortIncompleteMultipartUploadDays: 7,
  accessLogRetentionDays: 365,
  exposedMetadataKeys: [],
  encryption: 's3-managed',
  removalPolicy: 'retain',
};

export const DEFAULT_PRESIGN: PresignSettings = {
  urlExpirySeconds: 300,
  maxUploadBytes: 100 * 1024 * 1024,
  throttlingRateLimit: 50,
  throttlingBurstLimit: 100,
  listPageSize: 100,
  logRetentionDays: 365,
  createApiGatewayLogRole: false,
};

/**
 * The presign Lambda signs with a role-chained session, which STS caps at one hour. URLs must
 * expire well inside that so a cached session always outlives every URL signed with it.
 */
export const MAX_URL_EXPIRY_SECONDS = 1800;

/** S3's limit for a single PUT. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
