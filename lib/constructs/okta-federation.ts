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
   * @default false: create the provider
   */
  readonly importExisting?: boolean;
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
