import { Annotations, CfnRule, Duration, Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { placeholderFields } from './config/placeholders';
import { MonitoringSettings, ResolvedEnvironment, WebClientSettings } from './config/types';
import { FederatedUserPool } from '../lib/constructs/federated-user-pool';
import { IOktaFederation, OktaFederation } from '../lib/constructs/okta-federation';
import { OktaWebIdentityRole } from '../lib/constructs/okta-web-identity-role';
import { PresignApi } from '../lib/constructs/presign-api';
import { UserFilesBucket } from '../lib/constructs/user-files-bucket';
import { UserIdentityPool } from '../lib/constructs/user-identity-pool';
import { WorkflowsConnectorRole } from '../lib/constructs/workflows-connector-role';
import { StorageMonitoring, StorageMonitoringOptions } from '../lib/constructs/storage-monitoring';
import { WebClient, WebClientOptions } from '../lib/constructs/web-client';
import { OktaS3Storage } from '../lib/okta-s3-storage';
import { ComplianceProfile } from '../lib/compliance';
import { MalwareScanning } from '../lib/malware-scanning';

export interface OktaS3StorageStackProps extends StackProps {
  /** One validated environment of the configuration (see `configure`/`loadConfig`). */
  readonly settings: ResolvedEnvironment;
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
  /** Present when `webClient.enabled` is true. */
  public readonly webClient?: WebClient;

  constructor(scope: Construct, id: string, props: OktaS3StorageStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.refusePlaceholders(placeholderFields(settings));
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
    const controlTower = settings.compliance === 'control-tower';
    const removalPolicy = storage.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
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
        removalPolicy,
        accessLogsBucket:
          storage.accessLogsBucketName === undefined
            ? undefined
            : s3.Bucket.fromBucketName(this, 'CentralAccessLogs', storage.accessLogsBucketName),
      },
      compliance: controlTower ? ComplianceProfile.CONTROL_TOWER : ComplianceProfile.DEFAULT,
      malwareScanning:
        settings.malwareScanning === 'guardduty' ? MalwareScanning.GUARDDUTY : MalwareScanning.OFF,
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
        maxMultipartUploadBytes: presign.maxMultipartUploadBytes,
        listPageSize: presign.listPageSize,
        throttlingRateLimit: presign.throttlingRateLimit,
        throttlingBurstLimit: presign.throttlingBurstLimit,
        logRetention: presign.logRetentionDays,
        createApiGatewayLogRole: presign.createApiGatewayLogRole,
        // The Control Tower profile turns X-Ray on itself.
        tracing: controlTower ? undefined : presign.tracing,
        teamMembershipMaxAge: Duration.minutes(presign.teamMembershipMaxAgeMinutes),
        ...(presign.sharing ? { sharing: { ...presign.sharing } } : {}),
      },
      monitoring: this.monitoringOptions(settings.monitoring),
      workflowsConnector: settings.workflows && { ...settings.workflows },
      offboarding: settings.offboarding && {
        retention: Duration.days(settings.offboarding.retentionDays),
        reconcileInterval: Duration.minutes(settings.offboarding.reconcileIntervalMinutes),
      },
      webClient: this.webClientOptions(settings.webClient, {
        accessLogRetention: Duration.days(storage.accessLogRetentionDays),
        deploymentLogRetention: presign.logRetentionDays,
        removalPolicy,
      }),
    });
    this.storage = this.store.storage;
    this.identityPool = this.store.identityPool;
    this.webIdentityRole = this.store.webIdentityRole;
    this.userPool = this.store.userPool;
    this.presignApi = this.store.presignApi;
    this.workflowsConnector = this.store.workflowsConnector;
    this.monitoring = this.store.monitoring;
    this.webClient = this.store.webClient;
    // The outputs the verifier, client-config and the README read: the library's, one source.
    this.store.addOutputs();
  }

  /**
   * A configuration that still holds the example's placeholders synthesizes (CI builds the
   * example), with a warning naming each field, and cannot be deployed: a CloudFormation rule
   * whose assertion is false fails the deploy before any resource is created.
   */
  private refusePlaceholders(fields: readonly string[]) {
    if (fields.length === 0) return;
    const list = fields.join(', ');
    Annotations.of(this).addWarningV2(
      'okta-s3-storage:placeholders',
      `The configuration still holds placeholder values: ${list}. Put your own in okta-config.ts before deploying; a deploy is refused.`,
    );
    new CfnRule(this, 'NoPlaceholders', {
      assertions: [
        {
          // Always false: the rule exists only while placeholders do.
          assert: Fn.conditionEquals('placeholder values', 'none'),
          assertDescription: `okta-s3-storage: placeholder values in the configuration: ${list}. Put your own in okta-config.ts and synthesize again.`,
        },
      ],
    });
  }

  /**
   * The environment's `webClient` settings as the store's options; none when turned off. The folder
   * exists: `configure` refused the configuration otherwise.
   */
  private webClientOptions(
    settings: WebClientSettings,
    shared: Pick<WebClientOptions, 'accessLogRetention' | 'deploymentLogRetention' | 'removalPolicy'>,
  ): WebClientOptions | undefined {
    if (!settings.enabled) return undefined;
    return {
      ...shared,
      source: s3deploy.Source.asset(settings.path),
      domainName: settings.domainName,
      certificate:
        settings.certificateArn === undefined
          ? undefined
          : acm.Certificate.fromCertificateArn(this, 'WebClientCertificate', settings.certificateArn),
    };
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
