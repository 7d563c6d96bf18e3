import type { TeamFolder } from '../../lib/policy/team-folder-names';

/**
 * The operator's configuration. `okta-config.example.ts` documents every field with a value;
 * `okta-config.ts` (git-ignored) is the operator's own copy.
 */
export interface OktaS3Config {
  /**
   * Prefix of every stack name: each environment deploys as `<stackNamePrefix>-<environment>`.
   */
  readonly stackNamePrefix: string;
  /** The Okta organisation every environment federates. */
  readonly okta: OktaSettings;
  /**
   * Named deployment targets, e.g. `dev` and `prod`. Every one is built (and `cdk ls` lists each)
   * unless `-c env=<name>` picks one.
   */
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
}

export interface OktaSettings {
  /**
   * The issuer of the Okta authorization server: an https URL with no trailing slash,
   * e.g. `https://example.okta.com/oauth2/default`.
   */
  readonly issuer: string;
  /**
   * Client ids of the Okta SPA/native apps whose ID tokens reach the identity pool and the
   * web-identity role. They become the audiences of the IAM OIDC provider.
   */
  readonly clientIds: readonly string[];
  /** Client id of the Okta web app the Cognito user pool federates. */
  readonly webClientId: string;
  /**
   * Name of the Secrets Manager secret that holds the web app's client secret. The template
   * references it dynamically; the secret itself never appears in the repo or the template.
   */
  readonly webClientSecretName: string;
}

export interface EnvironmentConfig {
  /** AWS account id (12 digits). @default the CLI's current account */
  readonly account?: string;
  /** AWS region, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * Web origins allowed by bucket and API CORS: `https://host[:port]`, or `http://localhost[:port]`
   * and `http://127.0.0.1[:port]` for development. No paths, no trailing slash.
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Must be `true` for `*` to be accepted in `allowedOrigins`. Never do this in production.
   * @default false
   */
  readonly allowAnyOrigin?: boolean;
  /**
   * `import` uses the account's existing IAM OIDC provider for the issuer instead of creating one.
   * IAM allows one provider per issuer per account, so a second environment in the same account
   * must import it (and the provider's audiences must include `okta.clientIds`).
   * @default 'create'
   */
  readonly oidcProvider?: 'create' | 'import';
  /**
   * No longer needed, and ignored with a warning: the identity pool's role checks the token's
   * `aud` against `okta.clientIds` itself, so other Okta apps on a shared provider stay out.
   * @deprecated remove it
   * @default 'client-ids-only'
   */
  readonly identityPoolAudiences?: 'client-ids-only' | 'any-of-shared-provider';
  /**
   * Team folders: each entry gives an Okta group's members `<teamsPrefix><folder>/`. Several groups
   * may share a folder with different access. Members are read from the ID token's `okta_teams`
   * claim (README: Team folders), on routes 1 and 3; route 2 stays personal.
   * @default no team folders
   */
  readonly teamFolders?: readonly TeamFolderSettings[];
  /**
   * The folder team folders live under: segments each ending in `/`, apart from `users/`.
   * @default 'teams/'
   */
  readonly teamsPrefix?: string;
  /** Bucket settings. @default see {@link StorageSettings} */
  readonly storage?: Partial<StorageSettings>;
  /** Presign API settings. @default see {@link PresignSettings} */
  readonly presign?: Partial<PresignSettings>;
  /** Alarms, a dashboard and where alarms go. @default see {@link MonitoringSettings} */
  readonly monitoring?: Partial<MonitoringSettings>;
  /** The Cognito user pool that federates Okta for the presign API. */
  readonly userPool: UserPoolSettings;
  /**
   * Okta Workflows' AWS S3 connector. The role is created only when this is set.
   * @default no connector role
   */
  readonly workflows?: WorkflowsSettings;
  /**
   * Offboarding: an Okta event hook (and a scheduled read of Okta's System Log) moves a deactivated
   * or deleted person's `users/<sub>/` to `offboarded/<sub>/`. On only when this is set.
   * @default no offboarding
   */
  readonly offboarding?: Partial<OffboardingSettings>;
  /** Hosting of the built web client on CloudFront. @default see {@link WebClientSettings} (off) */
  readonly webClient?: Partial<WebClientSettings>;
  /**
   * The rule pack to pass: `'control-tower'` passes AWS Control Tower's proactive controls and needs
   * `storage.accessLogsBucketName`; `'default'` unless set.
   */
  readonly compliance?: 'default' | 'control-tower';
  /**
   * Scan uploads for malware: `'guardduty'` puts GuardDuty Malware Protection for S3 on the users'
   * and team folders, and nothing is readable until scanned clean. `'off'` unless set.
   */
  readonly malwareScanning?: 'off' | 'guardduty';
}

export interface TeamFolderSettings {
  /** The Okta group, by its name in Okta. */
  readonly group: string;
  /** `read` (get and list) or `read-write` (also put, delete, abort uploads). */
  readonly access: 'read' | 'read-write';
  /** The folder under the teams prefix. @default the group name */
  readonly folder?: string;
}

export interface StorageSettings {
  /** Days a replaced or deleted object version is kept before it expires. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which an unfinished multipart upload is aborted. */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Days server access logs are kept in the log bucket. */
  readonly accessLogRetentionDays: number;
  /**
   * User metadata keys browsers may read, without the `x-amz-meta-` prefix (lowercase header tokens).
   */
  readonly exposedMetadataKeys: readonly string[];
  /** `s3-managed` (SSE-S3) or `kms` (a customer managed key with rotation). */
  readonly encryption: 's3-managed' | 'kms';
  /**
   * `retain` keeps both buckets when the stack is deleted. `destroy` deletes them and empties them
   * first: for throwaway development environments only.
   */
  readonly removalPolicy: 'retain' | 'destroy';
  /**
   * An existing (central) bucket to deliver the data bucket's access logs to, instead of a log bucket
   * of the stack's own. Required by `compliance: 'control-tower'`.
   */
  readonly accessLogsBucketName?: string;
}

export interface PresignSettings {
  /** Lifetime of every presigned URL, in seconds (60 to 1800: see MAX_URL_EXPIRY_SECONDS). */
  readonly urlExpirySeconds: number;
  /** Largest upload a presigned URL allows, in bytes (at most 5 GiB, S3's single-PUT limit). */
  readonly maxUploadBytes: number;
  /** Largest file a multipart upload may assemble, in bytes (at most 48.8 TiB, S3's largest object). */
  readonly maxMultipartUploadBytes: number;
  /** Steady-state requests per second across the API stage. */
  readonly throttlingRateLimit: number;
  /** Burst capacity of the API stage. */
  readonly throttlingBurstLimit: number;
  /** Objects per page of `GET /files` (1 to 1000). */
  readonly listPageSize: number;
  /** Days API access logs and Lambda logs are kept (a CloudWatch Logs retention value). */
  readonly logRetentionDays: number;
  /**
   * Create API Gateway's account-wide CloudWatch Logs role. Access logging cannot deploy until an
   * account and region have one; set this in exactly one stack per account and region, or run
   * `aws apigateway update-account` once yourself.
   */
  readonly createApiGatewayLogRole: boolean;
  /** X-Ray active tracing of the API stage and the presign function (with its STS and S3 calls). */
  readonly tracing: boolean;
  /**
   * Minutes after an Okta sign-in that route 3 still honours its team memberships. A token refresh
   * does not ask Okta again, so this bounds how long a removal from a group takes on route 3.
   */
  readonly teamMembershipMaxAgeMinutes: number;
  /** Share links and file requests (a DynamoDB table and public visit routes); off when absent. */
  readonly sharing?: SharingSettings;
}

/** `presign.sharing`: limits of share links and file requests (see SharingOptions in lib). */
export interface SharingSettings {
  /** Longest life of a link or file request, in days (1 to 30; default 7). */
  readonly maxLinkDays?: number;
  /** Most files one file request may receive (1 to 1000; default 20). */
  readonly fileRequestMaxFiles?: number;
  /** Largest file a file-request visitor may upload, in bytes (default 100 MiB, at most 5 GiB). */
  readonly fileRequestMaxFileBytes?: number;
  /** Lower-case content types visitors may upload (default: any). */
  readonly fileRequestContentTypes?: string[];
  /** Requests per second of each public visit method (default 10). */
  readonly visitRateLimit?: number;
  /** Burst of each public visit method (default 20). */
  readonly visitBurstLimit?: number;
}

/**
 * Alarms and a dashboard for the presign route (the StorageMonitoring construct). Thresholds are
 * described on MonitoringThresholds.
 */
export interface MonitoringSettings {
  /** Create the alarms and the dashboard. */
  readonly enabled: boolean;
  /** E-mail addresses subscribed to the created alarm topic (each must confirm). */
  readonly alarmEmails: readonly string[];
  /** An existing SNS topic for alarms instead of a created one; `alarmEmails` must then be empty. */
  readonly alarmTopicArn?: string;
  /** Failed Lambda invocations per 5 minutes. */
  readonly handlerErrors: number;
  /** Throttled Lambda invocations per 5 minutes. */
  readonly handlerThrottles: number;
  /** p99 Lambda duration as a percentage of its timeout. */
  readonly durationPercentOfTimeout: number;
  /** Percent of API requests answered 5xx per 5 minutes. */
  readonly server5xxRatePercent: number;
  /** p99 API latency in milliseconds, 15 minutes in a row. */
  readonly latencyP99Millis: number;
  /** Failed calls to STS, or to S3, per 5 minutes. */
  readonly dependencyFaults: number;
  /** 401/403 answers per minute. */
  readonly refusedPerMinute: number;
}

export interface UserPoolSettings {
  /** Prefix of the hosted sign-in domain `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /** Where Cognito may redirect after sign-in (https, or http on localhost). */
  readonly callbackUrls: readonly string[];
  /** Where Cognito may redirect after sign-out (https, or http on localhost). */
  readonly logoutUrls: readonly string[];
  /**
   * Minutes an ID token stays valid, 5 to 1440 (Cognito's range). Signing a user out
   * (admin-user-global-sign-out) does not end ID tokens already issued: the API accepts them until
   * they expire, so this is how long a revoked user can keep calling it.
   * @default 60
   */
  readonly idTokenValidityMinutes?: number;
}

/**
 * The reference web client, served from a private S3 bucket through CloudFront (README: Host the
 * web client). Its origin joins `allowedOrigins` and `<origin>/` the user pool's callback and
 * sign-out URLs.
 */
export interface WebClientSettings {
  /** Host the client. Off unless set to true. */
  readonly enabled: boolean;
  /**
   * The built client, relative to the project folder: `npm run build:web` writes
   * `examples/web/dist`. It must hold an `index.html` when the environment is synthesized.
   */
  readonly path: string;
  /**
   * A host name of your own for the client, e.g. `files.example.com` (with `certificateArn`).
   * @default CloudFront's own `d1234abcd.cloudfront.net`
   */
  readonly domainName?: string;
  /** An ACM certificate in us-east-1 covering `domainName`: CloudFront uses no other region's. */
  readonly certificateArn?: string;
}

export interface OffboardingSettings {
  /** Days moved files are kept under `offboarded/<sub>/` before they expire. @default 365 */
  readonly retentionDays: number;
  /** Minutes between reads of Okta's System Log for events the hook missed (5 to 1440). @default 60 */
  readonly reconcileIntervalMinutes: number;
}

export interface WorkflowsSettings {
  /** The AWS account id Okta Workflows shows when an S3 connection is created. */
  readonly accountId: string;
  /** The external id Okta Workflows shows for that connection. */
  readonly externalId: string;
}

/** One environment with every default filled in: what the stack is built from. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly stackName: string;
  readonly account?: string;
  readonly region: string;
  readonly okta: OktaSettings;
  readonly oidcProvider: 'create' | 'import';
  /** As given, only to warn that it is no longer needed. */
  readonly identityPoolAudiences?: 'client-ids-only' | 'any-of-shared-provider';
  /** As the library takes them. */
  readonly teamFolders: readonly TeamFolder[];
  readonly teamsPrefix: string;
  readonly allowedOrigins: readonly string[];
  readonly allowAnyOrigin: boolean;
  readonly storage: StorageSettings;
  readonly presign: PresignSettings;
  readonly monitoring: MonitoringSettings;
  readonly userPool: UserPoolSettings & { readonly idTokenValidityMinutes: number };
  readonly workflows?: WorkflowsSettings;
  readonly offboarding?: OffboardingSettings;
  /** `path` is absolute here: resolved against the project folder. */
  readonly webClient: WebClientSettings;
  readonly compliance: 'default' | 'control-tower';
  readonly malwareScanning: 'off' | 'guardduty';
}
