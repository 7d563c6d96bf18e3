/**
 * What a Cognito user pool issues to a user who signed in through an OIDC provider (Okta): the ID
 * token's claims, signed with a key of the pool. Each rule cites where it comes from.
 */
import * as fs from 'node:fs';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';

export interface TestUserPool {
  readonly region: string;
  readonly poolId: string;
  /** `kid` of the signing key, as the pool's JWKS names it. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A user pool with its own RS256 key (Cognito signs user-pool tokens with RS256). */
export function testUserPool(region = 'eu-west-1', poolId = `${region}_TestPool1`): TestUserPool {
  const { privateKey, publicKey } = rsaKeyPair();
  return { region, poolId, keyId: `${poolId}-key-1`, privateKey, publicKey };
}

/**
 * Names a JSON file of RSA private keys in PEM, made ahead. Each pool takes the next one not yet
 * taken in this process, so two pools never share a key, and a key is generated only when none is
 * left. A 2048-bit key costs 0.1 to 1 s of CPU to generate: a test run makes a few once
 * (test/support/global-setup.ts) rather than one per test file.
 */
export const PREGENERATED_KEYS_VARIABLE = 'EMULATOR_RSA_KEYS';

let keysTaken = 0;

function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const file = process.env[PREGENERATED_KEYS_VARIABLE];
  const made: string[] = file ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
  if (keysTaken < made.length) {
    const privateKey = createPrivateKey(made[keysTaken++]);
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** RSA private keys in PEM for `PREGENERATED_KEYS_VARIABLE`'s file. */
export function generateRsaKeysPem(count: number): string[] {
  return Array.from({ length: count }, () =>
    generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
}

/**
 * `iss` is `https://cognito-idp.<region>.amazonaws.com/<user pool id>` ("Verifying a JSON Web
 * Token", https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
 */
export const issuerOf = (pool: TestUserPool) =>
  `https://cognito-idp.${pool.region}.amazonaws.com/${pool.poolId}`;

export interface FederatedSignIn {
  /** The user's `sub` at Okta. */
  readonly oktaSub: string;
  /** The pool's name for the Okta provider (`ProviderName`). */
  readonly providerName: string;
  /** The app client the user signed in through. */
  readonly clientId: string;
  readonly email?: string;
  /** When the token was issued, in epoch seconds. */
  readonly issuedAt?: number;
  /**
   * When the user signed in at the IdP, in epoch seconds: `auth_time`. A token from a refresh keeps
   * the sign-in's time (no new authentication happened). @default issuedAt
   */
  readonly authTime?: number;
  /** The app client's ID-token lifetime. @default 3600 */
  readonly lifetimeSeconds?: number;
  /**
   * The case of `cognito:username`. Real pools lower-case the whole federated username, the IdP's
   * sub included (`okta_00uabc…`), while `identities[].userId` keeps the sub's case: captured tokens,
   * aws-amplify/amplify-js#13844. The developer guide writes the name as `<ProviderName>_<sub>`;
   * whether every pool lower-cases is not documented (UNDOCUMENTED `federated-username-case`), so
   * both forms can be issued. @default 'as-documented'
   */
  readonly usernameForm?: 'lower-cased' | 'as-documented';
}

/** `cognito:username` of a federated user, in either form (see `FederatedSignIn.usernameForm`). */
export function federatedUsername(
  signIn: Pick<FederatedSignIn, 'providerName' | 'oktaSub' | 'usernameForm'>,
) {
  const name = `${signIn.providerName}_${signIn.oktaSub}`;
  return signIn.usernameForm === 'lower-cased' ? name.toLowerCase() : name;
}

/**
 * The payload of the ID token, as "Understanding the identity (ID) token"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html)
 * shows it for a federated user.
 */
export function federatedIdTokenClaims(pool: TestUserPool, signIn: FederatedSignIn): Record<string, unknown> {
  const iat = signIn.issuedAt ?? Math.floor(Date.now() / 1000);
  return {
    // The pool's own id for the user: a UUID, not the provider's id (same page: `sub` is "a
    // unique identifier (UUID) for the authenticated user"). Stable per user, so derived here.
    sub: uuidFrom(`${pool.poolId}/${signIn.providerName}/${signIn.oktaSub}`),
    // Federated users are named `<ProviderName>_<provider user id>` ("Adding user pool sign-in
    // through a third party": the user name in the pool is the provider name and the IdP's sub),
    // lower-cased as a whole by real pools (see `usernameForm`).
    'cognito:username': federatedUsername(signIn),
    // One entry per linked provider, written by Cognito at federated sign-in. As in the page's
    // example, `primary` and `dateCreated` are strings and `issuer` is null for OIDC providers.
    identities: [
      {
        userId: signIn.oktaSub,
        providerName: signIn.providerName,
        providerType: 'OIDC',
        issuer: null,
        primary: 'true',
        dateCreated: String(iat * 1000 - 86_400_000),
      },
    ],
    token_use: 'id', // "The intended purpose of this token. Its value is always id in the case of the ID token."
    aud: signIn.clientId, // "the app client ID of the app client that your user authenticated with"
    jti: randomUUID(), // "Unique identifier of the JWT"
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    // "The authentication time, in Unix time format, that your user completed authentication."
    auth_time: signIn.authTime ?? iat,
    iat,
    exp: iat + (signIn.lifetimeSeconds ?? 3600),
    iss: issuerOf(pool),
    ...(signIn.email === undefined ? {} : { email: signIn.email, email_verified: false }),
  };
}

/** A compact JWS over the claims, RS256 with the pool's key, `kid` in the header as Cognito does. */
export function signWithPool(pool: TestUserPool, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ kid: pool.keyId, alg: 'RS256' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), pool.privateKey).toString('base64url')}`;
}

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
