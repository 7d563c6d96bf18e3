/**
 * The user pool as route 3's callers meet it, read from the synthesized template: federated
 * sign-in through the Okta provider, attribute mapping, attributes the app client may write, and
 * the ID token Cognito then issues (claims per emulator/model/cognito-id-token.ts).
 */
import {
  federatedIdTokenClaims,
  signWithPool,
  testUserPool,
  type TestUserPool,
} from '../model/cognito-id-token';
import type { ResolvedTemplate } from '../iam/resolve-template';
import type { TokenIssuer } from './loopback-server';

export interface LocalUserPool {
  readonly pool: TestUserPool;
  readonly providerName: string;
  readonly clientId: string;
  /** The Okta app client the pool signs in through (`ProviderDetails.client_id`): its tokens' `aud`. */
  readonly oktaClientId: string;
  /** Attributes the app client may write (`WriteAttributes`). */
  readonly writableAttributes: readonly string[];
  /** Federated sign-in with an Okta ID token; returns the pool's ID token for the app client. */
  signIn(oktaIdToken: string): Promise<string>;
  /**
   * What a signed-in user may change about themselves through the app client: only attributes in
   * its `WriteAttributes` (UserPoolClientType.WriteAttributes, Cognito API reference). Others throw.
   */
  writeAttributes(oktaSub: string, attributes: Readonly<Record<string, string>>): void;
  /**
   * A fresh ID token with the user's current attributes, as a refresh-token grant returns it: the
   * pool's stored copy of the mapped attributes (Okta is not asked again) and the sign-in's
   * `auth_time`.
   */
  idTokenFor(oktaSub: string): string;
}

const only = (template: ResolvedTemplate, type: string) => {
  const found = Object.entries(template.resources).filter(([, r]) => r.Type === type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0];
};

/**
 * ID-token lifetime from the client's `IdTokenValidity` in its `TokenValidityUnits.IdToken`
 * (default hours) (AWS::Cognito::UserPoolClient, CloudFormation reference).
 */
function idTokenSeconds(client: Record<string, any>): number {
  const unit = client.TokenValidityUnits?.IdToken ?? 'hours';
  const perUnit: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
  return Number(client.IdTokenValidity ?? 1) * perUnit[unit];
}

export function localUserPool(template: ResolvedTemplate, okta: TokenIssuer): LocalUserPool {
  const [poolId] = only(template, 'AWS::Cognito::UserPool');
  const pool = testUserPool(template.env.region, template.ref(poolId));
  const [, provider] = only(template, 'AWS::Cognito::UserPoolIdentityProvider');
  const providerName = String(provider.Properties.ProviderName);
  const details = provider.Properties.ProviderDetails as Record<string, string>;
  const mapping = (provider.Properties.AttributeMapping ?? {}) as Record<string, string>;
  if (details.oidc_issuer.replace(/^https:\/\//, '').replace(/\/$/, '') !== okta.providerName)
    throw new Error(`The user pool federates ${details.oidc_issuer}, not ${okta.providerName}`);
  const clients = Object.entries(template.resources).filter(
    ([, r]) =>
      r.Type === 'AWS::Cognito::UserPoolClient' &&
      ((r.Properties.SupportedIdentityProviders as string[] | undefined) ?? []).includes(providerName),
  );
  if (clients.length !== 1) throw new Error(`Expected one app client for ${providerName}`);
  const [clientLogicalId, client] = clients[0];
  const clientId = template.ref(clientLogicalId);
  const writableAttributes = (client.Properties.WriteAttributes as string[] | undefined) ?? [];
  const users = new Map<string, Record<string, string>>();
  /** Each user's last federated sign-in, in epoch seconds: the `auth_time` of their tokens. */
  const signedInAt = new Map<string, number>();

  const idTokenFor = (oktaSub: string) => {
    const attributes = users.get(oktaSub);
    if (!attributes) throw new Error(`${oktaSub} never signed in`);
    const claims = federatedIdTokenClaims(pool, {
      oktaSub,
      providerName,
      clientId,
      lifetimeSeconds: idTokenSeconds(client.Properties),
      authTime: signedInAt.get(oktaSub),
      // The form real pools issue: `okta_00uabc…`, with `identities[].userId` in the sub's own case.
      usernameForm: 'lower-cased',
    });
    return signWithPool(pool, { ...claims, ...attributes });
  };

  return {
    pool,
    providerName,
    clientId,
    oktaClientId: details.client_id,
    writableAttributes,
    signIn: async (oktaIdToken) => {
      // The pool's own Okta app client is the audience of the Okta token it accepts.
      const claims = await okta.verify(oktaIdToken, [details.client_id]);
      // At each federated sign-in Cognito writes the mapped attributes from the IdP's claims; a
      // claim the token lacks leaves the stored value ("If a previously mapped claim no longer
      // exists in the incoming token, it won't be deleted or changed", cognito-user-pools-specifying-attribute-mapping.html).
      const mapped = Object.fromEntries(
        Object.entries(mapping)
          .filter(([, claim]) => typeof claims[claim] === 'string')
          .map(([attribute, claim]) => [attribute, claims[claim] as string]),
      );
      users.set(claims.sub, { ...users.get(claims.sub), ...mapped });
      signedInAt.set(claims.sub, Math.floor(Date.now() / 1000));
      return idTokenFor(claims.sub);
    },
    writeAttributes: (oktaSub, attributes) => {
      const refused = Object.keys(attributes).filter((name) => !writableAttributes.includes(name));
      if (refused.length > 0) throw new Error(`NotAuthorizedException: cannot write ${refused.join(', ')}`);
      users.set(oktaSub, { ...users.get(oktaSub), ...attributes });
    },
    idTokenFor,
  };
}
