import { Duration, RemovalPolicy, SecretValue, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from '../peer';
import { Construct } from 'constructs';
import { Defaults } from '../defaults';
import { TEAMS_CLAIM } from '../policy/team-folder-names';
import { throwIfProblems } from '../validation/problems';
import { IOktaFederation } from './okta-federation';
import { ID_TOKEN_VALIDITY_MINUTES, isCognitoDomainPrefix, isCognitoProviderName } from '../validation/rules';

/** The user pool's own settings: everything but the federation it signs in through. */
export interface FederatedUserPoolOptions {
  /** Client id of the Okta web app (an OIDC app with a client secret) the pool signs in through. */
  readonly webClientId: string;
  /**
   * Name of the Secrets Manager secret holding that app's client secret. The template gets a
   * `{{resolve:secretsmanager:...}}` reference, never the secret.
   */
  readonly webClientSecretName: string;
  /** Where the hosted UI may send users back after sign-in. */
  readonly callbackUrls: string[];
  /** Where the hosted UI may send users after sign-out. */
  readonly logoutUrls: string[];
  /** Prefix of the hosted domain `<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
  /**
   * Name of the Okta identity provider in the pool: the `providerName` of each user's
   * `identities` entry, and the prefix of federated usernames.
   * @default 'Okta'
   */
  readonly providerName?: string;
  /**
   * How long an ID token stays valid (Cognito allows 5 minutes to 1 day). Signing a user out does
   * not end ID tokens already issued: APIs behind a Cognito authorizer accept them until they
   * expire, so this bounds how long a signed-out user keeps access.
   * @default Duration.minutes(60)
   */
  readonly idTokenValidity?: Duration;
  /**
   * What happens to the pool when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Carry the Okta team-membership claim `okta_teams` into the pool's ID tokens, for team folders
   * on the presign API: a mutable custom attribute `custom:okta_teams` (up to 256 characters, a
   * session tag's limit), mapped from the claim, which the app client reads and writes. Cognito
   * rewrites mapped attributes from Okta at every federated sign-in, and the client's tokens
   * cannot update attributes themselves (no `aws.cognito.signin.user.admin`); the presign API
   * believes the attribute only shortly after sign-in (`teamMembershipMaxAge`). Okta must send the
   * claim at every sign-in, `:` when the user is in no team, or an old value would stay.
   * @default false
   */
  readonly mapTeamsClaim?: boolean;
}

export interface FederatedUserPoolProps extends FederatedUserPoolOptions {
  /** The Okta issuer the pool federates (its `issuer` is the provider's issuer URL). */
  readonly federation: IOktaFederation;
}

/**
 * A Cognito user pool whose only way in is Okta. Cognito records each user's Okta `sub` as the
 * `userId` of the user's `identities` entry, which the presign API reads as the caller's identity;
 * no custom attribute carries identity, because app clients can write attributes. Team memberships
 * (`mapTeamsClaim`) are the one custom attribute, bounded by the controls described there.
 */
export class FederatedUserPool extends Construct {
  /** The user pool. */
  public readonly userPool: cognito.UserPool;
  /** The Okta OIDC identity provider of the pool. */
  public readonly identityProvider: cognito.UserPoolIdentityProviderOidc;
  /** The public (secretless) app client for the front end. */
  public readonly client: cognito.UserPoolClient;
  /** The hosted sign-in domain. */
  public readonly domain: cognito.UserPoolDomain;
  /** How long the client's ID tokens stay valid. */
  public readonly idTokenValidity: Duration;

  constructor(scope: Construct, id: string, props: FederatedUserPoolProps) {
    super(scope, id);
    const idTokenValidity = props.idTokenValidity ?? Duration.minutes(Defaults.ID_TOKEN_VALIDITY_MINUTES);
    this.idTokenValidity = idTokenValidity;
    const providerName = props.providerName ?? Defaults.PROVIDER_NAME;
    const mapTeamsClaim = props.mapTeamsClaim ?? false;
    throwIfProblems(
      this,
      [
        props.callbackUrls.length ? '' : 'callbackUrls: must name at least one URL',
        props.logoutUrls.length ? '' : 'logoutUrls: must name at least one URL',
        Token.isUnresolved(props.domainPrefix) || isCognitoDomainPrefix(props.domainPrefix)
          ? ''
          : 'domainPrefix: must be 1-63 of a-z 0-9 - and not contain "aws", "amazon" or "cognito"',
        Token.isUnresolved(providerName) || isCognitoProviderName(providerName)
          ? ''
          : 'providerName: must be 3-32 characters, no whitespace, no _ after the first (Cognito ProviderName)',
        idTokenValidity.isUnresolved() || isInRange(idTokenValidity.toMinutes({ integral: false }))
          ? ''
          : 'idTokenValidity: must be 5 minutes to 1 day',
      ].filter(Boolean),
    );

    this.userPool = new cognito.UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireSymbols: true,
        requireUppercase: true,
      },
      accountRecovery: cognito.AccountRecovery.NONE,
      // Mutable, or Cognito could not rewrite it from Okta at the next sign-in.
      customAttributes: mapTeamsClaim
        ? { [TEAMS_CLAIM]: new cognito.StringAttribute({ minLen: 1, maxLen: 256, mutable: true }) }
        : undefined,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.identityProvider = new cognito.UserPoolIdentityProviderOidc(this, 'Okta', {
      userPool: this.userPool,
      name: providerName,
      issuerUrl: props.federation.issuer,
      clientId: props.webClientId,
      clientSecret: SecretValue.secretsManager(props.webClientSecretName).unsafeUnwrap(),
      scopes: ['openid', 'email', 'profile'],
      attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
      // The Okta sub reaches the API through the `identities` claim, never an attribute. CDK copies
      // `custom` keys unchanged (aws-cdk issue 26820), so the key carries its `custom:` itself.
      attributeMapping: {
        email: cognito.ProviderAttribute.other('email'),
        ...(mapTeamsClaim
          ? { custom: { [`custom:${TEAMS_CLAIM}`]: cognito.ProviderAttribute.other(TEAMS_CLAIM) } }
          : {}),
      },
    });

    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // providerName is a Ref, so the client is created after the provider without a DependsOn
      // (an explicit one is what cfn-lint's W3005 reports as redundant).
      supportedIdentityProviders: [
        cognito.UserPoolClientIdentityProvider.custom(this.identityProvider.providerName),
      ],
      // Only refresh: an empty authFlows would leave Cognito's defaults (SRP and custom auth) on,
      // and their tokens carry aws.cognito.signin.user.admin, which can rewrite attributes.
      authFlows: { userSrp: false, custom: false, userPassword: false, adminUserPassword: false },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // Without aws.cognito.signin.user.admin, no token can call UpdateUserAttributes.
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [...props.callbackUrls],
        logoutUrls: [...props.logoutUrls],
      },
      // Read: so the memberships reach the ID token the presign API reads.
      readAttributes: mappedAttributes(mapTeamsClaim),
      // Cognito requires write access to every mapped attribute to update it at sign-in. That also
      // lets the client's tokens write them, but none carries aws.cognito.signin.user.admin, which
      // UpdateUserAttributes needs, so only federated sign-in (Okta's claim) changes them.
      writeAttributes: mappedAttributes(mapTeamsClaim),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity,
      accessTokenValidity: Duration.hours(1),
      // CDK refuses an ID token that outlives the refresh token; keep 12 hours unless it must grow.
      refreshTokenValidity:
        idTokenValidity.toMinutes({ integral: false }) > 12 * 60 ? idTokenValidity : Duration.hours(12),
    });

    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });

    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason:
          'Users sign in only through Okta (self sign-up and password flows are off); MFA is enforced by the Okta sign-on policy.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Federated-only pool: credential attacks happen at Okta, whose threat protection applies; Cognito threat protection would see no passwords.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan only adds threat protection, which a federated-only pool cannot use (see COG3); Essentials covers the hosted UI and OIDC federation.',
      },
    ]);
  }
}

/**
 * Exactly the attributes the provider maps. An app client that allows an IdP must be able to write
 * every attribute mapped from it, or federated sign-in fails (UserPoolClientType.WriteAttributes,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
 */
function mappedAttributes(mapTeamsClaim: boolean): cognito.ClientAttributes {
  const standard = new cognito.ClientAttributes().withStandardAttributes({ email: true });
  return mapTeamsClaim ? standard.withCustomAttributes(TEAMS_CLAIM) : standard;
}

function isInRange(minutes: number): boolean {
  return minutes >= ID_TOKEN_VALIDITY_MINUTES.min && minutes <= ID_TOKEN_VALIDITY_MINUTES.max;
}
