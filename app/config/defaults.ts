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

/** Cognito's own default ID-token lifetime. */
export const DEFAULT_ID_TOKEN_VALIDITY_MINUTES = 60;

export { MAX_SINGLE_PUT_BYTES, MAX_URL_EXPIRY_SECONDS } from '../../lib/validation/rules';

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
