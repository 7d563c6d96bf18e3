import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand } from '@aws-sdk/client-sts';
import { issuerHostAndPath } from '../../../lib/policy/user-prefix-names';
import { CAUSES } from '../causes';
import { CheckResult, describeError, fail, pass } from '../check';
import { Clients } from '../clients';
import { Outputs } from '../outputs';
import { objectProbe } from './objects';
import { postEncryptionProbe } from './post-encryption';
import { teamFolderProbe } from './teams';

/** The most likely troubleshooting row for a refused Okta ID token. */
export function tokenCause(error: unknown): string {
  const message = (error as Error)?.message ?? '';
  if (/aud/i.test(message) && /claim/i.test(message)) return CAUSES.accessToken;
  if (/providerName|supported provider|issuer/i.test(message)) return CAUSES.loginsKey;
  if (/expired/i.test(message))
    return 'Cause: the ID token has expired. Fix: sign in again and pass a fresh ID token.';
  return CAUSES.route2Audience;
}

/** A client for the bucket with a route's temporary credentials. */
const s3With = (region: string, c: RouteCredentials) =>
  new S3Client({
    region,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: {
      accessKeyId: c.AccessKeyId ?? '',
      secretAccessKey: c.SecretKey ?? c.SecretAccessKey ?? '',
      sessionToken: c.SessionToken,
    },
  });

type RouteCredentials = {
  AccessKeyId?: string;
  SecretKey?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
  Expiration?: Date;
};

/**
 * Gets a route's credentials, then runs the object probe and the POST-form encryption probe with
 * them; a refused token is one FAIL row.
 */
async function probeWith(
  route: 'route1' | 'route2',
  expected: string,
  clients: Clients,
  o: Outputs,
  sub: string,
  accessDeniedCause: string,
  signIn: () => Promise<RouteCredentials | undefined>,
  claims?: Record<string, unknown>,
): Promise<CheckResult[]> {
  const check = `probe.${route}.credentials`;
  let credentials: RouteCredentials | undefined;
  try {
    credentials = await signIn();
  } catch (error) {
    return [fail(check, expected, describeError(error), tokenCause(error))];
  }
  const s3 = s3With(o.Region, credentials ?? {});
  return [
    pass(check, expected, `credentials until ${credentials?.Expiration?.toISOString() ?? '?'}`),
    ...(await objectProbe(route, s3, o.BucketName, sub, accessDeniedCause)),
    await postEncryptionProbe(route, s3, clients.fetch, o.BucketName, sub, o.BucketEncryption),
    ...(claims ? await teamFolderProbe(route, s3, o, claims) : []),
  ];
}

/**
 * Route 1 with a test user's Okta ID token: GetId, GetCredentialsForIdentity, then the object probe,
 * and the team-folder probe when the token's `claims` are given.
 * It settles what no offline test can: which provider name the principal-tag map needs, and that
 * Cognito's session tags reach S3's policy evaluation.
 */
export function identityPoolProbe(
  clients: Clients,
  o: Outputs,
  token: string,
  sub: string,
  claims?: Record<string, unknown>,
) {
  const Logins = { [issuerHostAndPath(o.OktaIssuer)]: token };
  return probeWith(
    'route1',
    'GetId + GetCredentialsForIdentity succeed',
    clients,
    o,
    sub,
    CAUSES.noPrincipalTag,
    async () => {
      const { IdentityId } = await clients.cognitoIdentity.send(
        new GetIdCommand({ IdentityPoolId: o.IdentityPoolId, Logins }),
      );
      const { Credentials } = await clients.cognitoIdentity.send(
        new GetCredentialsForIdentityCommand({ IdentityId, Logins }),
      );
      return Credentials;
    },
    claims,
  );
}

/**
 * Route 2: AssumeRoleWithWebIdentity, then the object probe. It settles whether a web-identity
 * session sees `${<issuer>:sub}` in S3's policy evaluation.
 */
export function webIdentityProbe(
  clients: Clients,
  o: Outputs,
  token: string,
  sub: string,
  claims?: Record<string, unknown>,
) {
  return probeWith(
    'route2',
    'AssumeRoleWithWebIdentity succeeds',
    clients,
    o,
    sub,
    CAUSES.route2Audience,
    async () => {
      const { Credentials } = await clients.sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: o.WebIdentityRoleArn,
          WebIdentityToken: token,
          RoleSessionName: 'okta-s3-storage-verify',
          DurationSeconds: 900,
        }),
      );
      return Credentials;
    },
    claims,
  );
}
