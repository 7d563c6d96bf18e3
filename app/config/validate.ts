import {
  DEFAULT_MONITORING,
  DEFAULT_OFFBOARDING,
  DEFAULT_PRESIGN,
  DEFAULT_STORAGE,
  DEFAULT_WEB_CLIENT,
  LOG_RETENTION_DAYS,
  MAX_SINGLE_PUT_BYTES,
  MULTIPART_LIMITS,
  MAX_URL_EXPIRY_SECONDS,
} from './defaults';
import { isLocalHttp, originProblem, parseUrl } from '../../lib/validation/origins';
import {
  AWS_ACCOUNT_ID,
  isCognitoDomainPrefix,
  isIssuerUrl,
  LOWERCASE_HEADER_TOKEN,
  STS_EXTERNAL_ID,
  DEFAULT_USERS_PREFIX,
  ID_TOKEN_VALIDITY_MINUTES,
  cloudFrontCertificateProblem,
  isDomainName,
} from '../../lib/validation/rules';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { DEFAULT_TEAMS_PREFIX } from '../../lib/policy/team-folder-names';
import { teamFolderProblems } from '../../lib/validation/team-folders';
import { SharingOptions, sharingProblems } from '../../lib/constructs/sharing-table';
import { WEB_CLIENT_CONTROL_TOWER_GAPS } from '../../lib/constructs/web-client-control-tower';
import {
  closest,
  ENVIRONMENT_KEYS,
  OKTA_KEYS,
  MONITORING_KEYS,
  PRESIGN_KEYS,
  SHARING_KEYS,
  ROOT_KEYS,
  STORAGE_KEYS,
  TEAM_FOLDER_KEYS,
  unknownKeyProblems,
  USER_POOL_KEYS,
  WEB_CLIENT_KEYS,
  WORKFLOWS_KEYS,
  OFFBOARDING_KEYS,
} from './keys';
import { OktaS3Config } from './types';

/** Thrown when the configuration is invalid; lists every bad field at once. */
export class ConfigValidationError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(
      `Invalid okta-s3-storage configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

type Check = (value: unknown) => string | undefined;

/** The regions this version of aws-cdk-lib knows, offline; a typo like eu-wset-1 is not one. */
const REGIONS = RegionInfo.regions.map((r) => r.name);
const CLIENT_ID = /^[A-Za-z0-9_-]{8,100}$/;
const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const STACK_PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,100}$/;
/** Deliberately loose: SNS checks the address, and the owner has to confirm it. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** S3's bucket naming rules for general purpose buckets (3-63 of a-z, 0-9, dot and hyphen). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const OKTA_CLIENT_ID = 'an Okta client id (8-100 of A-Z a-z 0-9 _ -)';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const matching =
  (re: RegExp, expected: string): Check =>
  (v) =>
    typeof v === 'string' && re.test(v) ? undefined : expected;

const integerIn =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `an integer from ${min} to ${max}`;

const oneOf =
  (allowed: readonly (string | number)[], expected = `one of ${allowed.join(', ')}`): Check =>
  (v) =>
    allowed.includes(v as string | number) ? undefined : expected;

const regionCheck: Check = (v) => {
  if (typeof v === 'string' && REGIONS.includes(v)) return undefined;
  const near = typeof v === 'string' ? closest(v, REGIONS) : undefined;
  return near ? `an AWS region (did you mean "${near}"?)` : 'an AWS region such as eu-west-1';
};

const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');

const issuerCheck: Check = (v) => {
  // https://<org>-admin.okta.com is the admin console, which issues no tokens for this store.
  const admin =
    typeof v === 'string' ? /^https:\/\/([^/.]+)-admin\.(okta(?:preview)?\.com)(\/|$)/.exec(v) : null;
  if (admin)
    return `the authorization server's Issuer URI, not the admin console's address (Security > API > Authorization Servers, e.g. https://${admin[1]}.${admin[2]}/oauth2/default)`;
  return isIssuerUrl(v)
    ? undefined
    : 'an https URL with no trailing slash, query or fragment, e.g. https://example.okta.com/oauth2/default';
};

/** An origin is exactly scheme://host[:port]; see originProblem. */
export const checkOrigin: Check = originProblem;

const redirectUrlCheck: Check = (v) => {
  const url = parseUrl(v);
  const ok = url !== undefined && !url.hash && (url.protocol === 'https:' || isLocalHttp(url));
  return ok ? undefined : 'an https URL (or http on localhost/127.0.0.1) with no fragment';
};

const domainPrefixCheck: Check = (v) =>
  isCognitoDomainPrefix(v)
    ? undefined
    : 'lowercase letters, digits and hyphens (1-63), not containing "aws", "amazon" or "cognito"';

/**
 * Checks a whole configuration and returns it typed, or throws one {@link ConfigValidationError}
 * naming every bad field. Pure: it reads nothing but its argument.
 */
export function validateConfig(input: unknown): OktaS3Config {
  const problems: string[] = [];
  const check = (path: string, value: unknown, ...checks: Check[]) => {
    for (const c of checks) {
      const expected = c(value);
      if (expected) {
        problems.push(`${path}: expected ${expected}, got ${describe(value)}`);
        return;
      }
    }
  };
  const checkList = (path: string, value: unknown, min: number, max: number, item: Check) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) {
      problems.push(`${path}: expected a list of ${min} to ${max} entries, got ${describe(value)}`);
      return;
    }
    value.forEach((v, i) => check(`${path}[${i}]`, v, item));
    const duplicates = value.filter((v, i) => value.indexOf(v) !== i);
    if (duplicates.length) problems.push(`${path}: expected no duplicates, got ${describe(duplicates)}`);
  };
  /** A missing or malformed section is one problem; its fields are then not checked one by one. */
  const section = (path: string, value: unknown): Record<string, unknown> | undefined => {
    if (isObject(value)) return value;
    problems.push(`${path}: expected an object, got ${describe(value)}`);
    return undefined;
  };
  const optionalSection = (path: string, value: unknown) => (value === undefined ? {} : section(path, value));

  const root = section('config', input);
  if (!root) throw new ConfigValidationError(problems);
  const known = (path: string, value: Record<string, unknown> | undefined, keys: readonly string[]) => {
    if (value) problems.push(...unknownKeyProblems(path, value, keys));
  };
  known('', root, ROOT_KEYS);
  check(
    'stackNamePrefix',
    root.stackNamePrefix,
    matching(STACK_PREFIX, 'a letter then letters, digits or hyphens'),
  );

  const okta = section('okta', root.okta);
  known('okta', okta, OKTA_KEYS);
  if (okta) {
    check('okta.issuer', okta.issuer, issuerCheck);
    checkList('okta.clientIds', okta.clientIds, 1, 100, matching(CLIENT_ID, OKTA_CLIENT_ID));
    check('okta.webClientId', okta.webClientId, matching(CLIENT_ID, OKTA_CLIENT_ID));
    check(
      'okta.webClientSecretName',
      okta.webClientSecretName,
      matching(SECRET_NAME, 'a Secrets Manager secret name'),
    );
  }

  const environments = section('environments', root.environments) ?? {};
  const envNames = Object.keys(environments);
  if (envNames.length === 0) problems.push('environments: expected at least one environment, got none');

  const domainPrefixes = new Map<unknown, string>();
  for (const name of envNames) {
    const p = `environments.${name}`;
    check(
      p,
      name,
      matching(ENV_NAME, 'an environment name of lowercase letters, digits and hyphens (max 16)'),
    );
    const env = section(p, environments[name]);
    if (!env) continue;
    known(p, env, ENVIRONMENT_KEYS);
    if (env.account !== undefined)
      check(`${p}.account`, env.account, matching(AWS_ACCOUNT_ID, 'a 12-digit AWS account id'));
    check(`${p}.region`, env.region, regionCheck);

    if (env.oidcProvider !== undefined)
      check(`${p}.oidcProvider`, env.oidcProvider, oneOf(['create', 'import']));
    if (env.identityPoolAudiences !== undefined)
      check(
        `${p}.identityPoolAudiences`,
        env.identityPoolAudiences,
        oneOf(['client-ids-only', 'any-of-shared-provider']),
      );
    checkTeamFolders(p, env);
    const allowAny = env.allowAnyOrigin === true;
    if (env.allowAnyOrigin !== undefined) check(`${p}.allowAnyOrigin`, env.allowAnyOrigin, isBoolean);
    checkList(`${p}.allowedOrigins`, env.allowedOrigins, 1, 100, (v) =>
      v === '*' ? (allowAny ? undefined : '"*" only with allowAnyOrigin: true') : checkOrigin(v),
    );

    const storageSection = optionalSection(`${p}.storage`, env.storage);
    known(`${p}.storage`, storageSection, STORAGE_KEYS);
    const storage = { ...DEFAULT_STORAGE, ...storageSection };
    checkCompliance(p, env, storage.accessLogsBucketName);
    if (env.malwareScanning !== undefined)
      check(`${p}.malwareScanning`, env.malwareScanning, oneOf(['off', 'guardduty']));
    check(
      `${p}.storage.noncurrentVersionExpirationDays`,
      storage.noncurrentVersionExpirationDays,
      integerIn(1, 3650),
    );
    check(
      `${p}.storage.abortIncompleteMultipartUploadDays`,
      storage.abortIncompleteMultipartUploadDays,
      integerIn(1, 365),
    );
    check(`${p}.storage.accessLogRetentionDays`, storage.accessLogRetentionDays, integerIn(1, 3650));
    check(`${p}.storage.encryption`, storage.encryption, oneOf(['s3-managed', 'kms']));
    check(`${p}.storage.removalPolicy`, storage.removalPolicy, oneOf(['retain', 'destroy']));
    checkList(`${p}.storage.exposedMetadataKeys`, storage.exposedMetadataKeys, 0, 20, (v) =>
      typeof v === 'string' &&
      LOWERCASE_HEADER_TOKEN.test(v) &&
      !v.startsWith('x-amz-meta-') &&
      v.length <= 100
        ? undefined
        : 'a lowercase header token without the x-amz-meta- prefix',
    );

    const presignSection = optionalSection(`${p}.presign`, env.presign);
    known(`${p}.presign`, presignSection, PRESIGN_KEYS);
    const presign = { ...DEFAULT_PRESIGN, ...presignSection };
    check(`${p}.presign.urlExpirySeconds`, presign.urlExpirySeconds, integerIn(60, MAX_URL_EXPIRY_SECONDS));
    check(`${p}.presign.maxUploadBytes`, presign.maxUploadBytes, integerIn(1, MAX_SINGLE_PUT_BYTES));
    check(
      `${p}.presign.maxMultipartUploadBytes`,
      presign.maxMultipartUploadBytes,
      integerIn(1, MULTIPART_LIMITS.maxObjectBytes),
    );
    check(`${p}.presign.throttlingRateLimit`, presign.throttlingRateLimit, integerIn(1, 10_000));
    check(`${p}.presign.throttlingBurstLimit`, presign.throttlingBurstLimit, integerIn(1, 5_000));
    check(`${p}.presign.listPageSize`, presign.listPageSize, integerIn(1, 1000));
    check(`${p}.presign.logRetentionDays`, presign.logRetentionDays, oneOf(LOG_RETENTION_DAYS));
    check(`${p}.presign.createApiGatewayLogRole`, presign.createApiGatewayLogRole, isBoolean);
    check(`${p}.presign.tracing`, presign.tracing, isBoolean);
    check(
      `${p}.presign.teamMembershipMaxAgeMinutes`,
      presign.teamMembershipMaxAgeMinutes,
      integerIn(5, 24 * 60),
    );
    if (presign.sharing !== undefined) {
      const sharing = section(`${p}.presign.sharing`, presign.sharing);
      known(`${p}.presign.sharing`, sharing, SHARING_KEYS);
      const types = sharing?.fileRequestContentTypes;
      if (types !== undefined && !(Array.isArray(types) && types.every((t) => typeof t === 'string'))) {
        problems.push(
          `${p}.presign.sharing.fileRequestContentTypes: expected a list of content types, got ${describe(types)}`,
        );
      } else if (sharing) {
        // The construct's own rule, so configuration and construct cannot disagree.
        problems.push(...sharingProblems(`${p}.presign.sharing`, sharing as SharingOptions));
      }
    }

    const monitoringSection = optionalSection(`${p}.monitoring`, env.monitoring);
    known(`${p}.monitoring`, monitoringSection, MONITORING_KEYS);
    const monitoring = { ...DEFAULT_MONITORING, ...monitoringSection };
    check(`${p}.monitoring.enabled`, monitoring.enabled, isBoolean);
    checkList(`${p}.monitoring.alarmEmails`, monitoring.alarmEmails, 0, 20, (v) =>
      typeof v === 'string' && EMAIL.test(v) ? undefined : 'an e-mail address',
    );
    if (monitoring.alarmTopicArn !== undefined) {
      check(
        `${p}.monitoring.alarmTopicArn`,
        monitoring.alarmTopicArn,
        matching(SNS_TOPIC_ARN, 'an SNS topic ARN'),
      );
      if (monitoring.alarmEmails.length) {
        problems.push(
          `${p}.monitoring.alarmEmails: expected none with alarmTopicArn (subscribe to your own topic), got ${monitoring.alarmEmails.length}`,
        );
      }
    }
    for (const key of [
      'handlerErrors',
      'handlerThrottles',
      'dependencyFaults',
      'refusedPerMinute',
    ] as const) {
      check(`${p}.monitoring.${key}`, monitoring[key], integerIn(1, 1_000_000));
    }
    check(`${p}.monitoring.durationPercentOfTimeout`, monitoring.durationPercentOfTimeout, integerIn(1, 100));
    check(`${p}.monitoring.server5xxRatePercent`, monitoring.server5xxRatePercent, integerIn(1, 100));
    check(`${p}.monitoring.latencyP99Millis`, monitoring.latencyP99Millis, integerIn(1, 29_000));

    const userPool = section(`${p}.userPool`, env.userPool);
    known(`${p}.userPool`, userPool, USER_POOL_KEYS);
    if (userPool) {
      check(`${p}.userPool.domainPrefix`, userPool.domainPrefix, domainPrefixCheck);
      const owner = domainPrefixes.get(userPool.domainPrefix);
      if (owner)
        problems.push(
          `${p}.userPool.domainPrefix: expected a prefix unique across environments, got the same as ${owner}`,
        );
      domainPrefixes.set(userPool.domainPrefix, p);
      checkList(`${p}.userPool.callbackUrls`, userPool.callbackUrls, 1, 100, redirectUrlCheck);
      checkList(`${p}.userPool.logoutUrls`, userPool.logoutUrls, 1, 100, redirectUrlCheck);
      if (userPool.idTokenValidityMinutes !== undefined) {
        check(
          `${p}.userPool.idTokenValidityMinutes`,
          userPool.idTokenValidityMinutes,
          integerIn(ID_TOKEN_VALIDITY_MINUTES.min, ID_TOKEN_VALIDITY_MINUTES.max),
        );
      }
    }

    checkWebClient(p, env);

    if (env.offboarding !== undefined) {
      const offboarding = { ...DEFAULT_OFFBOARDING, ...(section(`${p}.offboarding`, env.offboarding) ?? {}) };
      known(`${p}.offboarding`, offboarding, OFFBOARDING_KEYS);
      check(`${p}.offboarding.retentionDays`, offboarding.retentionDays, integerIn(1, 36_500));
      check(
        `${p}.offboarding.reconcileIntervalMinutes`,
        offboarding.reconcileIntervalMinutes,
        integerIn(5, 1440),
      );
    }

    if (env.workflows !== undefined) {
      const workflows = section(`${p}.workflows`, env.workflows) ?? {};
      known(`${p}.workflows`, workflows, WORKFLOWS_KEYS);
      check(
        `${p}.workflows.accountId`,
        workflows.accountId,
        matching(AWS_ACCOUNT_ID, 'a 12-digit AWS account id'),
      );
      check(
        `${p}.workflows.externalId`,
        workflows.externalId,
        matching(STS_EXTERNAL_ID, 'an external id of 2-1224 characters from [A-Za-z0-9+=,.@:/_-]'),
      );
    }
  }

  if (problems.length) throw new ConfigValidationError(problems);
  return input as OktaS3Config;

  /** The Control Tower profile's needs: a central access-log bucket, and no hosted client yet. */
  function checkCompliance(p: string, env: Record<string, unknown>, accessLogsBucketName: unknown): void {
    if (accessLogsBucketName !== undefined)
      check(
        `${p}.storage.accessLogsBucketName`,
        accessLogsBucketName,
        matching(BUCKET_NAME, 'an S3 bucket name'),
      );
    if (env.compliance === undefined) return;
    check(`${p}.compliance`, env.compliance, oneOf(['default', 'control-tower']));
    if (env.compliance !== 'control-tower') return;
    if (accessLogsBucketName === undefined)
      problems.push(
        `${p}.storage.accessLogsBucketName: expected a central log bucket's name with compliance 'control-tower' (S3 cannot deliver access logs to a bucket with SSE-KMS or Object Lock, which the profile requires of buckets it makes), got nothing`,
      );
    if ((env.webClient as { enabled?: unknown } | undefined)?.enabled === true)
      problems.push(
        `${p}.webClient.enabled: expected false with compliance 'control-tower', got true: the hosting would fail ${WEB_CLIENT_CONTROL_TOWER_GAPS}. Serve the client from elsewhere, or use the default profile`,
      );
  }

  /** The hosting's fields; whether the built client exists is for `configure`, which reads files. */
  function checkWebClient(p: string, env: Record<string, unknown>): void {
    const section = optionalSection(`${p}.webClient`, env.webClient);
    if (!section) return;
    known(`${p}.webClient`, section, WEB_CLIENT_KEYS);
    const webClient = { ...DEFAULT_WEB_CLIENT, ...section };
    check(`${p}.webClient.enabled`, webClient.enabled, isBoolean);
    check(`${p}.webClient.path`, webClient.path, (v) =>
      typeof v === 'string' && v.trim() !== ''
        ? undefined
        : 'the folder of the built client, e.g. examples/web/dist',
    );
    const { domainName, certificateArn } = webClient;
    if (domainName !== undefined) {
      check(`${p}.webClient.domainName`, domainName, (v) =>
        isDomainName(v) ? undefined : 'a lowercase host name such as files.example.com (no scheme, no path)',
      );
    }
    if (certificateArn !== undefined) {
      check(`${p}.webClient.certificateArn`, certificateArn, cloudFrontCertificateProblem);
    }
    if (domainName !== undefined && certificateArn === undefined) {
      problems.push(
        `${p}.webClient.certificateArn: expected an ACM certificate in us-east-1 covering ${describe(domainName)} (CloudFront serves a domain name of its own only with a certificate for it), got nothing`,
      );
    }
    if (certificateArn !== undefined && domainName === undefined) {
      problems.push(`${p}.webClient.domainName: expected the host name certificateArn covers, got nothing`);
    }
  }

  /** Each entry's keys and types here; names and AWS's limits by the rule the constructs apply. */
  function checkTeamFolders(p: string, env: Record<string, unknown>): void {
    if (env.teamsPrefix !== undefined && typeof env.teamsPrefix !== 'string') {
      problems.push(`${p}.teamsPrefix: expected a folder such as "teams/", got ${describe(env.teamsPrefix)}`);
      return;
    }
    if (env.teamFolders === undefined) return;
    if (!Array.isArray(env.teamFolders)) {
      problems.push(
        `${p}.teamFolders: expected a list of { group, access, folder? }, got ${describe(env.teamFolders)}`,
      );
      return;
    }
    const before = problems.length;
    const entries = env.teamFolders.map((entry, i) => section(`${p}.teamFolders[${i}]`, entry));
    entries.forEach((entry, i) => known(`${p}.teamFolders[${i}]`, entry, TEAM_FOLDER_KEYS));
    if (problems.length > before) return;
    problems.push(
      ...teamFolderProblems(
        `${p}.teamFolders`,
        entries as never,
        typeof env.teamsPrefix === 'string' ? env.teamsPrefix : DEFAULT_TEAMS_PREFIX,
        DEFAULT_USERS_PREFIX,
      ).map((problem) => (problem.startsWith('teamsPrefix') ? `${p}.${problem}` : problem)),
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
