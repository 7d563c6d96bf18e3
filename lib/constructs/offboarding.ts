import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { NagSuppressions } from '../peer';
import { Defaults } from '../defaults';
import { grantKeyThroughS3 } from '../policy/grant-key-through-s3';
import { USERS_PREFIX } from '../policy/user-prefix-names';
import { networkInterfaceStatement } from '../policy/lambda-network-interfaces';
import { ownLogStreamsStatement } from '../policy/own-log-streams';
import { offboardingAlarms } from '../monitoring/offboarding-alarms';
import { throwIfProblems } from '../validation/problems';
import { PRESIGN_BUNDLING } from './presign-handler-code';
import {
  hasPrebuiltOffboardingBundle,
  OFFBOARDING_HANDLER_ENTRY,
  PREBUILT_OFFBOARDING_BUNDLE,
} from './offboarding-code';
import type { SharingTable } from './sharing-table';

/** Where moved files go: `offboarded/<sub>/`, a folder no user route reaches. */
export const OFFBOARDED_PREFIX = 'offboarded/';
/** The hook's and the reconciler's ledger of deliveries and events taken. */
export const OFFBOARDING_LEDGER_PREFIX = 'offboarding-ledger/';
/** The hook's path on the API. */
export const OKTA_EVENT_HOOK_PATH = 'okta-event-hook';
/** The mover's timeout: Lambda's longest; a larger prefix continues on the next delivery. */
const MOVER_TIMEOUT = Duration.minutes(15);
/** Deliveries of a job before it goes to the dead-letter queue. */
export const MOVE_ATTEMPTS = 5;

/** The offboarding settings of a store. */
export interface OffboardingOptions {
  /**
   * How long a person's moved files are kept under `offboarded/<sub>/` before a lifecycle rule
   * expires them (whole days). Expired objects become noncurrent versions and are then kept as
   * the bucket keeps every noncurrent version (`noncurrentVersionExpiration`).
   * @default Duration.days(365)
   */
  readonly retention?: Duration;
  /**
   * How often the reconciler reads Okta's System Log for offboarding events the hook missed.
   * @default Duration.hours(1)
   */
  readonly reconcileInterval?: Duration;
  /**
   * The secret holding an Okta API token (read-only admin, for `GET /api/v1/logs`), as its value.
   * @default - a new secret with a random placeholder value: put the token in it after deploy
   */
  readonly oktaApiTokenSecret?: secretsmanager.ISecret;
}

export interface OffboardingProps extends OffboardingOptions {
  /** The data bucket: its lifecycle gets the `offboarded/` rule. */
  readonly bucket: s3.Bucket;
  /**
   * The folder every user's own `<usersPrefix><okta-sub>/` lives under.
   * @default 'users/'
   */
  readonly usersPrefix?: string;
  /** The API the hook's route is added to (`/okta-event-hook`, no authorizer: Okta sends a shared secret). */
  readonly api: apigw.RestApi;
  /** The Okta org whose System Log the reconciler reads: `https://<org>.okta.com`. */
  readonly oktaOrgUrl: string;
  /**
   * Retention of the functions' logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Encrypts the functions' logs.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * X-Ray active tracing of the functions.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Runs the functions in this VPC. They call S3, SQS and Secrets Manager (endpoints), and the
   * reconciler calls Okta, which needs a route to the internet.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the functions run in.
   * @default - the VPC's private subnets, else its isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Create the alarms (dead letters, hook, mover and reconciler failures).
   * @default true
   */
  readonly alarms?: boolean;
  /**
   * Where the alarms are sent.
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * CloudWatch namespace of the failure metrics derived from the logs.
   * @default `OktaS3Storage/<stack name>`
   */
  readonly metricNamespace?: string;
}

/**
 * Offboarding: when Okta deactivates or starts deleting a person, their `users/<sub>/` moves to
 * `offboarded/<sub>/`, which no user route reaches, and is kept for `retention`. An Okta event hook
 * (`POST /okta-event-hook` on the presign API) checks a shared secret and queues the person; a
 * mover copies, verifies and deletes; a scheduled reconciler reads Okta's System Log for events
 * the hook missed. Team folders are untouched.
 */
export class Offboarding extends Construct {
  /** The value Okta must send in the `Authorization` header (generated; paste it into Okta). */
  public readonly hookSecret: secretsmanager.Secret;
  /** The Okta API token the reconciler reads the System Log with. */
  public readonly oktaApiTokenSecret: secretsmanager.ISecret;
  /** People waiting to be moved. */
  public readonly queue: sqs.Queue;
  /** Moves that failed every attempt. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly hook: lambda.Function;
  public readonly mover: lambda.Function;
  public readonly reconciler: lambda.Function;
  /** The hook's route: `POST` deliveries and the `GET` verification. */
  public readonly hookResource: apigw.Resource;
  /** The alarms, unless `alarms` is false. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** `offboarded/`. */
  public readonly offboardedPrefix = OFFBOARDED_PREFIX;
  private readonly logGroups: logs.LogGroup[] = [];

  constructor(scope: Construct, id: string, props: OffboardingProps) {
    super(scope, id);
    const retention = props.retention ?? Duration.days(Defaults.OFFBOARDED_RETENTION_DAYS);
    const interval =
      props.reconcileInterval ?? Duration.minutes(Defaults.OFFBOARDING_RECONCILE_INTERVAL_MINUTES);
    throwIfProblems(this, offboardingProblems(retention, interval, props.oktaOrgUrl));
    const usersPrefix = props.usersPrefix ?? USERS_PREFIX;
    const stack = Stack.of(this);

    this.hookSecret = new secretsmanager.Secret(this, 'HookSecret', {
      description: 'Okta event hook: the Authorization header value Okta sends (paste it into the hook)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    this.oktaApiTokenSecret =
      props.oktaApiTokenSecret ??
      new secretsmanager.Secret(this, 'OktaApiToken', {
        description:
          'Okta API token for the offboarding reconciler (GET /api/v1/logs): replace the placeholder',
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });

    // The dead-letter queue names its one source queue; the source's name is fixed here so that
    // its ARN needs no reference back (which would be a cycle).
    // Unique in the account and region: the stack's name (a literal in an app) and this path.
    const stackPart = Token.isUnresolved(stack.stackName) ? '' : `${stack.stackName.slice(0, 40)}-`;
    const queueName = `${stackPart}${Names.uniqueResourceName(this, { maxLength: 34, separator: '-' })}-jobs`;
    const queueArn = stack.formatArn({ service: 'sqs', resource: queueName });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'JobsRef', queueArn)],
      },
    });
    this.queue = new sqs.Queue(this, 'Jobs', {
      queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Lambda's guidance for SQS event sources: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(MOVER_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MOVE_ATTEMPTS },
    });

    const environment = {
      BUCKET_NAME: props.bucket.bucketName,
      USERS_PREFIX: usersPrefix,
      OFFBOARDED_PREFIX: OFFBOARDED_PREFIX,
      LEDGER_PREFIX: OFFBOARDING_LEDGER_PREFIX,
      QUEUE_URL: this.queue.queueUrl,
    };
    const fn = (name: string, handler: string, options: Partial<lambda.FunctionOptions>) =>
      this.createFunction(name, handler, props, {
        ...options,
        environment: { ...environment, ...options.environment },
      });

    this.hook = fn('Hook', 'hook', {
      timeout: Duration.seconds(10),
      description: 'Okta event hook: checks the shared secret, queues offboarding',
      environment: { HOOK_SECRET_ARN: this.hookSecret.secretArn },
    });
    this.mover = fn('Mover', 'mover', {
      timeout: MOVER_TIMEOUT,
      memorySize: 512,
      description: 'Moves users/<sub>/ to offboarded/<sub>/: copy, verify, delete',
    });
    this.reconciler = fn('Reconciler', 'reconciler', {
      timeout: Duration.minutes(2),
      description: "Reads Okta's System Log for offboarding events the hook missed",
      environment: {
        OKTA_API_TOKEN_SECRET_ARN: this.oktaApiTokenSecret.secretArn,
        OKTA_ORG_URL: props.oktaOrgUrl,
        // Three intervals back, so a run that failed is caught up by the next ones.
        LOOKBACK_MINUTES: String(Math.max(60, interval.toMinutes() * 3)),
      },
    });

    this.hookSecret.grantRead(this.hook);
    this.oktaApiTokenSecret.grantRead(this.reconciler);
    for (const sender of [this.hook, this.reconciler]) {
      this.queue.grantSendMessages(sender);
      this.grantLedger(props.bucket, sender);
    }
    this.mover.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    this.grantMoves(props.bucket, usersPrefix, this.mover);
    new events.Rule(this, 'ReconcileSchedule', {
      description: "Reads Okta's System Log for offboarding events the event hook missed",
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(this.reconciler, { retryAttempts: 0 })],
    });

    props.bucket.addLifecycleRule({
      id: 'expire-offboarded',
      prefix: OFFBOARDED_PREFIX,
      expiration: retention,
    });

    this.hookResource = props.api.root.addResource(OKTA_EVENT_HOOK_PATH);
    const integration = new apigw.LambdaIntegration(this.hook);
    for (const method of ['GET', 'POST']) {
      this.hookResource.addMethod(method, integration, { authorizationType: apigw.AuthorizationType.NONE });
    }
    this.nameSourceAccount();

    if (props.alarms ?? true) this.alarms.push(...this.createAlarms(props));
    this.acknowledgeFindings(usersPrefix, Boolean(props.tracing) || props.vpc !== undefined);
  }

  private createAlarms(props: OffboardingProps): cloudwatch.Alarm[] {
    const alarms = offboardingAlarms(this, {
      deadLetterQueue: this.deadLetterQueue,
      hookLogGroup: this.logGroups[0],
      moverLogGroup: this.logGroups[1],
      reconcilerLogGroup: this.logGroups[2],
      metricNamespace: props.metricNamespace ?? `OktaS3Storage/${Stack.of(this).stackName}`,
    });
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
    return alarms;
  }

  /** The functions, for a network's endpoints (`PrivateNetwork.allowOffboardingFrom`). */
  /**
   * Revokes a person's share links and file requests before their files move: otherwise a file
   * request of theirs would go on taking uploads into their emptied folder. The mover may only find
   * them by creator and mark them revoked.
   */
  public revokeSharingOf(table: SharingTable): void {
    table.grantRevokeAll(this.mover);
    this.mover.addEnvironment('SHARING_TABLE_NAME', table.table.tableName);
  }

  public get functions(): lambda.Function[] {
    return [this.hook, this.mover, this.reconciler];
  }

  private createFunction(
    name: string,
    handler: string,
    props: OffboardingProps,
    options: Partial<lambda.FunctionOptions>,
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${name}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.logEncryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroups.push(logGroup);
    const role = new iam.Role(this, `${name}Role`, {
      description: `Offboarding ${name.toLowerCase()}: see lib/constructs/offboarding.ts`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    role.addToPolicy(ownLogStreamsStatement(this, logGroup));
    if (props.vpc) {
      role.addToPolicy(networkInterfaceStatement());
    }
    const common: lambda.FunctionOptions = {
      ...options,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize ?? 256,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? privateOrIsolated(props.vpc)) : undefined,
    };
    return hasPrebuiltOffboardingBundle()
      ? new lambda.Function(this, name, {
          ...common,
          runtime: lambda.Runtime.NODEJS_24_X,
          handler: `index.${handler}`,
          code: lambda.Code.fromAsset(PREBUILT_OFFBOARDING_BUNDLE),
        })
      : new nodejs.NodejsFunction(this, name, {
          ...common,
          runtime: lambda.Runtime.NODEJS_24_X,
          entry: OFFBOARDING_HANDLER_ENTRY,
          handler,
          bundling: PRESIGN_BUNDLING,
        });
  }

  /** The ledger's objects: claimed with a conditional PutObject, released with DeleteObject. */
  private grantLedger(bucket: s3.IBucket, fn: lambda.Function) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'OffboardingLedger',
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [bucket.arnForObjects(`${OFFBOARDING_LEDGER_PREFIX}*`)],
      }),
    );
    if (bucket.encryptionKey) grantKeyThroughS3(bucket, bucket.encryptionKey, fn);
  }

  /**
   * The mover reads and deletes under the users' folder and writes under `offboarded/`; nothing
   * in the team folders. `s3:ListBucket` has no prefix condition: HeadObject of a key that does
   * not exist answers 404 only to a caller allowed `s3:ListBucket` on the bucket, and 403 to any
   * other ("HeadObject", Permissions,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), and a request without a
   * `prefix` parameter carries no `s3:prefix` to match. Tags are copied with the object
   * (CopyObject's default tagging directive), which needs GetObjectTagging on the source and
   * PutObjectTagging on the copy.
   */
  private grantMoves(bucket: s3.IBucket, usersPrefix: string, fn: lambda.Function) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ListBucket',
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndDeleteUsersFiles',
        actions: ['s3:GetObject', 's3:GetObjectTagging', 's3:DeleteObject'],
        resources: [bucket.arnForObjects(`${usersPrefix}*`)],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteOffboardedFiles',
        actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(`${OFFBOARDED_PREFIX}*`)],
      }),
    );
    if (bucket.encryptionKey) grantKeyThroughS3(bucket, bucket.encryptionKey, fn);
  }

  /** As PresignApi does: a literal SourceAccount on each invoke permission (CT.LAMBDA.PR.2). */
  private nameSourceAccount() {
    const account = Stack.of(this).account;
    if (Token.isUnresolved(account)) return;
    for (const child of this.hookResource.node.findAll()) {
      if (child instanceof lambda.CfnPermission) child.sourceAccount = account;
    }
  }

  private acknowledgeFindings(usersPrefix: string, anyResource: boolean) {
    for (const method of this.hookResource.node.findAll().filter((c) => c instanceof apigw.Method)) {
      const preflight = (method as apigw.Method).httpMethod === 'OPTIONS';
      const reason = preflight
        ? 'CORS preflight: browsers send OPTIONS without credentials, so it cannot be authorized.'
        : 'Okta event hook: Okta cannot present Cognito or IAM credentials; it sends a shared secret in the Authorization header, which the function compares in constant time with the one in Secrets Manager, refusing everything else with one uniform 403.';
      NagSuppressions.addResourceSuppressions(method, [
        { id: 'AwsSolutions-APIG4', reason },
        { id: 'AwsSolutions-COG4', reason },
      ]);
    }
    for (const secret of [this.hookSecret, this.oktaApiTokenSecret]) {
      if (!(secret instanceof secretsmanager.Secret)) continue;
      NagSuppressions.addResourceSuppressions(secret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'The value is shared with Okta by hand (the event hook header, or an Okta API token Okta issues), so Secrets Manager cannot rotate it alone; docs/OPERATE.md, "Rotating the offboarding secrets".',
        },
      ]);
    }
    const folders: [lambda.Function, string[]][] = [
      [this.hook, [OFFBOARDING_LEDGER_PREFIX]],
      [this.reconciler, [OFFBOARDING_LEDGER_PREFIX]],
      [this.mover, [usersPrefix, OFFBOARDED_PREFIX]],
    ];
    for (const [fn, prefixes] of folders) {
      NagSuppressions.addResourceSuppressions(fn.role!.node.findChild('DefaultPolicy'), [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "Lambda names its log streams itself, so the function may write any stream of its own log group; its S3 grant is the folders it manages (the users' folder and offboarded/ for the mover, the ledger for the hook and the reconciler) of this one bucket, whose keys it cannot know in advance. With tracing or in a VPC, X-Ray's writes and Lambda's network-interface actions, which support no resource-level permissions, are granted on *.",
          appliesTo: [
            {
              regex: String.raw`/^Resource::arn:[^:]+:logs:[^:]+:[^:]+:log-group:<[A-Za-z0-9]+>:log-stream:\*$/`,
            },
            ...prefixes.map((prefix) => ({
              regex: `/^Resource::<[A-Za-z0-9]+\\.Arn>\\/${prefix.replace(/[/]/g, '\\/').replace(/[.-]/g, '\\$&')}\\*$/`,
            })),
            // X-Ray's writes (tracing) and the network-interface actions Lambda needs in a VPC
            // support no resource-level permissions.
            ...(anyResource ? ['Resource::*'] : []),
          ],
        },
      ]);
    }
  }
}

function offboardingProblems(retention: Duration, interval: Duration, orgUrl: string): string[] {
  const problems: string[] = [];
  if (!retention.isUnresolved()) {
    const days = retention.toHours() / 24;
    if (!Number.isInteger(days) || days < 1) problems.push('retention: must be whole days, at least 1');
  }
  if (!interval.isUnresolved()) {
    const minutes = interval.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 24 * 60)
      problems.push('reconcileInterval: must be whole minutes from 5 minutes to 1 day');
  }
  if (!Token.isUnresolved(orgUrl) && !/^https:\/\/[a-z0-9.-]+(:\d+)?$/i.test(orgUrl)) {
    problems.push('oktaOrgUrl: must be https://<host> with no path, e.g. https://example.okta.com');
  }
  return problems;
}

/** A VPC's private subnets if it has any, else its isolated ones. */
function privateOrIsolated(vpc: ec2.IVpc): ec2.SubnetSelection {
  return {
    subnetType:
      vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
  };
}
