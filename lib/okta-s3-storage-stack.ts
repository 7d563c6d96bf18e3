import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ResolvedEnvironment } from './config/types';
import { UserFilesBucket } from './constructs/user-files-bucket';

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

    new CfnOutput(this, 'Region', { value: this.region, description: 'AWS region of the store' });
    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName, description: 'Data bucket' });
  }
}
