import { DYNAMODB_TABLE_NAME, MAX_SINGLE_PUT_BYTES, SHARING_LIMITS } from '../../../lib/validation/rules';

/** The sharing environment the construct sets (lib/constructs/sharing.ts spells the same names). */
export const SHARING_ENV = {
  tableName: 'SHARING_TABLE_NAME',
  maxLinkDays: 'SHARE_LINK_MAX_DAYS',
  fileRequestMaxFiles: 'FILE_REQUEST_MAX_FILES',
  fileRequestMaxFileBytes: 'FILE_REQUEST_MAX_FILE_BYTES',
  fileRequestContentTypes: 'FILE_REQUEST_CONTENT_TYPES',
} as const;

/** What pinned links are signed with (lib/constructs/presign-api.ts, pinnedLinkEnvironment). */
export const PINNED_LINK_ENV = {
  roleArn: 'PINNED_LINK_ROLE_ARN',
  bucketArn: 'BUCKET_ARN',
  kmsKeyArn: 'DATA_KEY_ARN',
  s3ViaService: 'S3_VIA_SERVICE',
} as const;

/** The pinned-link role and what its per-visit session policy names besides the object. */
export interface PinnedLinkConfig {
  readonly roleArn: string;
  readonly bucketArn: string;
  readonly kmsKeyArn?: string;
  readonly s3ViaService?: string;
}

export interface SharingConfig {
  readonly tableName: string;
  /** Longest life a creator may give a link or file request, in days (1 to 30). */
  readonly maxLinkDays: number;
  /** Most files one file request may receive. */
  readonly fileRequestMaxFiles: number;
  /** Largest file a file-request visitor may upload, in bytes. */
  readonly fileRequestMaxFileBytes: number;
  /** Content types visitors may upload; empty allows any valid MIME type. */
  readonly fileRequestContentTypes: readonly string[];
  /** Absent: a pinned link cannot be served (refused like any other), as before this role existed. */
  readonly pinned?: PinnedLinkConfig;
}

const MIME_ESSENCE = /^[a-z0-9][a-z0-9!#$&^._+-]{0,126}\/[a-z0-9][a-z0-9!#$&^._+-]{0,126}$/;

/** Sharing is on when its table is named; every other variable has a default then. */
export function readSharingConfig(
  env: Record<string, string | undefined>,
  problems: string[],
): SharingConfig | undefined {
  const tableName = env[SHARING_ENV.tableName];
  if (tableName === undefined) return undefined;
  if (!DYNAMODB_TABLE_NAME.test(tableName)) {
    problems.push(
      `${SHARING_ENV.tableName} must be a DynamoDB table name (got ${JSON.stringify(tableName)})`,
    );
  }
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) problems.push(`${name} must be an integer in ${min}..${max}`);
    return value;
  };
  const rawTypes = env[SHARING_ENV.fileRequestContentTypes] ?? '';
  const contentTypes = rawTypes === '' ? [] : rawTypes.split(',').map((t) => t.trim());
  if (
    contentTypes.length > SHARING_LIMITS.maxContentTypes ||
    contentTypes.some((t) => !MIME_ESSENCE.test(t))
  ) {
    problems.push(
      `${SHARING_ENV.fileRequestContentTypes} must be empty or up to ${SHARING_LIMITS.maxContentTypes} lower-case MIME types such as "application/pdf", comma-separated`,
    );
  }
  return {
    tableName,
    maxLinkDays: integer(
      SHARING_ENV.maxLinkDays,
      SHARING_LIMITS.defaultMaxLinkDays,
      1,
      SHARING_LIMITS.maxLinkDays,
    ),
    fileRequestMaxFiles: integer(
      SHARING_ENV.fileRequestMaxFiles,
      SHARING_LIMITS.defaultFileRequestMaxFiles,
      1,
      SHARING_LIMITS.maxFileRequestMaxFiles,
    ),
    fileRequestMaxFileBytes: integer(
      SHARING_ENV.fileRequestMaxFileBytes,
      SHARING_LIMITS.defaultFileRequestMaxFileBytes,
      1,
      MAX_SINGLE_PUT_BYTES,
    ),
    fileRequestContentTypes: contentTypes,
    ...readPinnedLinkConfig(env, problems),
  };
}

function readPinnedLinkConfig(
  env: Record<string, string | undefined>,
  problems: string[],
): { pinned?: PinnedLinkConfig } {
  const roleArn = env[PINNED_LINK_ENV.roleArn];
  if (roleArn === undefined) return {};
  const bucketArn = env[PINNED_LINK_ENV.bucketArn] ?? '';
  if (!/^arn:[a-z-]+:iam::\d{12}:role\/\S+$/.test(roleArn))
    problems.push(`${PINNED_LINK_ENV.roleArn} must be an IAM role ARN`);
  if (!/^arn:[a-z-]+:s3:::[a-z0-9.-]{3,63}$/.test(bucketArn))
    problems.push(`${PINNED_LINK_ENV.bucketArn} must be the data bucket's ARN`);
  const kmsKeyArn = env[PINNED_LINK_ENV.kmsKeyArn];
  const s3ViaService = env[PINNED_LINK_ENV.s3ViaService];
  if ((kmsKeyArn === undefined) !== (s3ViaService === undefined))
    problems.push(`${PINNED_LINK_ENV.kmsKeyArn} and ${PINNED_LINK_ENV.s3ViaService} come together`);
  return {
    pinned: {
      roleArn,
      bucketArn,
      ...(kmsKeyArn !== undefined && s3ViaService !== undefined ? { kmsKeyArn, s3ViaService } : {}),
    },
  };
}
