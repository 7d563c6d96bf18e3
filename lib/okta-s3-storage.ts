import { CfnOutput, Fn, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { DEFAULT_TEAMS_PREFIX, TeamFolder, TeamFolderAccess } from './policy/team-folder-names';
import { membershipsByFolder } from './policy/team-folder-statements';
import { FederatedUserPool, FederatedUserPoolOptions } from './constructs/federated-user-pool';
import { IOktaFederation } from './constructs/okta-federation';
import { OktaWebIdentityRole } from './constructs/okta-web-identity-role';
import { PresignApi, PresignApiOptions } from './constructs/presign-api';
import { StorageMonitoring, StorageMonitoringOptions } from './constructs/storage-monitoring';
import {
  ObjectCreatedRuleOptions,
  UserFilesBucket,
  UserFilesBucketOptions,
} from './constructs/user-files-bucket';
import { UserIdentityPool } from './constructs/user-identity-pool';
import { WebClient, WebClientOptions } from './constructs/web-client';
import { WEB_CLIENT_CONTROL_TOWER_GAPS } from './constructs/web-client-control-tower';
import { WorkflowsConnectorOptions, WorkflowsConnectorRole } from './constructs/workflows-connector-role';
import { clientConfigOf } from './client-config';
import { ComplianceProfile } from './compliance';
import { LogsKey } from './constructs/logs-key';
import { Offboarding, OffboardingOptions, OKTA_EVENT_HOOK_PATH } from './constructs/offboarding';
import { PrivateNetwork } from './constructs/private-network';
import { MalwareProtection } from './constructs/malware-protection';
import { MalwareQuarantine } from './constructs/malware-quarantine';
import { MalwareScanning } from './malware-scanning';
import { throwIfProblems } from './validation/problems';

export interface OktaS3StorageProps {
  /** The Okta issuer AWS trusts: `new OktaFederation(...)` or `OktaFederation.fromIssuer(...)`. */
  readonly federation: IOktaFederation;
  /**
   * Web origins the bucket's and the presign API's CORS allow: `https://host[:port]`, or http on
   * localhost. `*` is refused unless `allowAnyOrigin` is set.
   */
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
   * Team folders: each Okta group's members reach `<teamsPrefix><folder>/` through the identity
   * pool (route 1) and the presign API (route 3). Membership comes from the ID token's
   * `okta_teams` claim; `TeamFolderPolicy.oktaClaimExpression` gives the Okta expression that
   * builds it. The web-identity role (route 2) stays personal: IAM exposes no group claim of a
   * generic OIDC provider as a condition key.
   * @default - no team folders
   */
  readonly teamFolders?: TeamFolder[];
  /**
   * The folder team folders live under: segments each ending in `/`, apart from `usersPrefix`.
   * @default 'teams/'
   */
  readonly teamsPrefix?: string;
  /**
   * The data bucket.
   * @default - a versioned, SSE-S3 bucket with the `UserFilesBucket` defaults
   */
  readonly bucket?: UserFilesBucketOptions;
  /** The Cognito user pool that federates Okta for the presign API (route 3). */
  readonly userPool: FederatedUserPoolOptions;
  /**
   * The presign API (route 3).
   * @default - the `PresignApi` defaults
   */
  readonly presignApi?: PresignApiOptions;
  /**
   * Okta Workflows' AWS S3 connector.
   * @default - no connector role
   */
  readonly workflowsConnector?: WorkflowsConnectorOptions;
  /**
   * Alarms and a dashboard for the presign route (`StorageMonitoring`).
   * @default - no alarms and no dashboard
   */
  readonly monitoring?: StorageMonitoringOptions;
  /**
   * Hosts a built web client on CloudFront (`WebClient`), with its configuration deployed beside
   * it. Its origin joins `allowedOrigins` (the bucket's and the API's CORS), `<origin>/callback`
   * the user pool client's callback URLs and `<origin>/` its sign-out URLs; its
   * Content-Security-Policy allows exactly the endpoints the reference client calls.
   * @default - no hosting
   */
  readonly webClient?: WebClientOptions;
  /**
   * The rule pack the resources are built to pass. `CONTROL_TOWER` passes AWS Control Tower's
   * proactive controls: log groups under a new customer-managed key (`LogsKey`), API execution
   * logging at ERROR, X-Ray, the presign function in `vpc` (or a new `PrivateNetwork`), Object Lock
   * on the data bucket (a new bucket only), and access logs to `bucket.accessLogsBucket`, which it
   * requires. It refuses `webClient`, naming the controls the hosting does not meet yet.
   * @default ComplianceProfile.DEFAULT
   */
  readonly compliance?: ComplianceProfile;
  /**
   * Offboarding: when Okta deactivates or starts deleting a person, an Okta event hook (and a
   * scheduled read of Okta's System Log) moves their `users/<sub>/` to `offboarded/<sub>/`, which no
   * user route reaches, kept for `retention`.
   * @default - no offboarding
   */
  readonly offboarding?: OffboardingOptions;
  /**
   * The VPC the presign function runs in, under the Control Tower profile. Its subnets must reach
   * STS and S3 (endpoints or NAT).
   * @default - a new `PrivateNetwork` (isolated subnets, S3 and STS endpoints), under that profile
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Scan uploads for malware. `GUARDDUTY` puts GuardDuty Malware Protection for S3 on the users'
   * and team folders (`MalwareProtection`): no user route reads an object until GuardDuty tags it
   * `NO_THREATS_FOUND`, and none may set or change that tag.
   * @default MalwareScanning.OFF
   */
  readonly malwareScanning?: MalwareScanning;
}

/**
 * The whole per-user store: the data bucket, the identity pool (route 1), the web-identity role
 * (route 2), the federated user pool and the presign API (route 3), and optionally the Okta
 * Workflows connector role. A Construct, so it fits into any stack.
 */
export class OktaS3Storage extends Construct {
  /** The data bucket and its access-log bucket. */
  public readonly storage: UserFilesBucket;
  /** The Okta issuer every route trusts. */
  public readonly federation: IOktaFederation;
  /** Route 1: the Cognito identity pool. */
  public readonly identityPool: UserIdentityPool;
  /** Route 2: the role assumed directly with an Okta ID token. */
  public readonly webIdentityRole: OktaWebIdentityRole;
  /** Route 3: the user pool federating Okta. */
  public readonly userPool: FederatedUserPool;
  /** Route 3: the presign API. */
  public readonly presignApi: PresignApi;
  /** The Okta Workflows connector role, when `workflowsConnector` is set. */
  public readonly workflowsConnector?: WorkflowsConnectorRole;
  /** Alarms and the dashboard, when `monitoring` is set. */
  public readonly monitoring?: StorageMonitoring;
  /** The hosted web client, when `webClient` is set. */
  public readonly webClient?: WebClient;
  /** The offboarding hook, queue and functions, when `offboarding` is set. */
  public readonly offboarding?: Offboarding;

  private readonly allowedOrigins: readonly string[];
  private readonly callbackUrls: string[];
  private readonly logoutUrls: string[];
  private readonly teamFolders: TeamFolder[];
  private readonly teamsPrefix: string;
  /** The key of the log groups, under the Control Tower profile. */
  public readonly logsKey?: LogsKey;
  /** The presign function's network, when the Control Tower profile created one. */
  public readonly network?: PrivateNetwork;
  /** GuardDuty's malware protection plan and the read gate, when `malwareScanning` is `GUARDDUTY`. */
  public readonly malwareProtection?: MalwareProtection;
  /** The move of infected objects to quarantine/, and its alarms, when `malwareScanning` is `GUARDDUTY`. */
  public readonly malwareQuarantine?: MalwareQuarantine;

  constructor(scope: Construct, id: string, props: OktaS3StorageProps) {
    super(scope, id);
    const controlTower = props.compliance === ComplianceProfile.CONTROL_TOWER;
    if (controlTower) {
      throwIfProblems(this, controlTowerProblems(props));
      this.logsKey = new LogsKey(this, 'LogsKey');
      if (!props.vpc)
        this.network = new PrivateNetwork(this, 'Network', { logEncryptionKey: this.logsKey.key });
    }
    const { federation, allowAnyOrigin, usersPrefix, teamFolders, teamsPrefix } = props;
    this.federation = federation;
    // First, so that its origin can join the CORS rules and the user pool client's redirects.
    this.webClient = props.webClient && new WebClient(this, 'WebClient', props.webClient);
    const webOrigin = this.webClient?.origin;
    const allowedOrigins = webOrigin
      ? withOrigin(props.allowedOrigins, webOrigin)
      : [...props.allowedOrigins];
    this.allowedOrigins = allowedOrigins;
    this.callbackUrls = withUrl(props.userPool.callbackUrls, this.webClient?.callbackUrl);
    this.logoutUrls = withUrl(props.userPool.logoutUrls, webOrigin && `${webOrigin}/`);
    this.teamFolders = [...(teamFolders ?? [])];
    this.teamsPrefix = teamsPrefix ?? DEFAULT_TEAMS_PREFIX;
    this.storage = new UserFilesBucket(this, 'Storage', {
      ...props.bucket,
      ...(controlTower ? { objectLockEnabled: true } : {}),
      allowedOrigins: [...allowedOrigins],
      allowAnyOrigin,
      usersPrefix,
    });
    const bucket = this.storage.bucket;
    this.identityPool = new UserIdentityPool(this, 'IdentityPool', {
      federation,
      bucket,
      usersPrefix,
      teamFolders,
      teamsPrefix,
    });
    this.webIdentityRole = new OktaWebIdentityRole(this, 'WebIdentity', {
      federation,
      bucket,
      usersPrefix,
    });
    if (props.workflowsConnector) {
      this.workflowsConnector = new WorkflowsConnectorRole(this, 'WorkflowsConnector', {
        ...props.workflowsConnector,
        bucket,
      });
    }
    // Route 3 reads memberships from the pool's ID tokens: with team folders, the pool maps the claim.
    const hasTeamFolders = (teamFolders ?? []).length > 0;
    this.userPool = new FederatedUserPool(this, 'UserPool', {
      ...props.userPool,
      callbackUrls: this.callbackUrls,
      logoutUrls: this.logoutUrls,
      federation,
      mapTeamsClaim: hasTeamFolders || props.userPool.mapTeamsClaim,
    });
    this.presignApi = new PresignApi(this, 'PresignApi', {
      ...props.presignApi,
      ...(controlTower
        ? {
            tracing: true,
            executionLogLevel: props.presignApi?.executionLogLevel ?? apigw.MethodLoggingLevel.ERROR,
            logEncryptionKey: this.logsKey!.key,
            vpc: props.vpc ?? this.network!.vpc,
          }
        : {}),
      malwareScanning: props.malwareScanning,
      userPool: this.userPool.userPool,
      userPoolClients: [this.userPool.client],
      providerName: this.userPool.identityProvider.providerName,
      bucket,
      allowedOrigins: [...allowedOrigins],
      allowAnyOrigin,
      usersPrefix,
      teamFolders,
      teamsPrefix,
    });
    this.network?.allowFrom(this.presignApi.handler);
    if (props.malwareScanning === MalwareScanning.GUARDDUTY) {
      this.malwareProtection = new MalwareProtection(this, 'MalwareProtection', {
        bucket,
        objectPrefixes: [this.storage.usersPrefix, this.teamsPrefix],
      });
      // Every principal a user's request runs as: routes 1, 2 and 3, and Okta Workflows' connector.
      this.malwareProtection.gateReads([
        this.identityPool.authenticatedRole,
        this.webIdentityRole.role,
        this.presignApi.presignRole,
        ...(this.presignApi.pinnedLinkRole ? [this.presignApi.pinnedLinkRole] : []),
        ...(this.workflowsConnector ? [this.workflowsConnector.role] : []),
      ]);
    }
    if (props.monitoring) {
      this.monitoring = new StorageMonitoring(this, 'Monitoring', {
        ...props.monitoring,
        handler: this.presignApi.handler,
        handlerTimeout: this.presignApi.handlerTimeout,
        handlerLogGroup: this.presignApi.handlerLogGroup,
        stage: this.presignApi.api.deploymentStage,
        accessLogGroup: this.presignApi.accessLogGroup,
        sharingTable: this.presignApi.sharingTable?.table,
      });
    }
    if (this.malwareProtection) {
      this.malwareQuarantine = new MalwareQuarantine(this, 'MalwareQuarantine', {
        bucket,
        protectedPrefixes: [this.storage.usersPrefix, this.teamsPrefix],
        alarmTopic: this.monitoring?.alarmTopic,
        ...(controlTower ? { vpc: props.vpc ?? this.network!.vpc, logEncryptionKey: this.logsKey!.key } : {}),
      });
    }
    if (props.offboarding) {
      this.offboarding = new Offboarding(this, 'Offboarding', {
        ...props.offboarding,
        ...(controlTower
          ? { tracing: true, logEncryptionKey: this.logsKey!.key, vpc: props.vpc ?? this.network!.vpc }
          : {}),
        bucket,
        usersPrefix,
        api: this.presignApi.api,
        oktaOrgUrl: originOf(federation.issuer),
        alarms: this.monitoring !== undefined,
        alarmTopic: this.monitoring?.alarmTopic,
      });
      this.network?.allowOffboardingFrom(this.offboarding.functions);
      // A leaver's links and file requests end with their access (issue: sharing and offboarding).
      if (this.presignApi.sharingTable) this.offboarding.revokeSharingOf(this.presignApi.sharingTable);
    }
    if (this.webClient) this.serveWebClient(this.webClient);
  }

  /**
   * What the hosted client calls, as its Content-Security-Policy's `connect-src`, and its
   * configuration, `okta-s3-client.json`: both from these constructs' attributes, which resolve in
   * CloudFormation. The calls are the reference client's (examples/web): Okta's discovery and token
   * endpoints, the hosted UI's token endpoint, the identity pool (route 1), STS (route 2), the
   * presign API (route 3) and the data bucket, virtual-hosted, as the AWS SDK and presigned URLs
   * address it (the client never uses path-style requests against AWS).
   */
  private serveWebClient(webClient: WebClient) {
    const stack = Stack.of(this);
    const regional = (service: string) => `https://${service}.${stack.region}.${stack.urlSuffix}`;
    const hostedDomain = `${this.userPool.domain.domainName}.auth.${stack.region}.amazoncognito.com`;
    // The bucket's exact host would close a dependency cycle when the client is served from
    // CloudFront's own domain: the bucket's CORS names the distribution, the distribution's
    // headers would name the bucket. Then any bucket's virtual-hosted host in this region is
    // allowed; with a domain name of its own, only this bucket's.
    const bucketSource = webClient.hasOwnDomain
      ? regional(`${this.storage.bucket.bucketName}.s3`)
      : regional('*.s3');
    webClient.addConnectSources(
      originOf(this.federation.issuer),
      `https://${hostedDomain}`,
      regional('cognito-identity'),
      regional('sts'),
      regional(`${this.presignApi.api.restApiId}.execute-api`),
      bucketSource,
    );
    // Storage Browser previews a file from a presigned GET URL in an <img> or <video> element.
    webClient.addMediaSources(bucketSource);
    webClient.deployClientConfig(
      clientConfigOf({
        region: stack.region,
        bucket: this.storage.bucket.bucketName,
        issuer: this.federation.issuer,
        issuerHostAndPath: this.federation.issuerHostAndPath,
        clientIds: this.federation.clientIds,
        identityPoolId: this.identityPool.identityPool.identityPoolId,
        webIdentityRoleArn: this.webIdentityRole.role.roleArn,
        oidcProviderArn: this.federation.provider.oidcProviderArn,
        apiUrl: this.presignApi.api.url,
        userPoolId: this.userPool.userPool.userPoolId,
        userPoolClientId: this.userPool.client.userPoolClientId,
        hostedDomain,
        providerName: this.userPool.identityProvider.providerName,
        callbackUrls: this.callbackUrls,
        logoutUrls: this.logoutUrls,
        sharing: this.presignApi.sharingTable !== undefined,
      }),
    );
  }

  /**
   * An EventBridge rule on files uploaded to the store: by default, objects created under the users'
   * folder and the team folders (`users/` and `teams/`). Add a target to act on each upload.
   */
  public onObjectCreated(id: string, options: ObjectCreatedRuleOptions = {}): events.Rule {
    return this.storage.onObjectCreated(id, {
      ...options,
      keyPrefixes: options.keyPrefixes ?? [this.storage.usersPrefix, this.teamsPrefix],
    });
  }

  /**
   * Adds the stack outputs that `okta-s3-storage verify` and `okta-s3-storage client-config` read,
   * under the stable names the app uses (`Region`, `BucketName`, `OktaIssuer`, `IdentityPoolId`,
   * `ApiUrl`, ...): their logical ids do not depend on where the store sits in the tree, so
   * `cdk deploy --outputs-file outputs.json` writes them as the commands expect. One store per stack
   * can add them.
   * @returns the outputs, in the order they are added
   */
  public addOutputs(): CfnOutput[] {
    const stack = Stack.of(this);
    const owner = (stack as unknown as Record<symbol, string | undefined>)[OUTPUTS_MARKER];
    if (owner !== undefined) {
      throw new Error(
        `OktaS3Storage at ${this.node.path}: addOutputs(): ${owner} already added the okta-s3-storage outputs to stack ${stack.stackName}, and their names are fixed. Put each store that needs them in a stack of its own.`,
      );
    }
    (stack as unknown as Record<symbol, string>)[OUTPUTS_MARKER] = this.node.path;
    const scope = new Construct(this, 'Outputs');
    const outputs: CfnOutput[] = [];
    const output = (name: string, value: string, description: string) => {
      const o = new CfnOutput(scope, name, { value, description });
      o.overrideLogicalId(name);
      outputs.push(o);
    };
    const { storage, federation, identityPool, webIdentityRole, userPool, presignApi } = this;
    output('Region', stack.region, 'AWS region of the store');
    output('BucketName', storage.bucket.bucketName, 'Data bucket; each user owns users/<okta-sub>/');
    output(
      'AccessLogBucketName',
      storage.logBucket.bucketName,
      "Bucket receiving the data bucket's access logs",
    );
    output(
      'OktaIssuer',
      federation.issuer,
      'Okta issuer (the Logins key of the identity pool is its host/path)',
    );
    output(
      'OktaClientIds',
      joinList(federation.clientIds),
      'Okta SPA/native client ids accepted for routes 1 and 2',
    );
    output('OidcProviderArn', federation.provider.oidcProviderArn, 'IAM OIDC provider of the Okta issuer');
    output('IdentityPoolId', identityPool.identityPool.identityPoolId, 'Cognito identity pool (route 1)');
    output(
      'WebIdentityRoleArn',
      webIdentityRole.role.roleArn,
      'Role for AssumeRoleWithWebIdentity (route 2)',
    );
    output('UserPoolId', userPool.userPool.userPoolId, 'Cognito user pool federating Okta (route 3)');
    output('UserPoolClientId', userPool.client.userPoolClientId, 'Public app client (code flow with PKCE)');
    output('HostedDomain', userPool.domain.baseUrl(), 'Hosted sign-in domain');
    output(
      'UserPoolProviderName',
      userPool.identityProvider.providerName,
      'Okta provider name in the user pool',
    );
    output('CallbackUrls', joinList(this.callbackUrls), 'Redirects allowed after sign-in');
    output('LogoutUrls', joinList(this.logoutUrls), 'Redirects allowed after sign-out');
    output('ApiUrl', presignApi.api.url, 'Presign API base URL');
    if (presignApi.sharingTable) {
      output(
        'SharingTableName',
        presignApi.sharingTable.table.tableName,
        'Table of share links and file requests (an operator revokes one there at once)',
      );
    }
    // What `okta-s3-storage verify` compares the deployed resources with.
    if (this.allowedOrigins.length) {
      output('AllowedOrigins', joinList(this.allowedOrigins), 'Origins the bucket and API allow (CORS)');
    }
    output(
      'BucketEncryption',
      storage.encryptionKey?.keyArn ?? 'SSE-S3',
      'Default encryption of the data bucket: SSE-S3, or the ARN of its KMS key',
    );
    output(
      'IdentityPoolRoleArn',
      identityPool.authenticatedRole.roleArn,
      'Authenticated role of the identity pool (route 1)',
    );
    output(
      'PresignRoleArn',
      presignApi.presignRole.roleArn,
      'Role whose tagged sessions sign presigned URLs (route 3)',
    );
    output(
      'PresignHandlerRoleArn',
      presignApi.executionRole.roleArn,
      'Execution role of the presign Lambda: the only principal the presign role trusts',
    );
    output(
      'PresignFunctionArn',
      presignApi.handler.functionArn,
      'The presign Lambda: the only lambda:SourceFunctionArn from which its role may assume the presign role',
    );
    if (!userPool.idTokenValidity.isUnresolved()) {
      output(
        'IdTokenValidityMinutes',
        String(userPool.idTokenValidity.toMinutes({ integral: false })),
        'Lifetime of the user-pool ID tokens the presign API accepts',
      );
    }
    output(
      'TeamFolders',
      teamFoldersOutput(this.teamFolders, this.teamsPrefix),
      'Team folders and the highest access a group gives (folder=read|read-write, comma-separated; prefixed with teamsPrefix when not teams/; none when there are none)',
    );
    output(
      'MalwareScanning',
      this.malwareProtection ? 'guardduty' : 'off',
      'Whether GuardDuty scans uploads and users read only objects tagged NO_THREATS_FOUND (guardduty or off)',
    );
    if (this.malwareProtection) {
      output(
        'MalwareProtectionPlanId',
        this.malwareProtection.plan.attrMalwareProtectionPlanId,
        'GuardDuty Malware Protection plan of the data bucket (verify reads its status, bucket, prefixes and tagging)',
      );
      output(
        'MalwareScanPrefixes',
        joinList([storage.usersPrefix, this.teamsPrefix]),
        'Key prefixes the plan must scan (comma-separated)',
      );
    }
    if (this.webClient) {
      output('WebClientUrl', `${this.webClient.origin}/`, 'Where users open the hosted web client');
      output(
        'WebClientDistributionDomain',
        this.webClient.distribution.distributionDomainName,
        "The distribution's own host name: the target of a CNAME for webClient.domainName",
      );
      output(
        'WebClientBucketName',
        this.webClient.bucket.bucketName,
        "Bucket holding the web client's files (deployed by the stack)",
      );
    }
    if (this.offboarding) {
      output(
        'OktaEventHookUrl',
        `${presignApi.api.url}${OKTA_EVENT_HOOK_PATH}`,
        'Endpoint URL of the Okta event hook (offboarding)',
      );
      output(
        'OktaEventHookSecretArn',
        this.offboarding.hookSecret.secretArn,
        'Secret whose value Okta sends as the Authorization header of the event hook',
      );
      output(
        'OktaApiTokenSecretArn',
        this.offboarding.oktaApiTokenSecret.secretArn,
        "Secret to hold an Okta API token for reading the System Log (offboarding's reconciler)",
      );
      output(
        'OffboardingDeadLetterQueueUrl',
        this.offboarding.deadLetterQueue.queueUrl,
        'Offboarding moves that failed every attempt',
      );
    }
    if (this.workflowsConnector) {
      output(
        'WorkflowsConnectorRoleArn',
        this.workflowsConnector.role.roleArn,
        'Role ARN to enter in Okta Workflows',
      );
    }
    return outputs;
  }
}

/** `finance=read-write,audit=read` (each folder once, with the highest access), or `none`. */
function teamFoldersOutput(teams: readonly TeamFolder[], teamsPrefix: string): string {
  const prefix = teamsPrefix === DEFAULT_TEAMS_PREFIX ? '' : teamsPrefix;
  const folders = [...membershipsByFolder(teams)].map(([folder, accesses]) => {
    const access = accesses.has(TeamFolderAccess.READ_WRITE)
      ? TeamFolderAccess.READ_WRITE
      : TeamFolderAccess.READ;
    return `${prefix}${folder}=${access}`;
  });
  return folders.join(',') || 'none';
}

/**
 * The origins with the web client's added, unless they already hold it or allow every origin
 * (`*` must stay alone).
 */
function withOrigin(origins: readonly string[], origin: string): string[] {
  return origins.includes(origin) || origins.includes('*') ? [...origins] : [...origins, origin];
}

/** The redirect URLs with the web client's added, unless already there. */
function withUrl(urls: readonly string[], url: string | undefined): string[] {
  return !url || urls.includes(url) ? [...urls] : [...urls, url];
}

/**
 * `https://host` of the issuer: where oidc-client-ts fetches Okta's discovery document and token
 * endpoint. The store needs the issuer as text already (route 2's policy names it).
 */
function originOf(issuer: string): string {
  return new URL(issuer).origin;
}

/** Which store of a stack added the outputs: their logical ids are fixed, so only one may. */
const OUTPUTS_MARKER = Symbol.for('okta-s3-storage.OktaS3Storage.outputs');

/** A list as one comma-separated output value, also when it holds tokens. */
function joinList(values: readonly string[]): string {
  return values.some((v) => Token.isUnresolved(v)) ? Fn.join(',', [...values]) : values.join(',');
}

/** What the Control Tower profile cannot build from these props, each naming the prop. */
function controlTowerProblems(props: OktaS3StorageProps): string[] {
  const problems: string[] = [];
  if (!props.bucket?.accessLogsBucket) {
    problems.push(
      'bucket.accessLogsBucket: the control-tower profile needs a central log bucket (S3 cannot deliver access logs to a bucket with SSE-KMS or Object Lock, which CT.S3.PR.9 and CT.S3.PR.10 require of a bucket the stack makes)',
    );
  }
  if (props.presignApi?.tracing === false) {
    problems.push(
      'presignApi.tracing: the control-tower profile needs X-Ray (CT.APIGATEWAY.PR.2); leave it unset',
    );
  }
  if (props.presignApi?.executionLogLevel === apigw.MethodLoggingLevel.OFF) {
    problems.push(
      'presignApi.executionLogLevel: the control-tower profile needs execution logging (CT.APIGATEWAY.PR.1)',
    );
  }
  if (props.webClient)
    problems.push(
      `webClient: the control-tower profile cannot host the web client yet; the hosting would fail ${WEB_CLIENT_CONTROL_TOWER_GAPS}. Serve the client from elsewhere, or use the default profile`,
    );
  return problems;
}
