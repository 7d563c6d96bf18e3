import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from '../peer';
import { Construct } from 'constructs';
import { grantUserPrefixAccess } from '../policy/grant-user-prefix';
import { grantTeamFolderAccess } from '../policy/grant-team-folders';
import {
  DEFAULT_TEAMS_PREFIX,
  folderOf,
  membershipEntry,
  TEAMS_CLAIM,
  TeamFolder,
} from '../policy/team-folder-names';
import { teamFolderProblems } from '../validation/team-folders';
import { Defaults } from '../defaults';
import { originListProblems, throwIfProblems, usersPrefixProblems } from '../validation/problems';
import {
  isCognitoProviderName,
  MAX_SINGLE_PUT_BYTES,
  MAX_URL_EXPIRY_SECONDS,
  MULTIPART_LIMITS,
} from '../validation/rules';
import { OKTA_SUB_TAG, PRINCIPAL_TAG_KEY, USERS_PREFIX } from '../policy/user-prefix-names';
import { networkInterfaceStatement } from '../policy/lambda-network-interfaces';
import { ownLogStreamsStatement } from '../policy/own-log-streams';
import {
  hasPrebuiltPresignBundle,
  PREBUILT_PRESIGN_BUNDLE,
  PRESIGN_BUNDLING,
  PRESIGN_HANDLER_ENTRY,
} from './presign-handler-code';
import { addPresignRoutes } from './presign-routes';
import { addSharingRoutes, visitMethodOptions } from './sharing-routes';
import { SharingOptions, SharingTable, sharingProblems } from './sharing-table';
import { MalwareScanning } from '../malware-scanning';
import { PinnedLinkRole } from './pinned-link-role';
import { s3ViaService } from '../policy/grant-key-through-s3';

/**
 * The presign function's timeout: inside API Gateway's 29-second integration timeout, and above the
 * Lambda's worst-case wait on STS and S3 (lambda/presign/sdk-clients.ts), so a stuck dependency is
 * answered with a 503 before Lambda ends the invocation.
 */
export const PRESIGN_TIMEOUT_SECONDS = 10;

/** The API's one stage; a literal, as the execution log group's name must not refer to the stage. */
const STAGE_NAME = 'v1';

/** The presign API's own settings: everything but the pool, the bucket and the origins. */
export interface PresignApiOptions {
  /**
   * Lifetime of each presigned URL, 1 to 30 minutes: URLs must expire inside the role-chained
   * session that signs them.
   * @default Duration.seconds(300)
   */
  readonly urlExpiry?: Duration;
  /**
   * Largest upload a URL allows, in bytes (at most 5 GiB, S3's single-PUT limit).
   * @default 104857600 (100 MiB)
   */
  readonly maxUploadBytes?: number;
  /**
   * Largest file a multipart upload (`POST /multipart-uploads`) may assemble, in bytes: at most
   * 48.8 TiB, S3's largest object. Parts are 5 MiB, or larger once a file needs over 10,000.
   * @default 5368709120 (5 GiB)
   */
  readonly maxMultipartUploadBytes?: number;
  /**
   * Objects per page of `GET /files` (1 to 1000).
   * @default 100
   */
  readonly listPageSize?: number;
  /**
   * Steady-state requests per second for the stage.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst capacity of the stage.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of the API access logs and the Lambda's logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Create API Gateway's account-wide CloudWatch Logs role (`AWS::ApiGateway::Account`). Access
   * logging fails to deploy until an account and region have one; only one stack per account and
   * region should own it.
   * @default false
   */
  readonly createApiGatewayLogRole?: boolean;
  /**
   * X-Ray active tracing of the stage and the function; the function's STS and S3 calls appear as
   * subsegments of its trace.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * How long after the user's sign-in at Okta (the ID token's `auth_time`) their team memberships
   * are believed, 1 minute to 1 day. Refreshing tokens does not ask Okta again, so this bounds how
   * long a removal from an Okta group takes on this API, whatever the refresh token's lifetime.
   * @default Duration.minutes(60)
   */
  readonly teamMembershipMaxAge?: Duration;
  /**
   * Whether GuardDuty scans uploads (`MalwareScanning.GUARDDUTY`): downloads then answer 409
   * `ScanPending` or 403 `Blocked` for a file not scanned clean, instead of a URL S3 refuses.
   * @default MalwareScanning.OFF
   */
  readonly malwareScanning?: MalwareScanning;
  /**
   * Encrypts the API's access and execution logs and the function's logs. Its key policy must let
   * CloudWatch Logs use it (`LogsKey` does).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * API Gateway execution logging for every method, to the log group API Gateway writes to,
   * `API-Gateway-Execution-Logs_<api-id>/v1`, which the construct creates with the retention and key
   * of the other logs (otherwise API Gateway would create it, unencrypted and kept forever). Data
   * tracing stays off: it would copy presigned URLs, which are bearer secrets, into the logs.
   * Needs the account's API Gateway logging role (`createApiGatewayLogRole`).
   * @default apigw.MethodLoggingLevel.OFF
   */
  readonly executionLogLevel?: apigw.MethodLoggingLevel;
  /**
   * Run the function in this VPC. It calls only STS and S3, so the subnets need routes to those
   * (an S3 gateway endpoint and an STS interface endpoint, as `PrivateNetwork` creates) and nothing
   * else.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of `vpc` the function runs in.
   * @default - the VPC's private subnets, else its isolated ones
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Share links and file requests: a `SharingTable`, the owner routes `/share-links` and
   * `/file-requests` (behind the authorizer) and the public visit routes `/s/{token}` and
   * `/r/{token}` (no authorizer, throttled per method).
   * @default - no sharing
   */
  readonly sharing?: SharingOptions;
}

export interface PresignApiProps extends PresignApiOptions {
  /** The user pool whose ID tokens the API accepts: any pool that federates Okta, no custom attribute needed. */
  readonly userPool: cognito.IUserPool;
  /**
   * Name of the Okta identity provider in the user pool. The caller is the `userId` of the ID
   * token's `identities` entry with this `providerName`, which Cognito writes and no client can;
   * the token's `cognito:username` must be `<name>_<userId>`.
   * @default 'Okta'
   */
  readonly providerName?: string;
  /**
   * App clients whose ID tokens the API accepts (their `aud`).
   * @default - any app client of the pool
   */
  readonly userPoolClients?: cognito.IUserPoolClient[];
  /** The bucket whose `users/<okta_sub>/` prefixes the URLs point into. */
  readonly bucket: s3.IBucket;
  /** Origins allowed by the API's CORS. `*` is refused unless `allowAnyOrigin` is set. */
  readonly allowedOrigins: string[];
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
  /**
   * Team folders: `<teamsPrefix><folder>/` for the members of each Okta group. Membership comes from
   * the ID token's `custom:okta_teams` (a FederatedUserPool with `mapTeamsClaim`), and the presign
   * role's sessions carry it as the `okta_teams` session tag every team statement requires.
   * @default - none
   */
  readonly teamFolders?: TeamFolder[];
  /**
   * The folder team folders live under: segments each ending in `/`, neither inside nor around
   * `usersPrefix`.
   * @default 'teams/'
   */
  readonly teamsPrefix?: string;
}

/**
 * A REST API that hands out presigned URLs for the caller's own prefix. The Lambda behind it holds
 * no bucket permissions: for each caller it assumes the presign role with the session tag
 * `okta_sub=<caller>` (and `okta_teams=<memberships>` with team folders), so a bug in key building
 * or in the membership check yields a URL that S3 refuses.
 */
export class PresignApi extends Construct {
  /** The REST API (stage `v1`). */
  public readonly api: apigw.RestApi;
  /** The presign Lambda. */
  public readonly handler: lambda.Function;
  /** The Lambda's execution role: it may assume the presign role and write its logs, nothing else. */
  public readonly executionRole: iam.Role;
  /** The role whose tagged sessions sign the URLs; reaches only `users/${aws:PrincipalTag/okta_sub}/`. */
  public readonly presignRole: iam.Role;
  /** The API's JSON access logs. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The function's log group: one JSON line per request (route, status, sub, fault, credentials). */
  public readonly handlerLogGroup: logs.LogGroup;
  /** API Gateway's execution logs, when `executionLogLevel` is not OFF. */
  public readonly executionLogGroup?: logs.LogGroup;
  /** The function's timeout. */
  public readonly handlerTimeout = Duration.seconds(PRESIGN_TIMEOUT_SECONDS);
  /** Guards every route; add your own methods behind it. */
  public readonly authorizer: apigw.CognitoUserPoolsAuthorizer;
  /** The sharing table, when `sharing` is set. */
  public readonly sharingTable?: SharingTable;
  /**
   * With `sharing`: the role whose sessions, each narrowed by a session policy to one object
   * version, sign pinned share links (`PinnedLinkRole`).
   */
  public readonly pinnedLinkRole?: iam.Role;

  constructor(scope: Construct, id: string, props: PresignApiProps) {
    super(scope, id);
    const urlExpiry = props.urlExpiry ?? Duration.seconds(Defaults.URL_EXPIRY_SECONDS);
    const teamFolders = props.teamFolders ?? [];
    const teamsPrefix = props.teamsPrefix ?? DEFAULT_TEAMS_PREFIX;
    const membershipMaxAge =
      props.teamMembershipMaxAge ?? Duration.minutes(Defaults.TEAM_MEMBERSHIP_MAX_AGE_MINUTES);
    throwIfProblems(this, [
      ...propProblems(props, urlExpiry),
      ...teamProblems(props, teamFolders, teamsPrefix, membershipMaxAge),
      ...sharingProblems('sharing', props.sharing),
    ]);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const removalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.executionRole = new iam.Role(this, 'HandlerRole', {
      description: 'Presign Lambda: may only assume the presign role (tagged) and write its logs',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.presignRole = this.createPresignRole(props.bucket, props.usersPrefix, teamFolders.length > 0);
    if (teamFolders.length > 0) {
      grantTeamFolderAccess(props.bucket, this.presignRole, teamFolders, teamsPrefix);
    }

    if (props.sharing) {
      this.sharingTable = new SharingTable(this, 'Sharing');
      this.sharingTable.grantSharingAccess(this.executionRole);
      this.pinnedLinkRole = new PinnedLinkRole(this, 'PinnedLinks', {
        bucket: props.bucket,
        trustedRole: this.executionRole,
        usersPrefix: props.usersPrefix ?? USERS_PREFIX,
        teamsPrefix,
      }).role;
    }
    const logOptions = { retention, removalPolicy, encryptionKey: props.logEncryptionKey };
    const handlerLogs = new logs.LogGroup(this, 'HandlerLogs', logOptions);
    this.handlerLogGroup = handlerLogs;
    const functionProps: lambda.FunctionOptions = {
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: this.handlerTimeout,
      // With our own role, CDK still adds xray:PutTraceSegments/PutTelemetryRecords to it.
      tracing: props.tracing ? lambda.Tracing.ACTIVE : undefined,
      role: this.executionRole,
      logGroup: handlerLogs,
      loggingFormat: lambda.LoggingFormat.JSON,
      vpc: props.vpc,
      vpcSubnets: props.vpc ? (props.vpcSubnets ?? privateOrIsolated(props.vpc)) : undefined,
      environment: {
        BUCKET_NAME: props.bucket.bucketName,
        PRESIGN_ROLE_ARN: this.presignRole.roleArn,
        URL_EXPIRY_SECONDS: String(urlExpiry.toSeconds()),
        MAX_UPLOAD_BYTES: String(props.maxUploadBytes ?? Defaults.MAX_UPLOAD_BYTES),
        MAX_MULTIPART_UPLOAD_BYTES: String(
          props.maxMultipartUploadBytes ?? Defaults.MAX_MULTIPART_UPLOAD_BYTES,
        ),
        LIST_PAGE_SIZE: String(props.listPageSize ?? Defaults.LIST_PAGE_SIZE),
        ALLOWED_ORIGINS: props.allowedOrigins.join(','),
        IDENTITY_PROVIDER_NAME: props.providerName ?? Defaults.PROVIDER_NAME,
        USERS_PREFIX: props.usersPrefix ?? USERS_PREFIX,
        ALLOWED_CLIENT_IDS: (props.userPoolClients ?? []).map((c) => c.userPoolClientId).join(','),
        TEAMS_PREFIX: teamsPrefix,
        // Every membership IAM has a statement for; the Lambda honours no other claim entry.
        TEAM_FOLDERS: [...new Set(teamFolders.map((t) => membershipEntry(folderOf(t), t.access)))].join(','),
        TEAM_MEMBERSHIP_MAX_AGE_SECONDS: String(membershipMaxAge.toSeconds()),
        ...(this.sharingTable && props.sharing ? sharingEnvironment(this.sharingTable, props.sharing) : {}),
        ...(this.pinnedLinkRole ? pinnedLinkEnvironment(this.pinnedLinkRole, props.bucket) : {}),
        MALWARE_SCANNING: props.malwareScanning ?? MalwareScanning.OFF,
      },
    };
    // A checkout bundles the TypeScript source at synth; the published package ships the bundle.
    this.handler = hasPrebuiltPresignBundle()
      ? new lambda.Function(this, 'Handler', {
          ...functionProps,
          runtime: lambda.Runtime.NODEJS_24_X,
          handler: 'index.handler',
          code: lambda.Code.fromAsset(PREBUILT_PRESIGN_BUNDLE),
        })
      : new nodejs.NodejsFunction(this, 'Handler', {
          ...functionProps,
          runtime: lambda.Runtime.NODEJS_24_X,
          entry: PRESIGN_HANDLER_ENTRY,
          bundling: PRESIGN_BUNDLING,
        });
    this.executionRole.addToPolicy(ownLogStreamsStatement(this, handlerLogs));
    if (props.vpc) this.grantNetworkInterfaces();
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumePresignRoleTagged',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.presignRole.roleArn],
      }),
    );
    if (this.pinnedLinkRole) {
      this.executionRole.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumePinnedLinkRole',
          actions: ['sts:AssumeRole'],
          resources: [this.pinnedLinkRole.roleArn],
        }),
      );
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', logOptions);
    const executionLogLevel = props.executionLogLevel ?? apigw.MethodLoggingLevel.OFF;
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Presigned URLs into users/<okta_sub>/ of the signed-in caller',
      restApiName: `${Stack.of(this).stackName}-${this.node.id}`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: props.createApiGatewayLogRole ?? Defaults.CREATE_API_GATEWAY_LOG_ROLE,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: props.throttlingRateLimit ?? Defaults.THROTTLING_RATE_LIMIT,
        throttlingBurstLimit: props.throttlingBurstLimit ?? Defaults.THROTTLING_BURST_LIMIT,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: props.tracing ?? false,
        ...(props.sharing ? { methodOptions: visitMethodOptions(props.sharing) } : {}),
        ...(executionLogLevel === apigw.MethodLoggingLevel.OFF
          ? {}
          : { loggingLevel: executionLogLevel, dataTraceEnabled: false }),
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [...props.allowedOrigins],
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        allowHeaders: ['Authorization', 'Content-Type'],
        maxAge: Duration.hours(1),
      },
    });
    // The stack decides which outputs exist; the RestApi would add its own Endpoint output.
    this.api.node.tryRemoveChild('Endpoint');
    this.authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      cognitoUserPools: [props.userPool],
    });
    addPresignRoutes(this.api, { handler: this.handler, authorizer: this.authorizer });
    if (props.sharing) addSharingRoutes(this.api, { handler: this.handler, authorizer: this.authorizer });
    this.nameSourceAccount();
    if (executionLogLevel !== apigw.MethodLoggingLevel.OFF) {
      this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
        ...logOptions,
        // The name API Gateway writes to (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
        logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      });
      // Created before the stage, so API Gateway never creates it first without retention or key.
      this.api.deploymentStage.node.addDependency(this.executionLogGroup);
    }
    this.onlyThisFunctionMayAssume();
    this.acknowledgeFindings(props.tracing ?? false, executionLogLevel !== apigw.MethodLoggingLevel.OFF);
  }

  /**
   * The ABAC role: trusted only by the execution role, only when the session is tagged with
   * `okta_sub` (and, with team folders, optionally `okta_teams`; nothing else), and allowed only
   * that tag's prefix (and the folders the `okta_teams` tag names).
   */
  private createPresignRole(bucket: s3.IBucket, usersPrefix: string | undefined, teams: boolean): iam.Role {
    const taggedWithOktaSubOnly = {
      StringLike: { [`aws:RequestTag/${OKTA_SUB_TAG}`]: '?*' },
      // IAM has no regex. STS lets a tag value hold letters, digits, whitespace and _ . : / = + - @
      // (Tag.Value pattern, https://docs.aws.amazon.com/STS/latest/APIReference/API_Tag.html);
      // an Okta id has none of the punctuation but _ and -, so refuse the rest. A value with a
      // path separator or a dot could never name another user's prefix, whatever the Lambda does.
      // The membership tag holds only the claim's own characters (letters, digits, . _ - : =);
      // a missing okta_teams passes StringNotLike, so it stays optional.
      StringNotLike: {
        [`aws:RequestTag/${OKTA_SUB_TAG}`]: OKTA_SUB_TAG_FORBIDDEN,
        ...(teams ? { [`aws:RequestTag/${TEAMS_CLAIM}`]: OKTA_TEAMS_TAG_FORBIDDEN } : {}),
      },
      'ForAllValues:StringEquals': { 'aws:TagKeys': teams ? [OKTA_SUB_TAG, TEAMS_CLAIM] : [OKTA_SUB_TAG] },
    };
    const role = new iam.Role(this, 'PresignRole', {
      description: teams
        ? 'Tagged presign sessions: users/${aws:PrincipalTag/okta_sub}/ and the team folders okta_teams names'
        : 'Tagged presign sessions: only users/${aws:PrincipalTag/okta_sub}/',
      assumedBy: new iam.SessionTagsPrincipal(
        new iam.ArnPrincipal(this.executionRole.roleArn).withConditions(taggedWithOktaSubOnly),
      ),
      maxSessionDuration: Duration.hours(1),
    });
    grantUserPrefixAccess(bucket, role, PRINCIPAL_TAG_KEY, usersPrefix);
    return role;
  }

  /**
   * The presign role's trust can name the execution role but not the function: Lambda documents
   * `lambda:SourceFunctionArn` for identity-based policies and SCPs only, "You can't use the
   * lambda:SourceFunctionArn condition key in resource-based policies"
   * (https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html), and a
   * trust policy is one. So the execution role's own policy denies assuming the presign role
   * unless the call comes from this function's execution environment; credentials used anywhere
   * else carry no such key and are refused too. A separate policy, because the function depends
   * on the role's default policy and this one names the function's ARN.
   */
  private onlyThisFunctionMayAssume() {
    new iam.Policy(this, 'HandlerRoleSourceFunctionGuard', {
      roles: [this.executionRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'PresignRoleOnlyFromThisFunction',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          resources: [
            this.presignRole.roleArn,
            ...(this.pinnedLinkRole ? [this.pinnedLinkRole.roleArn] : []),
          ],
          conditions: { ArnNotEquals: { 'lambda:SourceFunctionArn': this.handler.functionArn } },
        }),
      ],
    });
  }

  /**
   * Each invoke permission names its method's ARN (`SourceArn`); with a concrete account it also
   * names the account (`SourceAccount`), which AWS documents for service principals
   * (https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html). Control
   * Tower's CT.LAMBDA.PR.2 recognises a `SourceArn` only as a plain string or a local reference,
   * not the `Fn::Join` CDK builds, but accepts a literal `SourceAccount`.
   */
  private nameSourceAccount() {
    const account = Stack.of(this).account;
    if (Token.isUnresolved(account)) return;
    for (const child of this.api.node.findAll()) {
      if (child instanceof lambda.CfnPermission) child.sourceAccount = account;
    }
  }

  /**
   * Lambda adds the ENI permissions of AWSLambdaVPCAccessExecutionRole only to a role it creates.
   * These are the actions Lambda's VPC guide lists for the execution role
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions);
   * the describe actions support no resource-level permissions, and Lambda creates the interfaces.
   */
  private grantNetworkInterfaces() {
    this.executionRole.addToPolicy(networkInterfaceStatement());
    NagSuppressions.addResourceSuppressions(this.executionRole.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "Lambda's VPC guide lists these network-interface actions for a function in a VPC; EC2's describe actions support no resource-level permissions, and Lambda, not the function's code, calls them.",
        appliesTo: ['Resource::*'],
      },
    ]);
  }

  private acknowledgeFindings(tracing: boolean, executionLogs: boolean) {
    NagSuppressions.addResourceSuppressions(this.executionRole.node.findChild('DefaultPolicy'), [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Lambda names its log streams itself (date and instance id), so the function may write to any stream of its own log group and no other.',
        appliesTo: [
          {
            regex: String.raw`/^Resource::arn:[^:]+:logs:[^:]+:[^:]+:log-group:<[A-Za-z0-9]+>:log-stream:\*$/`,
          },
        ],
      },
      ...(tracing ? [XRAY_WRITE_ACKNOWLEDGEMENT] : []),
    ]);
    NagSuppressions.addResourceSuppressions(this.api.deploymentStage, [
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'Every method needs a Cognito token and the stage is throttled; attach an organisation WAF ACL to the stage if one is mandated.',
      },
      ...(executionLogs
        ? []
        : [
            {
              id: 'AwsSolutions-APIG6',
              reason:
                'JSON access logs are on. Execution logging is left to the operator (executionLogLevel): at INFO with data tracing it would copy presigned URLs, which are bearer secrets, into CloudWatch.',
            },
          ]),
    ]);
    const accountLogRole = this.api.node.tryFindChild('CloudWatchRole');
    if (accountLogRole) {
      NagSuppressions.addResourceSuppressions(accountLogRole, [
        {
          id: 'AwsSolutions-IAM4',
          reason:
            'API Gateway documents this AWS managed policy for its account-wide logging role; it grants only CloudWatch Logs writes.',
          appliesTo: [
            'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
          ],
        },
      ]);
    }
    for (const method of this.api.methods.filter((m) => m.httpMethod === 'OPTIONS')) {
      NagSuppressions.addResourceSuppressions(method, [
        {
          id: 'AwsSolutions-APIG4',
          reason: 'CORS preflight: browsers send OPTIONS without credentials, so it cannot be authorized.',
        },
        {
          id: 'AwsSolutions-COG4',
          reason: 'CORS preflight: browsers send OPTIONS without credentials, so it cannot be authorized.',
        },
      ]);
    }
  }
}

function propProblems(props: PresignApiProps, urlExpiry: Duration): string[] {
  const problems: string[] = [];
  if (!urlExpiry.isUnresolved()) {
    const seconds = urlExpiry.toSeconds({ integral: false });
    if (!(seconds >= 60 && seconds <= MAX_URL_EXPIRY_SECONDS))
      problems.push('urlExpiry: must be 1 to 30 minutes');
  }
  if (props.allowedOrigins.length === 0) problems.push('allowedOrigins: must name at least one origin');
  problems.push(...originListProblems('allowedOrigins', props.allowedOrigins, props.allowAnyOrigin));
  problems.push(...usersPrefixProblems(props.usersPrefix));
  const provider = props.providerName;
  if (provider !== undefined && !Token.isUnresolved(provider) && !isCognitoProviderName(provider)) {
    problems.push(
      'providerName: must be 3-32 characters, no whitespace, no _ after the first (Cognito ProviderName)',
    );
  }
  const integer = (prop: string, value: number | undefined, min: number, max: number, expected: string) => {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${prop}: must be ${expected}`);
  };
  integer('maxUploadBytes', props.maxUploadBytes, 1, MAX_SINGLE_PUT_BYTES, 'an integer from 1 to 5 GiB');
  integer(
    'maxMultipartUploadBytes',
    props.maxMultipartUploadBytes,
    1,
    MULTIPART_LIMITS.maxObjectBytes,
    'an integer from 1 to 53687091200000 (48.8 TiB, S3’s largest object)',
  );
  integer('listPageSize', props.listPageSize, 1, 1000, 'an integer from 1 to 1000');
  return problems;
}

/** Team-folder props' problems: the shared list rules, and the membership age's range. */
function teamProblems(
  props: PresignApiProps,
  teamFolders: readonly TeamFolder[],
  teamsPrefix: string,
  maxAge: Duration,
): string[] {
  const problems: string[] = [];
  const tokens = [
    teamsPrefix,
    props.usersPrefix ?? USERS_PREFIX,
    ...teamFolders.flatMap((t) => [t.group, folderOf(t)]),
  ];
  if (teamFolders.length > 0 && !tokens.some((value) => Token.isUnresolved(value))) {
    problems.push(
      ...teamFolderProblems('teamFolders', teamFolders, teamsPrefix, props.usersPrefix ?? USERS_PREFIX),
    );
  }
  if (!maxAge.isUnresolved()) {
    const seconds = maxAge.toSeconds({ integral: false });
    if (!(Number.isInteger(seconds) && seconds >= 60 && seconds <= 86400)) {
      problems.push('teamMembershipMaxAge: must be whole seconds from 1 minute to 1 day');
    }
  }
  return problems;
}

/**
 * X-Ray's write actions name no resource type in the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html:
 * PutTraceSegments and PutTelemetryRecords have an empty "Resource types" column), so `*` is the
 * only resource they can be granted on. CDK adds exactly these two for active tracing.
 */
const XRAY_WRITE_ACKNOWLEDGEMENT = {
  id: 'AwsSolutions-IAM5',
  reason:
    'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so they are granted on * and nothing else is.',
  appliesTo: ['Resource::*'],
};

/** Tag-value patterns with a character STS allows but an Okta id never has (`${*}`/`${?}` are a literal * and ?). */
const OKTA_SUB_TAG_FORBIDDEN = ['* *', '*+*', '*=*', '*.*', '*:*', '*/*', '*@*', '*${*}*', '*${?}*'];
/** The same for the membership claim, whose grammar allows `. _ - : =` besides letters and digits. */
const OKTA_TEAMS_TAG_FORBIDDEN = ['* *', '*+*', '*/*', '*@*', '*${*}*', '*${?}*'];

/**
 * API Gateway's standard JSON fields plus who made the request: the user pool's `sub`, through the
 * documented `$context.authorizer.claims.property` form (API Gateway developer guide, "Variables for
 * access logging"). `cognito:username` is left out: its colon has no documented form there, and an
 * access-log format API Gateway refuses would fail the stage's deployment. The Lambda's own log line
 * for the request carries the Okta sub, with the same request id.
 */
function accessLogFormat(): apigw.AccessLogFormat {
  const standard = apigw.AccessLogFormat.jsonWithStandardFields({
    caller: true,
    httpMethod: true,
    ip: true,
    protocol: true,
    requestTime: true,
    resourcePath: true,
    responseLength: true,
    status: true,
    user: true,
  });
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      ...JSON.parse(standard.toString()),
      userSub: apigw.AccessLogField.contextAuthorizerClaims('sub'),
    }),
  );
}

/** The sharing variables the Lambda reads (lambda/presign/sharing/config.ts, SHARING_ENV). */
function sharingEnvironment(sharing: SharingTable, options: SharingOptions): Record<string, string> {
  return {
    SHARING_TABLE_NAME: sharing.table.tableName,
    ...(options.maxLinkDays === undefined ? {} : { SHARE_LINK_MAX_DAYS: String(options.maxLinkDays) }),
    ...(options.fileRequestMaxFiles === undefined
      ? {}
      : { FILE_REQUEST_MAX_FILES: String(options.fileRequestMaxFiles) }),
    ...(options.fileRequestMaxFileBytes === undefined
      ? {}
      : { FILE_REQUEST_MAX_FILE_BYTES: String(options.fileRequestMaxFileBytes) }),
    ...(options.fileRequestContentTypes === undefined
      ? {}
      : { FILE_REQUEST_CONTENT_TYPES: options.fileRequestContentTypes.join(',') }),
  };
}

/**
 * What the Lambda needs to sign pinned links (lambda/presign/sharing/config.ts, PINNED_LINK_ENV):
 * the role, the bucket's ARN for the session policy, and the bucket's key (when it has one) with
 * the `kms:ViaService` of S3's calls, for the session policy's decrypt statement.
 */
function pinnedLinkEnvironment(role: iam.IRole, bucket: s3.IBucket): Record<string, string> {
  return {
    PINNED_LINK_ROLE_ARN: role.roleArn,
    BUCKET_ARN: bucket.bucketArn,
    ...(bucket.encryptionKey
      ? { DATA_KEY_ARN: bucket.encryptionKey.keyArn, S3_VIA_SERVICE: s3ViaService(Stack.of(bucket)) }
      : {}),
  };
}

/** A VPC's private subnets if it has any, else its isolated ones (a VPC without NAT has only those). */
function privateOrIsolated(vpc: ec2.IVpc): ec2.SubnetSelection {
  return {
    subnetType:
      vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
  };
}
