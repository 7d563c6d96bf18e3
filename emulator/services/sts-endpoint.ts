/**
 * A local STS endpoint speaking enough of STS's Query protocol for the unmodified SDK
 * (`fromWebToken`, `STSClient`) with only an endpoint override. Every decision comes from the
 * synthesized template through the IAM simulator. Protocol coverage: see emulator/README.md.
 */
import { randomUUID } from 'crypto';
import type { IncomingMessage } from 'http';
import {
  decideTrust,
  identityPoliciesOf,
  sessionArnOf,
  trustPolicyOf,
  type TrustAction,
  type RequestContext,
} from '../iam/simulate';
import type { PolicyDocument } from '../iam/simulate';
import { SESSION_POLICY_MAX_CHARS } from '../model/sts-rules';
import { webIdentitySessionContext, webIdentityTrustContext } from '../iam/web-identity-context';
import { Reply, startLoopbackServer, unverifiedIssuer, xmlText, LoopbackServer } from './loopback-server';
import { withCors } from './cors';
import type { CredentialEndpointOptions } from './credential-endpoint';
import { Session, sessionContext, SessionStore } from './sessions';
import type { StackModel } from './stack-model';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** STS's default and minimum session lengths (AssumeRoleWithWebIdentity, DurationSeconds). */
const DEFAULT_DURATION = 3600;
const MIN_DURATION = 900;
/**
 * "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining).
 */
const ROLE_CHAINING_MAX = 3600;
/** RoleSessionName: 2-64 characters of `[\w+=,.@-]` (AssumeRole / AssumeRoleWithWebIdentity parameters). */
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/**
 * An IdP passes session tags in this claim, and the trust must then also allow `sts:TagSession`
 * ("Passing session tags using AssumeRoleWithWebIdentity",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-idp).
 */
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startStsEndpoint(options: CredentialEndpointOptions): Promise<LoopbackServer> {
  return startLoopbackServer(
    withCors(async (request, body) => {
      const params = new URLSearchParams(body.toString('utf8'));
      try {
        if (request.method !== 'POST') throw new StsError(400, 'InvalidAction', 'POST a Query request');
        const action = params.get('Action');
        if (params.get('Version') !== '2011-06-15')
          throw new StsError(400, 'InvalidParameterValue', 'Version');
        if (action === 'AssumeRoleWithWebIdentity')
          return ok(action, await assumeRoleWithWebIdentity(options, params));
        if (action === 'AssumeRole') return ok(action, await assumeRole(options, request, params));
        throw new StsError(400, 'InvalidAction', `${action} is not modelled by the local STS`);
      } catch (error) {
        if (error instanceof StsError) return fault(error);
        throw error;
      }
    }, options.corsOrigins ?? []),
    options.port,
  );
}

interface Common {
  readonly roleId: string;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** The inline session policy (`Policy`), if the request passed one. */
  readonly sessionPolicy?: PolicyDocument;
}

/** The parameters both actions share, checked as STS checks them. */
function common(model: StackModel, params: URLSearchParams, maxDuration: number): Common {
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  if (!ROLE_SESSION_NAME.test(sessionName)) throw new StsError(400, 'ValidationError', 'RoleSessionName');
  // Inline session policies narrow the session (the S3 front simulates the intersection); managed
  // ones (`PolicyArns`) would need the account's managed policies, which are not modelled.
  if ([...params.keys()].some((k) => k.startsWith('PolicyArns')))
    throw new StsError(400, 'ValidationError', 'Managed session policies are not modelled by the local STS');
  const sessionPolicy = inlineSessionPolicy(params.get('Policy'));
  const durationSeconds = Number(params.get('DurationSeconds') ?? DEFAULT_DURATION);
  const roleId = model.roleIdOf(roleArn);
  if (!roleId) throw new StsError(403, 'AccessDenied', `Not authorized to assume ${roleArn}`);
  const cap = Math.min(model.maxSessionSecondsOf(roleId), maxDuration);
  if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION || durationSeconds > cap) {
    // "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    throw new StsError(400, 'ValidationError', `DurationSeconds must be ${MIN_DURATION}..${cap}`);
  }
  return { roleId, roleArn, sessionName, durationSeconds, ...(sessionPolicy ? { sessionPolicy } : {}) };
}

/**
 * AssumeRole's `Policy`: "The plaintext that you use for both inline and managed session policies
 * can't exceed 2,048 characters" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html);
 * STS answers a malformed document with MalformedPolicyDocument.
 */
function inlineSessionPolicy(policy: string | null): PolicyDocument | undefined {
  if (policy === null) return undefined;
  if (policy.length > SESSION_POLICY_MAX_CHARS)
    throw new StsError(
      400,
      'ValidationError',
      `Policy must be at most ${SESSION_POLICY_MAX_CHARS} characters`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch {
    throw new StsError(400, 'MalformedPolicyDocument', 'The session policy is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed))
    throw new StsError(400, 'MalformedPolicyDocument', 'The session policy has no Statement');
  return parsed as PolicyDocument;
}

async function assumeRoleWithWebIdentity(options: CredentialEndpointOptions, params: URLSearchParams) {
  const { model, sessions } = options;
  const token = params.get('WebIdentityToken') ?? '';
  const request = common(model, params, Number.MAX_SAFE_INTEGER);
  const issuer = options.issuers.find((i) => i.iss === unverifiedIssuer(token));
  const provider = model.oidcProviders.find((p) => p.name === issuer?.providerName);
  // STS finds the IAM OIDC provider by the token's issuer, and checks `aud` against its client ids.
  if (!issuer || !provider)
    throw new StsError(400, 'InvalidIdentityToken', 'No OpenIDConnect provider found');
  const claims = await issuer.verify(token, provider.clientIds).catch((error: { code?: string }) => {
    if (error.code === 'ERR_JWT_EXPIRED') throw new StsError(400, 'ExpiredTokenException', 'Token expired');
    throw new StsError(400, 'InvalidIdentityToken', `The token is not valid (${error.code})`);
  });
  const tags = webIdentityTags(claims[TAGS_CLAIM]);
  if ([claims.aud].flat().length !== 1)
    throw new StsError(400, 'InvalidIdentityToken', 'One audience is modelled');
  const context: RequestContext = { ...webIdentityTrustContext(claims, provider.name), ...requestTags(tags) };
  await requireTrust(model, request, provider.arn, context, Object.keys(tags).length > 0);
  const session = sessions.issue({
    roleLogicalId: request.roleId,
    roleArn: request.roleArn,
    sessionArn: sessionArnOf(model.template, request.roleId, request.sessionName),
    tags,
    context: webIdentitySessionContext(claims, provider.name),
    issuedBy: `AssumeRoleWithWebIdentity (${provider.name})`,
    durationSeconds: request.durationSeconds,
  });
  return (
    `<SubjectFromWebIdentityToken>${xmlText(claims.sub)}</SubjectFromWebIdentityToken>` +
    `<Audience>${xmlText(String(claims.aud))}</Audience>` +
    `<Provider>${xmlText(provider.name)}</Provider>` +
    assumedRoleXml(model, request, session)
  );
}

async function assumeRole(
  options: CredentialEndpointOptions,
  http: IncomingMessage,
  params: URLSearchParams,
) {
  const { model, sessions } = options;
  const caller = callerSession(sessions, http);
  // A role session assuming a role is role chaining: at most one hour.
  const request = common(model, params, ROLE_CHAINING_MAX);
  const tags: Record<string, string> = {};
  for (let n = 1; params.has(`Tags.member.${n}.Key`); n++) {
    tags[params.get(`Tags.member.${n}.Key`)!] = params.get(`Tags.member.${n}.Value`) ?? '';
  }
  const context = { ...sessionContext(caller), ...requestTags(tags) };
  await requireTrust(model, request, caller.sessionArn, context, Object.keys(tags).length > 0, caller);
  const session = sessions.issue({
    roleLogicalId: request.roleId,
    roleArn: request.roleArn,
    sessionArn: sessionArnOf(model.template, request.roleId, request.sessionName),
    tags,
    context: {},
    issuedBy: `AssumeRole by ${caller.sessionArn}`,
    durationSeconds: request.durationSeconds,
    ...(request.sessionPolicy ? { sessionPolicy: request.sessionPolicy } : {}),
  });
  return assumedRoleXml(model, request, session);
}

/**
 * The caller of a signed STS request, by the access key in its Authorization header and the
 * session token it must carry. The signature itself is not recomputed here (see README).
 */
function callerSession(sessions: SessionStore, http: IncomingMessage): Session {
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(String(http.headers.authorization ?? ''))?.[1];
  const session = accessKeyId ? sessions.find(accessKeyId) : undefined;
  if (!session || http.headers['x-amz-security-token'] !== session.credentials.sessionToken)
    throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (sessions.isExpired(session))
    throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
  return session;
}

/** The trust policy must allow the action, and `sts:TagSession` too when the request sets tags. */
async function requireTrust(
  model: StackModel,
  request: Common,
  principal: string,
  context: RequestContext,
  tagged: boolean,
  caller?: Session,
) {
  const action: TrustAction = caller ? 'sts:AssumeRole' : 'sts:AssumeRoleWithWebIdentity';
  const actions: TrustAction[] = tagged ? [action, 'sts:TagSession'] : [action];
  for (const asked of actions) {
    const decision = await decideTrust({
      trustPolicy: trustPolicyOf(model.template, request.roleId),
      action: asked,
      principal,
      roleArn: request.roleArn,
      context,
      // Same account: the caller's own policies must allow it too, and their denies apply.
      callerIdentityPolicies: caller && identityPoliciesOf(model.template, caller.roleLogicalId),
    });
    if (decision !== 'Allowed') {
      throw new StsError(403, 'AccessDenied', `Not authorized to perform ${asked} (${decision})`);
    }
  }
}

function requestTags(tags: Readonly<Record<string, string>>): RequestContext {
  const keys = Object.keys(tags);
  return keys.length === 0
    ? {}
    : {
        ...Object.fromEntries(keys.map((k) => [`aws:RequestTag/${k}`, tags[k]])),
        'aws:TagKeys': keys,
      };
}

/** `principal_tags` of the tags claim: each tag's value is the first of its list. */
function webIdentityTags(claim: unknown): Record<string, string> {
  if (claim === undefined) return {};
  const tags = (claim as { principal_tags?: unknown } | null)?.principal_tags;
  if (typeof tags !== 'object' || tags === null) throw new StsError(400, 'InvalidIdentityToken', TAGS_CLAIM);
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String([v].flat()[0])]));
}

function assumedRoleXml(model: StackModel, request: Common, session: Session): string {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = session.credentials;
  const roleId = model.template.getAtt(request.roleId, 'RoleId');
  return (
    `<AssumedRoleUser><Arn>${xmlText(session.sessionArn)}</Arn>` +
    `<AssumedRoleId>${roleId}:${xmlText(request.sessionName)}</AssumedRoleId></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${xmlText(secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlText(sessionToken)}</SessionToken>` +
    `<Expiration>${expiration.toISOString()}</Expiration></Credentials>`
  );
}

function ok(action: string, result: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function fault(error: StsError): Reply {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.code}</Code>` +
      `<Message>${xmlText(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}
