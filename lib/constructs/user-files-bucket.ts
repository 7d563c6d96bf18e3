import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from '../peer';
import { Construct } from 'constructs';
import { Defaults } from '../defaults';
import { CorsRules } from '../policy/cors-rules';
import {
  denyGrantsExceptForAwsServices,
  KMS_CRYPTO_ACTIONS,
  s3ViaService,
} from '../policy/grant-key-through-s3';
import { grantUserPrefixAccess } from '../policy/grant-user-prefix';
import { uploadEncryptionDenials } from '../policy/upload-encryption';
import { USERS_PREFIX } from '../policy/user-prefix-names';
import { originListProblems, throwIfProblems, usersPrefixProblems } from '../validation/problems';
import { LOWERCASE_HEADER_TOKEN } from '../validation/rules';

/** Which uploads a rule of {@link UserFilesBucket.onObjectCreated} matches, and what it runs. */
export interface ObjectCreatedRuleOptions extends events.OnEventOptions {
  /**
   * Key prefixes whose new objects match, each ending in `/`.
   * @default - the users' folder (`usersPrefix`)
   */
  readonly keyPrefixes?: string[];
}

/** The data bucket's own settings: everything but who may reach it from a browser. */
export interface UserFilesBucketOptions {
  /**
   * An existing bucket to deliver the data bucket's server access logs to, under
   * `<accessLogsPrefix>`, for example a central log bucket in a Log Archive account. Its bucket
   * policy must let `logging.s3.amazonaws.com` write there; the construct cannot change it. When
   * given, the construct creates no log bucket of its own.
   * @default - a new log bucket, with its own delivery policy
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Where the data bucket's access logs go in `accessLogsBucket` (or the construct's own log bucket).
   * @default 'data-bucket/'
   */
  readonly accessLogsPrefix?: string;
  /**
   * Turn on S3 Object Lock for a new data bucket (it cannot be turned on for an existing one in
   * CloudFormation). No default retention is set: one would make every upload send `Content-MD5`
   * or a checksum, and would stop lifecycle expiry of noncurrent versions and moves out of a
   * prefix. Object Lock also needs versioning, which the data bucket always has.
   * @default false
   */
  readonly objectLockEnabled?: boolean;
  /**
   * User metadata keys browsers may send and read, without the `x-amz-meta-` prefix (a key given
   * with it is taken without it).
   * @default - none
   */
  readonly exposedMetadataKeys?: string[];
  /**
   * How long a replaced or deleted version is kept before it expires (whole days).
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * When an unfinished multipart upload is aborted (whole days).
   * @default Duration.days(7)
   */
  readonly abortIncompleteMultipartUploadAfter?: Duration;
  /**
   * How long server access logs are kept (whole days).
   * @default Duration.days(365)
   */
  readonly accessLogRetention?: Duration;
  /**
   * The data bucket's default encryption: `S3_MANAGED` (SSE-S3) or `KMS` (SSE-KMS with a bucket
   * key). `KMS` without `encryptionKey` creates a rotating key that only S3 may use.
   * @default - `KMS` when `encryptionKey` is given, else `S3_MANAGED`
   */
  readonly encryption?: s3.BucketEncryption;
  /**
   * The KMS key for `encryption: KMS`. It keeps its own key policy: give it the same deny the
   * created key has (every cryptographic action unless `kms:ViaService` is S3).
   * @default - a new rotating key when `encryption` is `KMS`
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to both buckets (and a created key) when they leave the stack.
   * `RemovalPolicy.DESTROY` also empties them first (an auto-delete custom resource): use it only
   * for throwaway development stacks.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface UserFilesBucketProps extends UserFilesBucketOptions {
  /**
   * Web origins allowed to call the bucket from a browser: `https://host[:port]` (or http on
   * localhost). `*` is refused unless `allowAnyOrigin` is set.
   * @default - no CORS rule: browsers cannot reach the bucket
   */
  readonly allowedOrigins?: string[];
  /**
   * Accept `*` in `allowedOrigins`. Never in production.
   * @default false
   */
  readonly allowAnyOrigin?: boolean;
  /**
   * The folder every user's own `<usersPrefix><okta-sub>/` lives under: segments each ending in `/`.
   * @default 'users/'
   */
  readonly usersPrefix?: string;
}

/** Folder of the log bucket under which the data bucket's access logs are delivered. */
export const DATA_BUCKET_LOG_PREFIX = 'data-bucket/';

/**
 * A private, versioned data bucket for per-user files, plus the bucket its access logs go to.
 *
 * Per-user access is granted with {@link UserFilesBucket.grantUserPrefixAccess}; nothing here
 * grants access to anyone.
 */
export class UserFilesBucket extends Construct {
  /** The data bucket. */
  public readonly bucket: s3.Bucket;
  /** The bucket that receives the data bucket's server access logs: the construct's own, or `accessLogsBucket`. */
  public readonly logBucket: s3.IBucket;
  /** The data bucket's KMS key, when it uses SSE-KMS. */
  public readonly encryptionKey?: kms.IKey;
  /** The folder every user's own prefix lives under. */
  public readonly usersPrefix: string;

  constructor(scope: Construct, id: string, props: UserFilesBucketProps = {}) {
    super(scope, id);
    throwIfProblems(this, propProblems(props));
    this.usersPrefix = props.usersPrefix ?? USERS_PREFIX;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;

    this.logBucket = props.accessLogsBucket ?? this.createLogBucket(props, removalPolicy);

    const encryption =
      props.encryption ?? (props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED);
    this.encryptionKey =
      encryption === s3.BucketEncryption.KMS
        ? (props.encryptionKey ?? this.createKey(removalPolicy))
        : undefined;

    this.bucket = new s3.Bucket(this, 'Data', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      ...(this.encryptionKey
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: this.encryptionKey, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      objectLockEnabled: props.objectLockEnabled || undefined,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      cors: props.allowedOrigins?.length
        ? CorsRules.forBrowsers({
            allowedOrigins: props.allowedOrigins,
            exposedMetadataKeys: props.exposedMetadataKeys,
          })
        : undefined,
      lifecycleRules: [
        {
          id: 'abort-incomplete-multipart-uploads',
          abortIncompleteMultipartUploadAfter:
            props.abortIncompleteMultipartUploadAfter ??
            Duration.days(Defaults.ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration:
            props.noncurrentVersionExpiration ?? Duration.days(Defaults.NONCURRENT_VERSION_EXPIRATION_DAYS),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    this.deliverAccessLogsByPolicy(props.accessLogsPrefix ?? DATA_BUCKET_LOG_PREFIX);
    this.sendEventsToEventBridge();
    for (const statement of uploadEncryptionDenials(
      this.bucket.arnForObjects('*'),
      this.encryptionKey?.keyArn,
    )) {
      this.bucket.addToResourcePolicy(statement);
    }
  }

  private createLogBucket(props: UserFilesBucketOptions, removalPolicy: RemovalPolicy): s3.Bucket {
    const autoDeleteObjects = removalPolicy === RemovalPolicy.DESTROY;
    const logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Log delivery cannot write to SSE-KMS buckets; SSE-S3 is the strongest option here.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: props.accessLogRetention ?? Duration.days(Defaults.ACCESS_LOG_RETENTION_DAYS),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    NagSuppressions.addResourceSuppressions(logBucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the access-log destination; logging it into itself would loop.',
      },
    ]);
    return logBucket;
  }

  /**
   * A rotating key that refuses every cryptographic call S3 does not make: whatever an IAM policy
   * in the account grants, the key encrypts and decrypts only through S3. An explicit deny in the
   * key policy overrides any allow (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
   * The key policy cannot also name the bucket: the bucket's encryption already refers to the key,
   * so a key policy naming the bucket would be a dependency cycle. The bucket is bound in every
   * grant instead (`grantKeyThroughS3`: the bucket in the encryption context).
   */
  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the per-user data bucket',
      enableKeyRotation: true,
      removalPolicy,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyUseExceptThroughS3',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: KMS_CRYPTO_ACTIONS,
        resources: ['*'],
        // kms:ViaService is absent from a direct call, and a negated operator is then true.
        conditions: { StringNotEquals: { 'kms:ViaService': s3ViaService(Stack.of(this)) } },
      }),
    );
    key.addToResourcePolicy(denyGrantsExceptForAwsServices());
    return key;
  }

  /**
   * Lets a principal read and write only `<usersPrefix><key>/` in the data bucket, where
   * `keyExpression` is an IAM policy variable naming the caller, e.g. `${aws:PrincipalTag/okta_sub}`.
   */
  public grantUserPrefixAccess(grantee: iam.IGrantable, keyExpression: string): iam.Grant {
    return grantUserPrefixAccess(this.bucket, grantee, keyExpression, this.usersPrefix);
  }

  /**
   * An EventBridge rule on objects created in the data bucket under `keyPrefixes` (by PutObject,
   * POST, CopyObject or CompleteMultipartUpload): add a target to act on each upload. Events reach
   * EventBridge's default bus, at least once and unordered
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html).
   */
  public onObjectCreated(id: string, options: ObjectCreatedRuleOptions = {}): events.Rule {
    const { keyPrefixes, eventPattern, target, ...ruleOptions } = options;
    const prefixes = keyPrefixes ?? [this.usersPrefix];
    throwIfProblems(this, keyPrefixProblems(prefixes));
    const rule = new events.Rule(this, id, {
      ...ruleOptions,
      eventPattern: UserFilesBucket.objectCreatedPattern(this.bucket.bucketName, prefixes),
    });
    if (eventPattern) rule.addEventPattern(eventPattern);
    if (target) rule.addTarget(target);
    return rule;
  }

  /**
   * The event pattern of objects created in `bucketName` under any of `keyPrefixes`, in the shape
   * S3 sends to EventBridge (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html),
   * matched by prefix (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-prefix-matching).
   */
  public static objectCreatedPattern(bucketName: string, keyPrefixes: string[]): events.EventPattern {
    return {
      source: ['aws.s3'],
      detailType: ['Object Created'],
      detail: {
        bucket: { name: [bucketName] },
        object: { key: keyPrefixes.map((prefix) => ({ prefix })) },
      },
    };
  }

  /**
   * S3 sends every event of the data bucket to EventBridge, set on the bucket resource itself: CDK's
   * `eventBridgeEnabled` would add a `Custom::S3BucketNotifications` Lambda to set it, one more
   * function to secure (and one Control Tower's Lambda controls judge). It costs nothing until a
   * rule matches (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html), and
   * GuardDuty Malware Protection for S3 relies on the same setting.
   */
  private sendEventsToEventBridge() {
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
  }

  /**
   * Wires server access logs through a bucket policy, never an ACL. `serverAccessLogsBucket` would
   * choose an ACL in apps without the `serverAccessLogsUseBucketPolicy` feature flag, so importing
   * stacks would get a weaker log bucket than ours.
   */
  private deliverAccessLogsByPolicy(prefix: string) {
    (this.bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: this.logBucket.bucketName,
      logFilePrefix: prefix,
    };
    // An imported bucket's policy is its owner's to write (addToResourcePolicy does nothing there).
    this.logBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logBucket.arnForObjects(`${prefix}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }
}

function keyPrefixProblems(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) return ['keyPrefixes: give at least one prefix'];
  return prefixes
    .filter((p) => !Token.isUnresolved(p) && !/^([^/]+\/)+$/.test(p))
    .map((p) => `keyPrefixes: "${p}" must be folder names, each ending in "/" (e.g. users/)`);
}

function propProblems(props: UserFilesBucketProps): string[] {
  const problems = originListProblems('allowedOrigins', props.allowedOrigins ?? [], props.allowAnyOrigin);
  problems.push(...usersPrefixProblems(props.usersPrefix));
  for (const key of props.exposedMetadataKeys ?? []) {
    if (!Token.isUnresolved(key) && !LOWERCASE_HEADER_TOKEN.test(key))
      problems.push(`exposedMetadataKeys: "${key}" is not a lowercase header token`);
  }
  for (const [name, d] of Object.entries({
    noncurrentVersionExpiration: props.noncurrentVersionExpiration,
    abortIncompleteMultipartUploadAfter: props.abortIncompleteMultipartUploadAfter,
    accessLogRetention: props.accessLogRetention,
  })) {
    if (d === undefined || d.isUnresolved()) continue;
    const n = d.toDays({ integral: false });
    if (!Number.isInteger(n) || n < 1) problems.push(`${name}: expected a whole number of days, at least 1`);
  }
  const logsPrefix = props.accessLogsPrefix;
  if (logsPrefix !== undefined && !Token.isUnresolved(logsPrefix) && !/^([^/]+\/)+$/.test(logsPrefix))
    problems.push(
      `accessLogsPrefix: "${logsPrefix}" must be folder names, each ending in "/" (e.g. data-bucket/)`,
    );
  if (props.encryptionKey && props.encryption !== undefined && props.encryption !== s3.BucketEncryption.KMS)
    problems.push('encryptionKey: given, but encryption is not BucketEncryption.KMS');
  if (
    props.encryption !== undefined &&
    props.encryption !== s3.BucketEncryption.KMS &&
    props.encryption !== s3.BucketEncryption.S3_MANAGED
  )
    problems.push('encryption: must be BucketEncryption.S3_MANAGED or BucketEncryption.KMS');
  return problems;
}
