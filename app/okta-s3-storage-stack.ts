import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from './config/types';
import { FederatedUserPool } from '../lib/constructs/federated-user-pool';
import { IdentityPoolAudiences, OktaFederation } from '../lib/constructs/okta-federation';
import { OktaWebIdentityRole } from '../lib/constructs/okta-web-identity-role';
import { PresignApi } from '../lib/constructs/presign-api';
import { UserFilesBucket } from '../lib/constructs/user-files-bucket';
import { UserIdentityPool } from '../lib/constructs/user-identity-pool';
import { WorkflowsConnectorRole } from '../lib/constructs/workflows-connector-role';

export interface OktaS3StorageStackProps extends StackProps {
  /** One validated environment of the configuration (see `configure`/`loadConfig`). */
  readonly settings: ResolvedEnvironment;
  /**
   * Adds a synth warning that the configuration holds placeholder values.
   * @default false
   */
  readonly usesPlaceholders?: boolean;
}

/** The whole per-user store for one environment. */
export class OktaS3StorageStack extends Stack {
  public readonly storage: UserFilesBucket;
  public readonly federation: OktaFederation;
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

    this.storage = new UserFilesBucket(this, 'Storage', {
      allowedOrigins: settings.allowedOrigins,
      exposedMetadataKeys: settings.storage.exposedMetadataKeys,
      noncurrentVersionExpiration: Duration.days(settings.storage.noncurrentVersionExpirationDays),
      abortIncompleteMultipartUploadAfter: Duration.days(settings.storage.abortIncompleteMultipartUploadDays),
      accessLogRetention: Duration.days(settings.storage.accessLogRetentionDays),
      encryptKey: settings.storage.encryption === 'kms',
      removalPolicy:
        settings.storage.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });

    const bucket = this.storage.bucket;

    this.federation = new OktaFederation(this, 'OktaFederation', {
      issuer: settings.okta.issuer,
      clientIds: settings.okta.clientIds,
      importExisting: settings.oidcProvider === 'import',
      identityPoolAudiences:
        settings.identityPoolAudiences === 'any-of-shared-provider'
          ? IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER
          : IdentityPoolAudiences.CLIENT_IDS_ONLY,
    });
    this.identityPool = new UserIdentityPool(this, 'IdentityPool', {
      provider: this.federation.provider,
      bucket,
    });
    this.webIdentityRole = new OktaWebIdentityRole(this, 'WebIdentity', {
      federation: this.federation,
      bucket,
    });
    if (settings.workflows) {
      this.workflowsConnector = new WorkflowsConnectorRole(this, 'WorkflowsConnector', {
        oktaWorkflowsAccountId: settings.workflows.accountId,
        externalId: settings.workflows.externalId,
        bucket,
      });
    }

    this.userPool = new FederatedUserPool(this, 'UserPool', {
      issuer: settings.okta.issuer,
      oktaClientId: settings.okta.webClientId,
      oktaClientSecretName: settings.okta.webClientSecretName,
      callbackUrls: settings.userPool.callbackUrls,
      logoutUrls: settings.userPool.logoutUrls,
      domainPrefix: settings.userPool.domainPrefix,
      idTokenValidity: Duration.minutes(settings.userPool.idTokenValidityMinutes),
    });
    this.presignApi = new PresignApi(this, 'PresignApi', {
      userPool: this.userPool.userPool,
      bucket,
      allowedOrigins: settings.allowedOrigins,
      urlExpiry: Duration.seconds(settings.presign.urlExpirySeconds),
      maxUploadBytes: settings.presign.maxUploadBytes,
      listPageSize: settings.presign.listPageSize,
      throttlingRateLimit: settings.presign.throttlingRateLimit,
      throttlingBurstLimit: settings.presign.throttlingBurstLimit,
      logRetention: settings.presign.logRetentionDays,
      createAccountLogRole: settings.presign.createApiGatewayLogRole,
      identityProviderName: this.userPool.identityProvider.providerName,
      userPoolClients: [this.userPool.client],
    });

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
    if (this.workflowsConnector) {
      output(
        'WorkflowsConnectorRoleArn',
        this.workflowsConnector.role.roleArn,
        'Role ARN to enter in Okta Workflows',
      );
    }
  }
}
