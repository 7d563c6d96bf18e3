import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { issuerHostAndPath } from '../policy/user-prefix-statements';

export interface OktaFederationProps {
  /** Issuer of the Okta authorization server, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts (the tokens' `aud`). */
  readonly clientIds: readonly string[];
  /**
   * Certificate thumbprints of the issuer. IAM no longer needs them for well-known CAs.
   * @default none
   */
  readonly thumbprints?: readonly string[];
}

/**
 * The IAM OIDC identity provider for the Okta issuer: a native `AWS::IAM::OIDCProvider`, with no
 * custom-resource Lambda behind it.
 */
export class OktaFederation extends Construct {
  public readonly provider: iam.OidcProviderNative;
  /** The issuer URL, as configured. */
  public readonly issuer: string;
  /** The issuer as IAM names its condition keys and policy variables: `host/path`, no scheme. */
  public readonly issuerHostAndPath: string;
  public readonly clientIds: readonly string[];

  constructor(scope: Construct, id: string, props: OktaFederationProps) {
    super(scope, id);
    if (!/^https:\/\/[^/?#]+(\/[^?#]*[^/?#])?$/.test(props.issuer)) {
      throw new Error(
        `OktaFederation: issuer must be an https URL with no trailing slash, got "${props.issuer}"`,
      );
    }
    if (props.clientIds.length === 0)
      throw new Error('OktaFederation: clientIds must name at least one client id');
    this.issuer = props.issuer;
    this.issuerHostAndPath = issuerHostAndPath(props.issuer);
    this.clientIds = props.clientIds;
    this.provider = new iam.OidcProviderNative(this, 'Provider', {
      url: props.issuer,
      clientIds: [...props.clientIds],
      thumbprints: props.thumbprints ? [...props.thumbprints] : undefined,
    });
  }
}
