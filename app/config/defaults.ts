import { Defaults } from '../../lib/defaults';
import { DEFAULT_THRESHOLDS } from '../../lib/monitoring/thresholds';
import {
  MonitoringSettings,
  OffboardingSettings,
  PresignSettings,
  StorageSettings,
  WebClientSettings,
} from './types';

/*
 * The configuration's view of the constructs' defaults (lib/defaults.ts): the config file only
 * overrides them, so the values live there once.
 */

export const DEFAULT_STORAGE: StorageSettings = {
  noncurrentVersionExpirationDays: Defaults.NONCURRENT_VERSION_EXPIRATION_DAYS,
  abortIncompleteMultipartUploadDays: Defaults.ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS,
  accessLogRetentionDays: Defaults.ACCESS_LOG_RETENTION_DAYS,
  exposedMetadataKeys: [],
  encryption: 's3-managed',
  removalPolicy: 'retain',
};

export const DEFAULT_PRESIGN: PresignSettings = {
  urlExpirySeconds: Defaults.URL_EXPIRY_SECONDS,
  maxUploadBytes: Defaults.MAX_UPLOAD_BYTES,
  maxMultipartUploadBytes: Defaults.MAX_MULTIPART_UPLOAD_BYTES,
  throttlingRateLimit: Defaults.THROTTLING_RATE_LIMIT,
  throttlingBurstLimit: Defaults.THROTTLING_BURST_LIMIT,
  listPageSize: Defaults.LIST_PAGE_SIZE,
  logRetentionDays: Defaults.LOG_RETENTION_DAYS,
  createApiGatewayLogRole: Defaults.CREATE_API_GATEWAY_LOG_ROLE,
  tracing: false,
  teamMembershipMaxAgeMinutes: Defaults.TEAM_MEMBERSHIP_MAX_AGE_MINUTES,
};

/** Monitoring is on unless an environment turns it off; the thresholds are the construct's defaults. */
export const DEFAULT_MONITORING: MonitoringSettings = {
  enabled: true,
  alarmEmails: [],
  ...DEFAULT_THRESHOLDS,
};

/** Hosting the web client is opt-in; `npm run build:web` writes the default folder. */
export const DEFAULT_WEB_CLIENT: WebClientSettings = {
  enabled: false,
  path: 'examples/web/dist',
};

export const DEFAULT_ID_TOKEN_VALIDITY_MINUTES = Defaults.ID_TOKEN_VALIDITY_MINUTES;

export { MAX_SINGLE_PUT_BYTES, MAX_URL_EXPIRY_SECONDS, MULTIPART_LIMITS } from '../../lib/validation/rules';

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Offboarding's defaults, when the `offboarding` section is present. */
export const DEFAULT_OFFBOARDING = {
  retentionDays: Defaults.OFFBOARDED_RETENTION_DAYS,
  reconcileIntervalMinutes: Defaults.OFFBOARDING_RECONCILE_INTERVAL_MINUTES,
} as const satisfies OffboardingSettings;
