import type {
  EnvironmentConfig,
  MonitoringSettings,
  OktaS3Config,
  OktaSettings,
  PresignSettings,
  SharingSettings,
  StorageSettings,
  TeamFolderSettings,
  UserPoolSettings,
  WebClientSettings,
  WorkflowsSettings,
  OffboardingSettings,
} from './types';

/**
 * The keys each section of the configuration may hold. `keysOf` makes TypeScript check that each
 * list names every key of its interface and nothing else, so the types stay the one source of
 * truth: adding a field to types.ts without listing it here fails the type-check.
 */
function keysOf<T>() {
  return <const K extends readonly (keyof T)[]>(
    keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : 'missing keys'),
  ): readonly string[] => keys as readonly string[];
}

export const ROOT_KEYS = keysOf<OktaS3Config>()(['stackNamePrefix', 'okta', 'environments']);
export const OKTA_KEYS = keysOf<OktaSettings>()([
  'issuer',
  'clientIds',
  'webClientId',
  'webClientSecretName',
]);
export const ENVIRONMENT_KEYS = keysOf<EnvironmentConfig>()([
  'account',
  'region',
  'allowedOrigins',
  'allowAnyOrigin',
  'oidcProvider',
  'identityPoolAudiences',
  'teamFolders',
  'teamsPrefix',
  'storage',
  'presign',
  'monitoring',
  'userPool',
  'workflows',
  'offboarding',
  'webClient',
  'compliance',
  'malwareScanning',
]);
export const STORAGE_KEYS = keysOf<StorageSettings>()([
  'noncurrentVersionExpirationDays',
  'abortIncompleteMultipartUploadDays',
  'accessLogRetentionDays',
  'exposedMetadataKeys',
  'encryption',
  'removalPolicy',
  'accessLogsBucketName',
]);
export const PRESIGN_KEYS = keysOf<PresignSettings>()([
  'urlExpirySeconds',
  'maxUploadBytes',
  'maxMultipartUploadBytes',
  'throttlingRateLimit',
  'throttlingBurstLimit',
  'listPageSize',
  'logRetentionDays',
  'createApiGatewayLogRole',
  'tracing',
  'teamMembershipMaxAgeMinutes',
  'sharing',
]);
export const SHARING_KEYS = keysOf<SharingSettings>()([
  'maxLinkDays',
  'fileRequestMaxFiles',
  'fileRequestMaxFileBytes',
  'fileRequestContentTypes',
  'visitRateLimit',
  'visitBurstLimit',
]);
export const TEAM_FOLDER_KEYS = keysOf<TeamFolderSettings>()(['group', 'access', 'folder']);
export const MONITORING_KEYS = keysOf<MonitoringSettings>()([
  'enabled',
  'alarmEmails',
  'alarmTopicArn',
  'handlerErrors',
  'handlerThrottles',
  'durationPercentOfTimeout',
  'server5xxRatePercent',
  'latencyP99Millis',
  'dependencyFaults',
  'refusedPerMinute',
]);
export const USER_POOL_KEYS = keysOf<UserPoolSettings>()([
  'domainPrefix',
  'callbackUrls',
  'logoutUrls',
  'idTokenValidityMinutes',
]);
export const OFFBOARDING_KEYS = keysOf<OffboardingSettings>()(['retentionDays', 'reconcileIntervalMinutes']);
export const WORKFLOWS_KEYS = keysOf<WorkflowsSettings>()(['accountId', 'externalId']);
export const WEB_CLIENT_KEYS = keysOf<WebClientSettings>()([
  'enabled',
  'path',
  'domainName',
  'certificateArn',
]);

/** Keys earlier versions had, with what to do instead. */
const RETIRED_KEYS: Readonly<Record<string, string>> = {
  defaultEnvironment: 'every environment is built unless -c env=<name> picks one; remove it',
};

/** Keys of `value` that `known` does not list, each with a suggestion where one is close. */
export function unknownKeyProblems(path: string, value: object, known: readonly string[]): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const retired = path === '' && Object.hasOwn(RETIRED_KEYS, key) ? `; ${RETIRED_KEYS[key]}` : undefined;
      return `${path ? `${path}.` : ''}${key}: unknown key${retired ?? didYouMean(key, known)}`;
    });
}

/** `; did you mean "x"?` for the closest candidate within a small edit distance, else a list. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  if (best) return `; did you mean "${best}"?`;
  return candidates.length <= 12 ? `; expected one of ${candidates.join(', ')}` : '';
}

/** The candidate nearest to `word`, if it is near enough to be a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const tolerance = Math.max(2, Math.floor(word.length / 4));
  return best && best.distance <= tolerance ? best.candidate : undefined;
}

/** Damerau-Levenshtein distance (with adjacent swaps, so `regoin` is one edit from `region`). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
