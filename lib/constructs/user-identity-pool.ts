import { Lazy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { IdentityPool } from 'aws-cdk-lib/aws-cognito-identitypool';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantUserPrefixAccess } from '../policy/grant-user-prefix';
import { OKTA_SUB_TAG, PRINCIPAL_TAG_KEY } from '../policy/user-prefix-statements';

const COGNITO = 'cognito-identity.amazonaws.com';

export interface UserIdentityPoolProps {
  /** The IAM OIDC provider of the Okta issuer. */
  readonly provider: iam.IOidcProvider;
  /** The bucket whose `users/<okta_sub>/` prefixes the pool's users reach. */
  readonly bucket: s3.IBucket;
  /**
   * `IdentityProviderName` of the principal-tag map. For an OIDC provider Cognito expects the
   * provider's ARN; check it after deploying with `aws cognito-identity get-principal-tag-attribute-map`.
   * @default the provider's ARN
   */
  readonly principalTagProviderName?: string;
  /**
   * Name of the identity pool.
   * @default generated
   */
  readonly identityPoolName?: string;
}

/**
 * A Cognito identity pool that exchanges Okta ID tokens for credentials of one authenticated role,
 * whose sessions carry the Okta `sub` as principal tag `okta_sub` and reach only
 * `users/${aws:PrincipalTag/okta_sub}/`. Unauthenticated identities are off.
 */
export class UserIdentityPool extends Construct {
  public readonly identityPool: IdentityPool;
  /** The role every signed-in user's session assumes. */
  public readonly authenticatedRole: iam.Role;
  /** Maps the token's `sub` claim to the session tag `okta_sub`. */
  public readonly principalTags: cognito.CfnIdentityPoolPrincipalTag;

  constructor(scope: Construct, id: string, props: UserIdentityPoolProps) {
    super(scope, id);

    // The trust names the pool, and the pool needs the role first: resolve the id lazily.
    const thisPoolAuthenticated = {
      StringEquals: { [`${COGNITO}:aud`]: Lazy.string({ produce: () => this.identityPool.identityPoolId }) },
      'ForAnyValue:StringLike': { [`${COGNITO}:amr`]: 'authenticated' },
    };
    this.authenticatedRole = new iam.Role(this, 'AuthenticatedRole', {
      description: 'Okta users signed in through the identity pool: their own users/<okta_sub>/ prefix only',
      assumedBy: new iam.FederatedPrincipal(COGNITO, thisPoolAuthenticated, 'sts:AssumeRoleWithWebIdentity'),
    });
    // A session may be tagged with okta_sub only, and must be: the S3 policy keys on that tag.
    this.authenticatedRole.assumeRolePolicy!.addStatements(
      new iam.PolicyStatement({
        principals: [new iam.FederatedPrincipal(COGNITO)],
        actions: ['sts:TagSession'],
        conditions: {
          ...thisPoolAuthenticated,
          Null: { [`aws:RequestTag/${OKTA_SUB_TAG}`]: 'false' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': [OKTA_SUB_TAG] },
        },
      }),
    );
    this.identityPool = new IdentityPool(this, 'Pool', {
      identityPoolName: props.identityPoolName,
      allowUnauthenticatedIdentities: false,
      authenticationProviders: { openIdConnectProviders: [props.provider] },
      authenticatedRole: this.authenticatedRole,
    });

    this.principalTags = new cognito.CfnIdentityPoolPrincipalTag(this, 'PrincipalTags', {
      identityPoolId: this.identityPool.identityPoolId,
      identityProviderName: props.principalTagProviderName ?? props.provider.oidcProviderArn,
      principalTags: { [OKTA_SUB_TAG]: 'sub' },
      useDefaults: false,
    });

    grantUserPrefixAccess(props.bucket, this.authenticatedRole, PRINCIPAL_TAG_KEY);
  }
}
