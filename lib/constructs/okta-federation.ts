import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { issuerHostAndPath } from '../policy/user-prefix-names';
import { throwIfProblems } from '../validation/problems';
import { isIssuerUrl } from '../validation/rules';

/** An Okta issuer that AWS trusts: what the identity pool, the roles and the user pool need of it. */
export interface IOktaFederation extends IConstruct {
  /** The IAM OIDC provider of the issuer. */
  readonly provider: iam.IOidcProvider;
  /** The issuer URL, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** The issuer as IAM names its condition keys and policy variables: `host/path`, no scheme. */
  readonly issuerHostAndPath: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts (the tokens' `aud`). */
  readonly clientIds: string[];
  /**
   * Which audiences reach the identity pool (route 1).
   * @deprecated `UserIdentityPool` now checks the token's `aud` itself (principal tag `okta_aud`),
   * so only `clientIds` reach route 1 whatever the provider's other audiences are.
   */
  readonly identityPoolAudiences: IdentityPoolAudiences;
}

/**
 * Which Okta ID tokens the identity pool (route 1) takes, by their `aud`. Cognito accepts an OIDC
 * token whose `aud` (or `azp`) is any client id of the IAM OIDC provider
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/open-id.html, "Validating an OIDC
 * token"). `UserIdentityPool` maps the `aud` claim to the principal tag `okta_aud`, and its role
 * trusts only sessions tagged with one of `clientIds`, so this choice no longer widens anything.
 *
 * @deprecated not needed: the identity pool's role checks the audience itself.
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

/** What every federation needs: the issuer and the client ids AWS accepts. */
export interface OktaFederationProps {
  /** Issuer of the Okta authorization server, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts (the tokens' `aud`). */
  readonly clientIds: string[];
  /**
   * Certificate thumbprints of the issuer. IAM no longer needs them for well-known CAs.
   * @default - none
   */
  readonly thumbprints?: string[];
}

/** The account's existing IAM OIDC provider for an Okta issuer. */
export interface OktaFederationImportProps {
  /** Issuer of the Okta authorization server, e.g. `https://example.okta.com/oauth2/default`. */
  readonly issuer: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts: they must be audiences of the provider. */
  readonly clientIds: string[];
  /**
   * No longer needed: an imported provider is shared by the account and may list other Okta apps'
   * client ids, but the identity pool's role trusts only sessions whose `okta_aud` tag (the token's
   * `aud`) is one of `clientIds`. Accepted, with a warning, so that older code still synthesizes.
   * @default - only `clientIds` reach the identity pool
   * @deprecated remove it: the identity pool checks the audience itself.
   */
  readonly identityPoolAudiences?: IdentityPoolAudiences;
}

/** Where a federation's issuer was declared, per app: IAM allows one provider per issuer per account. */
const ISSUERS = Symbol.for('okta-s3-storage.OktaFederation.issuers');

/**
 * The IAM OIDC identity provider for the Okta issuer: a native `AWS::IAM::OIDCProvider`, with no
 * custom-resource Lambda behind it. Import the account's existing one with
 * `OktaFederation.fromIssuer` or `OktaFederation.fromProviderArn`.
 */
export class OktaFederation extends Construct implements IOktaFederation {
  /**
   * The account's existing IAM OIDC provider for `issuer`, found by its ARN
   * (`arn:<partition>:iam::<account>:oidc-provider/<host/path>`). IAM allows one provider per issuer
   * URL per account, so a second environment in the same account, or an account that already
   * federates Okta, imports it.
   */
  public static fromIssuer(scope: Construct, id: string, props: OktaFederationImportProps): IOktaFederation {
    const arn = Stack.of(scope).formatArn({
      service: 'iam',
      region: '',
      resource: 'oidc-provider',
      resourceName: issuerHostAndPath(props.issuer),
    });
    return OktaFederation.fromProviderArn(scope, id, arn, props);
  }

  /** An existing IAM OIDC provider for `issuer`, by its ARN. */
  public static fromProviderArn(
    scope: Construct,
    id: string,
    providerArn: string,
    props: OktaFederationImportProps,
  ): IOktaFederation {
    return new ImportedOktaFederation(scope, id, providerArn, props);
  }

  /** The IAM OIDC provider this construct creates for the issuer. */
  public readonly provider: iam.IOidcProvider;
  /** The issuer URL, e.g. `https://example.okta.com/oauth2/default`. */
  public readonly issuer: string;
  /** The issuer as IAM names its condition keys and policy variables: `host/path`, no scheme. */
  public readonly issuerHostAndPath: string;
  /** Client ids of the Okta apps whose ID tokens AWS accepts: the provider's audiences. */
  public readonly clientIds: string[];
  /** A provider this construct creates has exactly `clientIds` as audiences. */
  public readonly identityPoolAudiences = IdentityPoolAudiences.CLIENT_IDS_ONLY;

  constructor(scope: Construct, id: string, props: OktaFederationProps) {
    super(scope, id);
    throwIfProblems(this, federationProblems(props));
    this.issuer = props.issuer;
    this.issuerHostAndPath = issuerHostAndPath(props.issuer);
    this.clientIds = [...props.clientIds];
    this.provider = new iam.OidcProviderNative(this, 'Provider', {
      url: props.issuer,
      clientIds: [...props.clientIds],
      thumbprints: props.thumbprints ? [...props.thumbprints] : undefined,
    });
    refuseSecondFederation(this, true);
  }
}

class ImportedOktaFederation extends Construct implements IOktaFederation {
  public readonly provider: iam.IOidcProvider;
  public readonly issuer: string;
  public readonly issuerHostAndPath: string;
  public readonly clientIds: string[];
  public readonly identityPoolAudiences: IdentityPoolAudiences;

  constructor(scope: Construct, id: string, providerArn: string, props: OktaFederationImportProps) {
    super(scope, id);
    // What the user called: this class is internal.
    throwIfProblems(this, federationProblems(props), 'OktaFederation.fromProviderArn (or fromIssuer)');
    if (props.identityPoolAudiences !== undefined) {
      Annotations.of(this).addWarningV2(
        'okta-s3-storage:identityPoolAudiences-deprecated',
        'OktaFederation.fromIssuer: identityPoolAudiences is no longer needed and is ignored: the identity pool role trusts only sessions whose okta_aud tag is one of clientIds. Remove it.',
      );
    }
    this.issuer = props.issuer;
    this.issuerHostAndPath = issuerHostAndPath(props.issuer);
    this.clientIds = [...props.clientIds];
    this.identityPoolAudiences = IdentityPoolAudiences.CLIENT_IDS_ONLY;
    this.provider = iam.OidcProviderNative.fromOidcProviderArn(this, 'Provider', providerArn);
    refuseSecondFederation(this, false);
  }
}

function federationProblems(props: { issuer: string; clientIds: readonly string[] }): string[] {
  return [
    Token.isUnresolved(props.issuer) || isIssuerUrl(props.issuer)
      ? ''
      : `issuer: must be an https URL with no trailing slash, got "${props.issuer}"`,
    props.clientIds.length ? '' : 'clientIds: must name at least one client id',
  ].filter(Boolean);
}

/**
 * Two federations for one issuer are a synth error, reported on the second, when they would clash:
 * - in one stack, always: one issuer has one provider, so share the first;
 * - across stacks of one account, when both create a provider: IAM refuses to register the same
 *   provider URL twice in one account (CreateOpenIDConnectProvider, Url: "You cannot register the
 *   same provider multiple times in a single AWS account";
 *   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html), so
 *   CloudFormation would fail the second at deploy. Importing in the second
 *   stack is the way (the app's `oidcProvider: 'import'`).
 * Stacks whose account is unknown at synth are compared within the stack only.
 */
function refuseSecondFederation(federation: IOktaFederation, creates: boolean) {
  if (Token.isUnresolved(federation.issuer)) return;
  const stack = Stack.of(federation);
  const root = federation.node.root as IConstruct & { [ISSUERS]?: DeclaredFederation[] };
  const declared = (root[ISSUERS] ??= []);
  const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
  const clash = declared.find(
    (other) =>
      other.issuer === federation.issuer &&
      (other.stack === stack ||
        (account !== undefined && other.account === account && creates && other.creates)),
  );
  declared.push({ issuer: federation.issuer, stack, account, creates, path: federation.node.path });
  if (!clash) return;
  federation.node.addValidation({
    validate: () => [
      `a second federation for issuer ${federation.issuer}: ${clash.path} already declares it. Share that one, or import it with OktaFederation.fromIssuer (IAM allows one OIDC provider per issuer per account).`,
    ],
  });
}

interface DeclaredFederation {
  readonly issuer: string;
  readonly stack: Stack;
  readonly account?: string;
  readonly creates: boolean;
  readonly path: string;
}
