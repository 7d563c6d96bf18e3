import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MonitoringSettings, ResolvedEnvironment } from './config/types';
import { FederatedUserPool } from '../lib/constructs/federated-user-pool';
import { IOktaFederation, OktaFederation } from '../lib/constructs/okta-federation';
import { OktaWebIdentityRole } from '../lib/constructs/okta-web-identity-role';
import { PresignApi } from '../lib/constructs/presign-api';
import { UserFilesBucket } from '../lib/constructs/user-files-bucket';
import { UserIdentityPool } from '../lib/constructs/user-identity-pool';
import { WorkflowsConnectorRole } from '../lib/constructs/workflows-connector-role';
import { StorageMonitoring, StorageMonitoringOptions } from '../lib/constructs/storage-monitoring';
import { OktaS3Storage } from '../lib/okta-s3-storage';
import {
  DEFAULT_TEAMS_PREFIX,
  folderOf,
  TeamFolder,
  TeamFolderAccess,
} from '../lib/policy/team-folder-names';

export interface OktaS3StorageStackProps extends StackProps {
  /** One validated environment of the configuration (see `configure`/`loadConfig`). */
  readonly settings: ResolvedEnvironment;
  /**
   * Adds a synth warning that the configuration holds placeholder values.
   * @default false
   */
  readonly usesPlaceholders?: boolean;
}

/**
 * The app's stack for one environment: the configuration turned into `OktaS3Storage` props, and
 * the outputs the verifier, the client config and the README read.
 */
export class OktaS3StorageStack extends Stack {
  /** The store itself. Its id is `Default`, which CDK leaves out of logical ids: they stay stable. */
  public readonly store: OktaS3Storage;
  /** Alarms and dashboard; absent when `monitoring.enabled` is false. */
  public readonly monitoring?: StorageMonitoring;
  public readonly storage: UserFilesBucket;
  public readonly federation: IOktaFederation;
  public readonly identityPool: UserIdentityPool;
  public readonly webIdentityRole: OktaWebIdentityRole;
  public readonly userPool: FederatedUserPool;
  public readonly presignApi: PresignApi;
  /** Present when the configuration names an Okta Workflows connection. */
  public readonly workflowsConnector?: WorkflowsConnectorRole;

  constructor(scope: Construct, id: string, props: OktaS3StorageStackProps) {
    super(scope, id, props);
    const { settings } = props;
    if (props.usesPlaceholders) {
      Annotations.of(this).addWarningV2(
        'okta-s3-storage:placeholders',
        'Synthesized from okta-config.example.ts, which holds placeholder values. Copy it to okta-config.ts and fill in your own before deploying.',
      );
    }
    const { issuer, clientIds } = settings.okta;
    if (settings.identityPoolAudiences !== undefined) {
      Annotations.of(this).addWarningV2(
        'okta-s3-storage:identityPoolAudiences-deprecated',
        'identityPoolAudiences is no longer needed and is ignored: the identity pool role checks the token audience (okta_aud) against okta.clientIds itself. Remove it from the configuration.',
      );
    }
    this.federation =
      settings.oidcProvider === 'import'
        ? OktaFederation.fromIssuer(this, 'OktaFederation', { issuer, clientIds: [...clientIds] })
        : new OktaFederation(this, 'OktaFederation', { issuer, clientIds: [...clientIds] });

    const { storage, presign, userPool } = settings;
    this.store = new OktaS3Storage(this, 'Default', {
      federation: this.federation,
      allowedOrigins: [...settings.allowedOrigins],
      allowAnyOrigin: settings.allowAnyOrigin,
      teamFolders: [...settings.teamFolders],
      teamsPrefix: settings.teamsPrefix,
      bucket: {
        exposedMetadataKeys: [...storage.exposedMetadataKeys],
        noncurrentVersionExpiration: Duration.days(storage.noncurrentVersionExpirationDays),
        abortIncompleteMultipartUploadAfter: Duration.days(storage.abortIncompleteMultipartUploadDays),
        accessLogRetention: Duration.days(storage.accessLogRetentionDays),
        encryption: storage.encryption === 'kms' ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
        removalPolicy: storage.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      },
      userPool: {
        webClientId: settings.okta.webClientId,
        webClientSecretName: settings.okta.webClientSecretName,
        callbackUrls: [...userPool.callbackUrls],
        logoutUrls: [...userPool.logoutUrls],
        domainPrefix: userPool.domainPrefix,
        idTokenValidity: Duration.minutes(userPool.idTokenValidityMinutes),
      },
      presignApi: {
        urlExpiry: Duration.seconds(presign.urlExpirySeconds),
        maxUploadBytes: presign.maxUploadBytes,
        listPageSize: presign.listPageSize,
        throttlingRateLimit: presign.throttlingRateLimit,
        throttlingBurstLimit: presign.throttlingBurstLimit,
        logRetention: presign.logRetentionDays,
        createApiGatewayLogRole: presign.createApiGatewayLogRole,
        tracing: presign.tracing,
        teamMembershipMaxAge: Duration.minutes(presign.teamMembershipMaxAgeMinutes),
      },
      monitoring: this.monitoringOptions(settings.monitoring),
      workflowsConnector: settings.workflows && { ...settings.workflows },
    });
    this.storage = this.store.storage;
    this.identityPool = this.store.identityPool;
    this.webIdentityRole = this.store.webIdentityRole;
    this.userPool = this.store.userPool;
    this.presignApi = this.store.presignApi;
    this.workflowsConnector = this.store.workflowsConnector;
    this.monitoring = this.store.monitoring;
    const bucket = this.storage.bucket;

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('Region', this.region, 'AWS region of the store');
    output('BucketName', bucket.bucketName, 'Data bucket; each user owns users/<okta-sub>/');
    output(
      'AccessLogBucketName',
      this.storage.logBucket.bucketName,
      "Bucket receiving the data bucket's access logs",
    );
    output(
      'OktaIssuer',
      settings.okta.issuer,
      'Okta issuer (the Logins key of the identity pool is its host/path)',
    );
    output(
      'OktaClientIds',
      settings.okta.clientIds.join(','),
      'Okta SPA/native client ids accepted for routes 1 and 2',
    );
    output(
      'OidcProviderArn',
      this.federation.provider.oidcProviderArn,
      'IAM OIDC provider of the Okta issuer',
    );
    output(
      'IdentityPoolId',
      this.identityPool.identityPool.identityPoolId,
      'Cognito identity pool (route 1)',
    );
    output(
      'WebIdentityRoleArn',
      this.webIdentityRole.role.roleArn,
      'Role for AssumeRoleWithWebIdentity (route 2)',
    );
    output('UserPoolId', this.userPool.userPool.userPoolId, 'Cognito user pool federating Okta (route 3)');
    output(
      'UserPoolClientId',
      this.userPool.client.userPoolClientId,
      'Public app client (code flow with PKCE)',
    );
    output('HostedDomain', this.userPool.domain.baseUrl(), 'Hosted sign-in domain');
    output(
      'UserPoolProviderName',
      this.userPool.identityProvider.providerName,
      'Okta provider name in the user pool',
    );
    output('CallbackUrls', settings.userPool.callbackUrls.join(','), 'Redirects allowed after sign-in');
    output('LogoutUrls', settings.userPool.logoutUrls.join(','), 'Redirects allowed after sign-out');
    output('ApiUrl', this.presignApi.api.url, 'Presign API base URL');
    // What `okta-s3-storage verify` compares the deployed resources with.
    if (settings.allowedOrigins.length) {
      output('AllowedOrigins', settings.allowedOrigins.join(','), 'Origins the bucket and API allow (CORS)');
    }
    output(
      'BucketEncryption',
      this.storage.encryptionKey?.keyArn ?? 'SSE-S3',
      'Default encryption of the data bucket: SSE-S3, or the ARN of its KMS key',
    );
    output(
      'IdentityPoolRoleArn',
      this.identityPool.authenticatedRole.roleArn,
      'Authenticated role of the identity pool (route 1)',
    );
    output(
      'PresignRoleArn',
      this.presignApi.presignRole.roleArn,
      'Role whose tagged sessions sign presigned URLs (route 3)',
    );
    output(
      'PresignHandlerRoleArn',
      this.presignApi.executionRole.roleArn,
      'Execution role of the presign Lambda: the only principal the presign role trusts',
    );
    output(
      'PresignFunctionArn',
      this.presignApi.handler.functionArn,
      'The presign Lambda: the only lambda:SourceFunctionArn from which its role may assume the presign role',
    );
    output(
      'IdTokenValidityMinutes',
      String(settings.userPool.idTokenValidityMinutes),
      'Lifetime of the user-pool ID tokens the presign API accepts',
    );
    output(
      'TeamFolders',
      teamFoldersOutput(settings.teamFolders, settings.teamsPrefix),
      'Team folders and the highest access a group gives (folder=read|read-write, comma-separated; prefixed with teamsPrefix when not teams/; none when there are none)',
    );
    if (this.workflowsConnector) {
      output(
        'WorkflowsConnectorRoleArn',
        this.workflowsConnector.role.roleArn,
        'Role ARN to enter in Okta Workflows',
      );
    }
  }

  /** The environment's `monitoring` settings as the store's options; none when turned off. */
  private monitoringOptions(settings: MonitoringSettings): StorageMonitoringOptions | undefined {
    if (!settings.enabled) return undefined;
    return {
      thresholds: settings, // its threshold fields; the construct reads only those
      alarmEmails: [...settings.alarmEmails],
      alarmTopic: settings.alarmTopicArn
        ? sns.Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn)
        : undefined,
    };
  }
}

/**
 * The `TeamFolders` output the verifier builds its team matrix from: `finance=read-write,audit=read`,
 * one entry per folder with the highest access any group gives. A teams prefix other than `teams/`
 * is written before each folder (`groups/finance=read`). `none` rather than an empty string, which
 * an older stack's missing output and CloudFormation's dislike of empty values would blur.
 */
function teamFoldersOutput(teams: readonly TeamFolder[], teamsPrefix: string): string {
  const highest = new Map<string, TeamFolderAccess>();
  for (const t of teams) {
    const folder = folderOf(t);
    if (highest.get(folder) !== TeamFolderAccess.READ_WRITE) highest.set(folder, t.access);
  }
  const prefix = teamsPrefix === DEFAULT_TEAMS_PREFIX ? '' : teamsPrefix;
  return [...highest].map(([folder, access]) => `${prefix}${folder}=${access}`).join(',') || 'none';
}
