import { Construct } from 'constructs';
import { TeamFolder } from './policy/team-folder-names';
import { FederatedUserPool, FederatedUserPoolOptions } from './constructs/federated-user-pool';
import { IOktaFederation } from './constructs/okta-federation';
import { OktaWebIdentityRole } from './constructs/okta-web-identity-role';
import { PresignApi, PresignApiOptions } from './constructs/presign-api';
import { StorageMonitoring, StorageMonitoringOptions } from './constructs/storage-monitoring';
import { UserFilesBucket, UserFilesBucketOptions } from './constructs/user-files-bucket';
import { UserIdentityPool } from './constructs/user-identity-pool';
import { WorkflowsConnectorOptions, WorkflowsConnectorRole } from './constructs/workflows-connector-role';

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

  constructor(scope: Construct, id: string, props: OktaS3StorageProps) {
    super(scope, id);
    const { federation, allowedOrigins, allowAnyOrigin, usersPrefix, teamFolders, teamsPrefix } = props;
    this.federation = federation;
    this.storage = new UserFilesBucket(this, 'Storage', {
      ...props.bucket,
      allowedOrigins,
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
      federation,
      mapTeamsClaim: hasTeamFolders || props.userPool.mapTeamsClaim,
    });
    this.presignApi = new PresignApi(this, 'PresignApi', {
      ...props.presignApi,
      userPool: this.userPool.userPool,
      userPoolClients: [this.userPool.client],
      providerName: this.userPool.identityProvider.providerName,
      bucket,
      allowedOrigins,
      allowAnyOrigin,
      usersPrefix,
      teamFolders,
      teamsPrefix,
    });
    if (props.monitoring) {
      this.monitoring = new StorageMonitoring(this, 'Monitoring', {
        ...props.monitoring,
        handler: this.presignApi.handler,
        handlerTimeout: this.presignApi.handlerTimeout,
        handlerLogGroup: this.presignApi.handlerLogGroup,
        stage: this.presignApi.api.deploymentStage,
        accessLogGroup: this.presignApi.accessLogGroup,
      });
    }
  }
}
