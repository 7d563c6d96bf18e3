import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { issuerHostAndPath } from '../policy/user-prefix-statements';
import { isIssuerUrl } from '../validation/rules';

/** An Okta issuer that AWS trusts: what the identity pool and web-identity role need of it. */
export interface IOktaFederation {
  /** The IAM OIDC provider of the issuer. */
  readonly provider: iam.IOidcProvider;
  /** The issuer URL, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** The issuer as IAM names its condition keys and policy variables: `host/path`, no scheme. */
  readonly issuerHostAndPath: string;
  /** Client ids whose ID tokens the provider accepts. */
  readonly clientIds: readonly string[];
}

/**
 * Which Okta ID tokens the identity pool (route 1) takes, by their `aud`. Cognito accepts an OIDC
 * token whose `aud` is any client id of the IAM OIDC provider
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html, "Validating an OIDC
 * token"), and nothing in the authenticated role's trust can check the Okta `aud` again.
 */
export enum IdentityPoolAudiences {
  /** Only `clientIds`: true of a provider this construct creates, whose audiences are exactly those. */
  CLIENT_IDS_ONLY = 'client-ids-only',
  /**
   * Every audience of an imported, account-wide provider, including other Okta apps' client ids:
   * any of their users reaches route 1 with their own ID token. Accept it only knowingly.
   */
  ANY_OF_SHARED_PROVIDER = 'any-of-shared-provider',
}

export interface OktaFederationProps {
  /** Issuer of the Okta authorization server, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts (the tokens' `aud`). */
  readonly clientIds: readonly string[];
  /**
   * Certificate thumbprints of the issuer. IAM no longer needs them for well-known CAs.
   * Ignored with `importExisting`.
   * @default none
   */
  readonly thumbprints?: readonly string[];
  /**
   * Use the account's existing IAM OIDC provider for this issuer instead of creating one. IAM
   * allows one provider per issuer URL per account, so a second environment in the same account,
   * or an account that already federates Okta, must import it. Its audiences must include
   * `clientIds`: this stack cannot change them.
   * Requires `identityPoolAudiences: IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER`.
   * @default false: create the provider
   */
  readonly importExisting?: boolean;
  /**
   * Which audiences reach the identity pool. `importExisting` shares the account's provider, so
   * every audience of it reaches route 1 (route 2's role checks `aud` itself): the construct refuses
   * to import unless this says so.
   * @default IdentityPoolAudiences.CLIENT_IDS_ONLY
   */
  readonly identityPoolAudiences?: IdentityPoolAudiences;
}

/**
 * The IAM OIDC identity provider for the Okta issuer: a native `AWS::IAM::OIDCProvider`, with no
 * custom-resource Lambda behind it, or the account's existing one.
 */
export class OktaFederation extends Construct implements IOktaFederation {
  public readonly provider: iam.IOidcProvider;
  public readonly issuer: string;
  public readonly issuerHostAndPath: string;
  public readonly clientIds: readonly string[];

  constructor(scope: Construct, id: string, props: OktaFederationProps) {
    super(scope, id);
    const problems = [
      isIssuerUrl(props.issuer)
        ? ''
        : `issuer must be an https URL with no trailing slash, got "${props.issuer}"`,
      props.clientIds.length ? '' : 'clientIds must name at least one client id',
      props.importExisting && props.identityPoolAudiences !== IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER
        ? "importExisting shares the account's OIDC provider: the identity pool then accepts an ID token for any of its audiences, including other Okta apps'. Set identityPoolAudiences to IdentityPoolAudiences.ANY_OF_SHARED_PROVIDER to accept that"
        : '',
    ].filter(Boolean);
    if (problems.length) throw new Error(`OktaFederation: ${problems.join('; ')}`);
    this.issuer = props.issuer;
    this.issuerHostAndPath = issuerHostAndPath(props.issuer);
    this.clientIds = props.clientIds;
    this.provider = props.importExisting
      ? iam.OidcProviderNative.fromOidcProviderArn(
          this,
          'Provider',
          Stack.of(this).formatArn({
            service: 'iam',
            region: '',
            resource: 'oidc-provider',
            resourceName: this.issuerHostAndPath,
          }),
        )
      : new iam.OidcProviderNative(this, 'Provider', {
          url: props.issuer,
          clientIds: [...props.clientIds],
          thumbprints: props.thumbprints ? [...props.thumbprints] : undefined,
        });
  }
}
