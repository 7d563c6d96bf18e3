// The same limits the configuration and the construct enforce at synth.
import { DEFAULT_TEAMS_PREFIX } from '../../lib/policy/team-folder-names';
import {
  DEFAULT_USERS_PREFIX,
  isCognitoProviderName,
  isUsersPrefix,
  MAX_SINGLE_PUT_BYTES,
  MAX_URL_EXPIRY_SECONDS,
  MULTIPART_LIMITS,
} from '../../lib/validation/rules';
import { Defaults } from '../../lib/defaults';
import { readSharingConfig, SharingConfig } from './sharing/config';

/**
 * Names of the environment variables the presign Lambda reads. The library ships without the
 * Lambda's sources, so the construct spells them out; test/constructs/presign-api.test.ts checks
 * that it sets exactly these.
 */
export const PRESIGN_ENV = {
  bucketName: 'BUCKET_NAME',
  presignRoleArn: 'PRESIGN_ROLE_ARN',
  urlExpirySeconds: 'URL_EXPIRY_SECONDS',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  maxMultipartUploadBytes: 'MAX_MULTIPART_UPLOAD_BYTES',
  listPageSize: 'LIST_PAGE_SIZE',
  allowedOrigins: 'ALLOWED_ORIGINS',
  identityProviderName: 'IDENTITY_PROVIDER_NAME',
  allowedClientIds: 'ALLOWED_CLIENT_IDS',
  usersPrefix: 'USERS_PREFIX',
  teamsPrefix: 'TEAMS_PREFIX',
  teamFolders: 'TEAM_FOLDERS',
  teamMembershipMaxAgeSeconds: 'TEAM_MEMBERSHIP_MAX_AGE_SECONDS',
  malwareScanning: 'MALWARE_SCANNING',
  region: 'AWS_REGION',
} as const;

export interface PresignConfig {
  readonly bucketName: string;
  readonly presignRoleArn: string;
  readonly urlExpirySeconds: number;
  readonly maxUploadBytes: number;
  /** Largest file a multipart upload may assemble (`Defaults.MAX_MULTIPART_UPLOAD_BYTES` when unset). */
  readonly maxMultipartUploadBytes: number;
  readonly listPageSize: number;
  /** Exact origins whose requests get `Access-Control-Allow-Origin`; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  /** The user pool's name for the Okta provider: the `providerName` of the caller's `identities` entry. */
  readonly identityProviderName: string;
  /** App client ids whose ID tokens are accepted (their `aud`); empty accepts any client of the pool. */
  readonly allowedClientIds: readonly string[];
  /** The folder every user's own prefix lives under (`users/` when the variable is unset). */
  readonly usersPrefix: string;
  /** The folder team folders live under (`teams/` when the variable is unset). */
  readonly teamsPrefix: string;
  /**
   * Every membership the deployment grants, as the claim spells it (`finance=rw`, `finance=r`):
   * only these are honoured, so a claim entry IAM has no statement for never reaches a session tag.
   * Empty (no team folders) when the variable is unset or empty.
   */
  readonly teamFolders: readonly string[];
  /**
   * How long after the user's sign-in at Okta (the ID token's `auth_time`) their `custom:okta_teams`
   * is believed. A refresh re-issues the ID token from the pool's copy without asking Okta, so this
   * bounds how long a removal from an Okta group takes on route 3.
   */
  readonly teamMembershipMaxAgeSeconds: number;
  /**
   * Whether GuardDuty scans uploads (`guardduty`): a download first reads the object's scan tag and
   * answers "scan pending" or "blocked" instead of a URL S3 would refuse. `off` when unset.
   */
  readonly malwareScanning?: 'off' | 'guardduty';
  readonly region: string;
  /** Share links and file requests; absent (routes answer 404) when no sharing table is set. */
  readonly sharing?: SharingConfig;
}

/** Default of `teamMembershipMaxAgeSeconds`: one hour, the ID token's default lifetime. */
export const DEFAULT_TEAM_MEMBERSHIP_MAX_AGE_SECONDS = 3600;
/** Longest membership age a deployment may choose: one day, Cognito's longest ID-token lifetime. */
export const MAX_TEAM_MEMBERSHIP_MAX_AGE_SECONDS = 86400;

export const MIN_URL_EXPIRY_SECONDS = 60;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const CLIENT_ID = /^[A-Za-z0-9]{1,128}$/;
/** `<folder>=r` or `<folder>=rw`, with the folder rule of lib/validation/team-folders.ts. */
const MEMBERSHIP_ENTRY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}=(?:r|rw)$/;

/**
 * Reads and validates the whole environment at cold start. A bad deployment fails on its first
 * request with one message naming every bad variable, rather than with odd URLs later.
 */
export function readConfig(env: Record<string, string | undefined>): PresignConfig {
  const problems: string[] = [];
  const text = (name: string, rule: RegExp | ((value: string) => boolean), expected: string): string => {
    const value = env[name] ?? '';
    if (!(rule instanceof RegExp ? rule.test(value) : rule(value)))
      problems.push(`${name} must be ${expected} (got ${JSON.stringify(value)})`);
    return value;
  };
  const integer = (name: string, min: number, max: number): number => {
    const raw = env[name] ?? '';
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= min && value <= max)) problems.push(`${name} must be an integer in ${min}..${max}`);
    return value;
  };
  const origins = (name: string): string[] => {
    const values = (env[name] ?? '').split(',').map((o) => o.trim());
    if (values.some((o) => o !== '*' && !ORIGIN.test(o))) {
      problems.push(`${name} must be a comma-separated list of origins`);
    }
    return values;
  };
  const clientIds = (name: string): string[] => {
    const raw = env[name] ?? '';
    const values = raw === '' ? [] : raw.split(',').map((id) => id.trim());
    if (values.some((id) => !CLIENT_ID.test(id))) {
      problems.push(`${name} must be empty or a comma-separated list of app client ids`);
    }
    return values;
  };
  const memberships = (name: string): string[] => {
    const raw = env[name] ?? '';
    const values = raw === '' ? [] : raw.split(',');
    if (values.some((entry) => !MEMBERSHIP_ENTRY.test(entry) || entry.includes('..'))) {
      problems.push(`${name} must be empty or a comma-separated list of <folder>=r or <folder>=rw`);
    }
    return values;
  };
  const optionalPrefix = (name: string, fallback: string, example: string): string =>
    env[name] === undefined
      ? fallback
      : text(name, isUsersPrefix, `folder segments each ending in "/", such as "${example}"`);

  const config: PresignConfig = {
    bucketName: text(PRESIGN_ENV.bucketName, BUCKET_NAME, 'an S3 bucket name'),
    presignRoleArn: text(PRESIGN_ENV.presignRoleArn, ROLE_ARN, 'an IAM role ARN'),
    urlExpirySeconds: integer(PRESIGN_ENV.urlExpirySeconds, MIN_URL_EXPIRY_SECONDS, MAX_URL_EXPIRY_SECONDS),
    maxUploadBytes: integer(PRESIGN_ENV.maxUploadBytes, 1, MAX_SINGLE_PUT_BYTES),
    maxMultipartUploadBytes:
      env[PRESIGN_ENV.maxMultipartUploadBytes] === undefined
        ? Defaults.MAX_MULTIPART_UPLOAD_BYTES
        : integer(PRESIGN_ENV.maxMultipartUploadBytes, 1, MULTIPART_LIMITS.maxObjectBytes),
    listPageSize: integer(PRESIGN_ENV.listPageSize, 1, 1000),
    allowedOrigins: origins(PRESIGN_ENV.allowedOrigins),
    identityProviderName: text(
      PRESIGN_ENV.identityProviderName,
      isCognitoProviderName,
      'a user-pool identity provider name as Cognito accepts it (3-32 characters, no whitespace or _ after the first)',
    ),
    allowedClientIds: clientIds(PRESIGN_ENV.allowedClientIds),
    usersPrefix: optionalPrefix(PRESIGN_ENV.usersPrefix, DEFAULT_USERS_PREFIX, 'users/'),
    teamsPrefix: optionalPrefix(PRESIGN_ENV.teamsPrefix, DEFAULT_TEAMS_PREFIX, 'teams/'),
    teamFolders: memberships(PRESIGN_ENV.teamFolders),
    teamMembershipMaxAgeSeconds:
      env[PRESIGN_ENV.teamMembershipMaxAgeSeconds] === undefined
        ? DEFAULT_TEAM_MEMBERSHIP_MAX_AGE_SECONDS
        : integer(PRESIGN_ENV.teamMembershipMaxAgeSeconds, 60, MAX_TEAM_MEMBERSHIP_MAX_AGE_SECONDS),
    region: text(PRESIGN_ENV.region, REGION, 'an AWS region'),
    ...withSharing(readSharingConfig(env, problems)),
    malwareScanning:
      env[PRESIGN_ENV.malwareScanning] === undefined
        ? 'off'
        : (text(PRESIGN_ENV.malwareScanning, /^(off|guardduty)$/, '"off" or "guardduty"') as
            'off' | 'guardduty'),
  };
  if (
    config.teamsPrefix.startsWith(config.usersPrefix) ||
    config.usersPrefix.startsWith(config.teamsPrefix)
  ) {
    problems.push(`${PRESIGN_ENV.teamsPrefix} and ${PRESIGN_ENV.usersPrefix} must not contain one another`);
  }
  if (problems.length > 0) throw new Error(`Invalid presign configuration: ${problems.join('; ')}`);
  return config;
}

const withSharing = (sharing: SharingConfig | undefined) => (sharing === undefined ? {} : { sharing });
