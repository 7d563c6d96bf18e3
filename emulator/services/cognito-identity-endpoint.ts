/**
 * A local Cognito identity-pool endpoint speaking enough of the AWS JSON 1.1 protocol for the
 * unmodified `fromCognitoIdentityPool` with only an endpoint override: `GetId`, then
 * `GetCredentialsForIdentity` (the enhanced, basic-less flow). Every decision comes from the
 * synthesized template. Protocol coverage and sources: see emulator/README.md.
 */
import { createHash } from 'crypto';
import { decideTrust, sessionArnOf, trustPolicyOf } from '../iam/simulate';
import { identityPoolTrustContext, sessionTags } from '../iam/web-identity-context';
import { clientAccepted } from '../model/identity-pool-rules';
import type { VerifiedClaims } from './oidc-issuer';
import { LoopbackServer, Reply, startLoopbackServer } from './loopback-server';
import { withCors } from './cors';
import type { CredentialEndpointOptions } from './credential-endpoint';
import type { OidcProviderModel } from './stack-model';

/**
 * Credentials from GetCredentialsForIdentity last one hour: Cognito calls
 * AssumeRoleWithWebIdentity for the pool with STS's default duration (see README for the source).
 */
const CREDENTIALS_SECONDS = 3600;
const TARGET_PREFIX = 'AWSCognitoIdentityService.';

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

interface Login {
  readonly provider: OidcProviderModel;
  readonly claims: VerifiedClaims;
}

export async function startCognitoIdentityEndpoint(
  options: CredentialEndpointOptions,
): Promise<LoopbackServer> {
  /** Identity id → the provider and sub it was created for. */
  const identities = new Map<string, { provider: string; sub: string }>();
  const pool = options.model.identityPool;

  /** The one login of a request, verified as Cognito verifies an OIDC token for the pool. */
  async function verifiedLogin(logins: unknown): Promise<Login> {
    const entries = Object.entries(typeof logins === 'object' && logins !== null ? logins : {});
    if (entries.length === 0) {
      if (!pool.allowUnauthenticated)
        throw new CognitoError(
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      throw new CognitoError('InvalidParameterException', 'Guest identities are not modelled');
    }
    if (entries.length > 1)
      throw new CognitoError('InvalidParameterException', 'One login per request is modelled');
    const [[name, token]] = entries;
    const provider = options.model.oidcProviders.find(
      (p) => p.name === name && pool.oidcProviderArns.includes(p.arn),
    );
    const issuer = options.issuers.find((i) => i.providerName === name);
    if (!provider || !issuer)
      throw new CognitoError(
        'NotAuthorizedException',
        `Invalid login token. ${name} is not a provider of this pool`,
      );
    // Signature, issuer and expiry here; the client id by the pool's own rule (azp before aud).
    const claims = await issuer.verify(String(token)).catch((error: { code?: string }) => {
      throw new CognitoError('NotAuthorizedException', `Invalid login token. (${error.code})`);
    });
    if (!clientAccepted(provider.clientIds, claims))
      throw new CognitoError('NotAuthorizedException', 'Invalid login token. Incorrect token audience.');
    return { provider, claims };
  }

  async function getId(input: Record<string, unknown>) {
    if (input.IdentityPoolId !== pool.id)
      throw new CognitoError(
        'ResourceNotFoundException',
        `IdentityPool '${String(input.IdentityPoolId)}' not found.`,
      );
    const { provider, claims } = await verifiedLogin(input.Logins);
    // One identity per user and provider, as Cognito keeps it: the same login always gets the same id.
    const identityId = `${options.model.region}:${uuidFrom(`${pool.id}|${provider.name}|${claims.sub}`)}`;
    identities.set(identityId, { provider: provider.name, sub: claims.sub });
    return { IdentityId: identityId };
  }

  async function getCredentialsForIdentity(input: Record<string, unknown>) {
    const identityId = String(input.IdentityId ?? '');
    const known = identities.get(identityId);
    if (!known) throw new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
    if (input.CustomRoleArn !== undefined)
      throw new CognitoError(
        'InvalidParameterException',
        'CustomRoleArn needs role mappings, which the pool has none of',
      );
    const { provider, claims } = await verifiedLogin(input.Logins);
    // The logins must be the identity's own: another user's token cannot fetch this identity's credentials.
    if (known.provider !== provider.name || known.sub !== claims.sub)
      throw new CognitoError(
        'NotAuthorizedException',
        'Invalid login token. The login does not belong to this identity.',
      );

    const roleArn = pool.authenticatedRoleArn;
    const roleId = options.model.roleIdOf(roleArn);
    // Tags come from the map whose IdentityProviderName names this provider; no map, no tags.
    const tagMap = pool.principalTags[provider.arn] ?? {};
    const login = { identityPoolId: pool.id, identityId, providerName: provider.name, principalTags: tagMap };
    const missing = Object.entries(tagMap).filter(([, claim]) => typeof claims[claim] !== 'string');
    // What Cognito does when a mapped claim is missing is not documented: refuse rather than guess.
    if (missing.length > 0)
      throw new CognitoError(
        'InvalidParameterException',
        `The token lacks the claims of tags ${missing.map(([t]) => t).join(', ')}`,
      );
    const tags = sessionTags(claims, tagMap);
    const context = identityPoolTrustContext(claims, login);
    for (const action of Object.keys(tags).length > 0
      ? (['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] as const)
      : (['sts:AssumeRoleWithWebIdentity'] as const)) {
      const decision = roleId
        ? await decideTrust({
            trustPolicy: trustPolicyOf(options.model.template, roleId),
            action,
            principal: 'cognito-identity.amazonaws.com',
            roleArn,
            context,
          })
        : 'ImplicitlyDenied';
      if (decision !== 'Allowed')
        throw new CognitoError(
          'InvalidIdentityPoolConfigurationException',
          `Invalid identity pool configuration. Check assigned IAM roles for this pool. (${action}: ${decision})`,
        );
    }
    const session = options.sessions.issue({
      roleLogicalId: roleId!,
      roleArn,
      // Cognito names the session CognitoIdentityCredentials.
      sessionArn: sessionArnOf(options.model.template, roleId!, 'CognitoIdentityCredentials'),
      tags,
      // The Cognito claim keys stay available to the role's policies (tags become principal tags).
      context: Object.fromEntries(Object.entries(context).filter(([k]) => k.startsWith('cognito-identity'))),
      issuedBy: `GetCredentialsForIdentity (${provider.name})`,
      durationSeconds: CREDENTIALS_SECONDS,
    });
    const c = session.credentials;
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: c.accessKeyId,
        SecretKey: c.secretAccessKey,
        SessionToken: c.sessionToken,
        // AWS JSON 1.1 sends timestamps as epoch seconds.
        Expiration: Math.floor(c.expiration.getTime() / 1000),
      },
    };
  }

  const operations: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {
    GetId: getId,
    GetCredentialsForIdentity: getCredentialsForIdentity,
  };

  return startLoopbackServer(
    withCors(async (request, body) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith(TARGET_PREFIX)
        ? operations[target.slice(TARGET_PREFIX.length)]
        : undefined;
      try {
        if (request.method !== 'POST' || !operation)
          throw new CognitoError(
            'InvalidParameterException',
            `${target} is not modelled by the local identity pool`,
          );
        let input: unknown;
        try {
          input = JSON.parse(body.toString('utf8') || '{}');
        } catch {
          throw new CognitoError('SerializationException', 'The body is not JSON');
        }
        return json(200, await operation(input as Record<string, unknown>));
      } catch (error) {
        if (!(error instanceof CognitoError)) throw error;
        return json(400, { __type: error.type, message: error.message }, error.type);
      }
    }, options.corsOrigins ?? []),
    options.port,
  );
}

function json(status: number, body: unknown, errorType?: string): Reply {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: JSON.stringify(body),
  };
}

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
