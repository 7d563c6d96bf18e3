import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantUserPrefixAccess } from '../policy/grant-user-prefix';
import { webIdentitySubKey } from '../policy/user-prefix-names';
import { throwIfProblems, usersPrefixProblems } from '../validation/problems';
import { IOktaFederation } from './okta-federation';

export interface OktaWebIdentityRoleProps {
  /** The Okta OIDC provider, with its issuer and accepted client ids. */
  readonly federation: IOktaFederation;
  /** The bucket whose `users/<sub>/` prefixes the role's sessions reach. */
  readonly bucket: s3.IBucket;
  /**
   * Client ids whose ID tokens may assume the role (the token's `aud`).
   * @default - all of the federation's client ids
   */
  readonly clientIds?: string[];
  /**
   * Longest session a caller may ask for (1 to 12 hours).
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
  /**
   * The folder every user's own `<usersPrefix><okta-sub>/` lives under: segments each ending in `/`.
   * @default 'users/'
   */
  readonly usersPrefix?: string;
}

/**
 * A role assumed directly with an Okta ID token (`AssumeRoleWithWebIdentity`, e.g. the SDK's
 * `fromWebToken`). Each session reaches only `users/${<issuer>:sub}/`.
 */
export class OktaWebIdentityRole extends Construct {
  /** The role; its sessions reach only their own prefix. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OktaWebIdentityRoleProps) {
    super(scope, id);
    const { federation } = props;
    const clientIds = props.clientIds ?? federation.clientIds;
    const unknown = clientIds.filter((c) => !federation.clientIds.includes(c));
    throwIfProblems(this, [
      ...(clientIds.length ? [] : ['clientIds: must name at least one client id']),
      ...(unknown.length ? [`clientIds: not audiences of the federation: ${unknown.join(', ')}`] : []),
      ...usersPrefixProblems(props.usersPrefix),
    ]);
    this.role = new iam.Role(this, 'Role', {
      description: 'Okta ID tokens via AssumeRoleWithWebIdentity: each caller reaches only users/<sub>/',
      assumedBy: new iam.WebIdentityPrincipal(federation.provider.oidcProviderArn, {
        StringEquals: { [`${federation.issuerHostAndPath}:aud`]: [...clientIds] },
      }),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    grantUserPrefixAccess(props.bucket, this.role, webIdentitySubKey(federation.issuer), props.usersPrefix);
  }
}
