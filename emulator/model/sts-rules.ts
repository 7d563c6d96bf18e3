/**
 * AWS STS `AssumeRole` as the presign Lambda calls it (role chaining: the caller is itself a role
 * session), read from a synthesized (resolved) template. `StsAssumeRoleModel` answers the real
 * `CallerSessions` (lambda/presign/credentials.ts) the way STS would.
 */
import type { AssumeRoleCommand, AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import type { AssumeRoleClient } from '../../lambda/presign/credentials';
import type { ResolvedTemplate } from '../iam/resolve-template';
import {
  bucketPolicyOf,
  decide,
  decideTrust,
  identityPoliciesOf,
  PolicyDocument,
  sessionArnOf,
  trustPolicyOf,
} from '../iam/simulate';
import type { Decision, RequestContext } from '../iam/simulate';
import { resourceNamed } from './template-query';

/**
 * "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour ... if you
 * assume a role using role chaining and provide a DurationSeconds parameter value greater than one
 * hour, the operation fails" (AssumeRole, DurationSeconds,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html). The same parameter
 * ranges from 900 s up to the role's MaxSessionDuration, which defaults to one hour.
 */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
export const MIN_SESSION_SECONDS = 900;
const DEFAULT_MAX_SESSION_SECONDS = 3600;
/**
 * AssumeRole's `Policy`: "The plaintext that you use for both inline and managed session policies
 * can't exceed 2,048 characters" (AssumeRole, Policy,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
export const SESSION_POLICY_MAX_CHARS = 2048;

/** A session the model issued: its role and, if the request passed one, its inline session policy. */
export interface ModelSession {
  readonly roleId: string;
  readonly sessionName: string;
  readonly sessionPolicy?: PolicyDocument;
}

export class StsError extends Error {
  constructor(
    readonly code: 'ValidationError' | 'AccessDenied',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

export interface StsAssumeRoleModelOptions {
  readonly template: ResolvedTemplate;
  /** The calling role (the function's execution role) and the function its session runs in. */
  readonly callerRoleId: string;
  readonly callerFunctionArn: string;
  readonly now?: () => Date;
}

/** Every AssumeRole request it answered, as sent. */
export class StsAssumeRoleModel implements AssumeRoleClient {
  readonly requests: AssumeRoleCommand['input'][] = [];
  /** The sessions issued, by access key id. */
  readonly sessions = new Map<string, ModelSession>();

  constructor(private readonly options: StsAssumeRoleModelOptions) {}

  async send(command: AssumeRoleCommand): Promise<AssumeRoleCommandOutput> {
    const input = command.input;
    this.requests.push(input);
    const { template, callerRoleId, callerFunctionArn } = this.options;
    const role = resourceNamed(template, 'AWS::IAM::Role', input.RoleArn);
    if (!role) throw new StsError('AccessDenied', `No role ${input.RoleArn}`);
    const duration = input.DurationSeconds ?? 3600;
    const roleMax = Number(role.props.MaxSessionDuration ?? DEFAULT_MAX_SESSION_SECONDS);
    if (duration > ROLE_CHAINING_MAX_SECONDS)
      throw new StsError(
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    if (duration < MIN_SESSION_SECONDS || duration > roleMax)
      throw new StsError('ValidationError', `DurationSeconds ${duration} is outside 900..${roleMax}`);
    const sessionPolicy = parseSessionPolicy(input.Policy);

    // Passing session tags needs sts:TagSession as well as sts:AssumeRole, each allowed by the
    // trust policy and the caller's policies ("Passing session tags in AWS STS", permissions
    // required to tag sessions, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html).
    const tags = input.Tags ?? [];
    const context = {
      'lambda:SourceFunctionArn': callerFunctionArn,
      ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, String(t.Value)])),
      ...(tags.length > 0 ? { 'aws:TagKeys': tags.map((t) => String(t.Key)) } : {}),
    };
    const actions = ['sts:AssumeRole', ...(tags.length > 0 ? ['sts:TagSession' as const] : [])] as const;
    for (const action of actions) {
      const decision = await decideTrust({
        trustPolicy: trustPolicyOf(template, role.id),
        action,
        principal: sessionArnOf(template, this.options.callerRoleId, 'presign-fn'),
        roleArn: String(input.RoleArn),
        context,
        callerIdentityPolicies: identityPoliciesOf(template, callerRoleId),
      });
      if (decision !== 'Allowed')
        throw new StsError('AccessDenied', `${action} on ${input.RoleArn}: ${decision}`);
    }
    const now = this.options.now?.() ?? new Date();
    const accessKeyId = `ASIAMODEL${String(this.requests.length).padStart(10, '0')}`;
    this.sessions.set(accessKeyId, {
      roleId: role.id,
      sessionName: String(input.RoleSessionName),
      ...(sessionPolicy ? { sessionPolicy } : {}),
    });
    return {
      $metadata: {},
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: 'model-secret',
        SessionToken: 'model-token',
        Expiration: new Date(now.getTime() + duration * 1000),
      },
    };
  }
}

/**
 * A presigned URL signed with temporary credentials stops working when they expire: "If you
 * created a presigned URL using a temporary credential, the URL expires when the credential
 * expires. In general, a presigned URL expires when the credential you used to create it is
 * revoked, deleted, or deactivated" (S3, "Sharing objects with presigned URLs",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html).
 * So the longest URL the Lambda hands out must end before the session it signs with.
 */
export function urlOutlivesSession(urlExpirySeconds: number, sessionSeconds: number): boolean {
  return urlExpirySeconds > sessionSeconds;
}

/** The inline session policy of a request: at most 2,048 characters of a JSON policy document. */
function parseSessionPolicy(policy: string | undefined): PolicyDocument | undefined {
  if (policy === undefined) return undefined;
  if (policy.length > SESSION_POLICY_MAX_CHARS)
    throw new StsError(
      'ValidationError',
      `Policy is ${policy.length} characters, over ${SESSION_POLICY_MAX_CHARS}`,
    );
  try {
    const parsed = JSON.parse(policy) as PolicyDocument;
    if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed))
      throw new Error('no Statement');
    return parsed;
  } catch (error) {
    throw new StsError('ValidationError', `Policy is not a policy document: ${(error as Error).message}`);
  }
}

/**
 * What a session the model issued may do on the data bucket: its role's identity policies AND its
 * session policy, with the bucket policy. "The resulting session's permissions are the
 * intersection of the role's identity-based policy and the session policies ... You cannot use
 * session policies to grant more permissions than those allowed by the identity-based policy of
 * the role that is being assumed" (IAM user guide, "Permissions for AssumeRole",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html;
 * the evaluation logic is the simulator's).
 */
export function decideAsSession(
  template: ResolvedTemplate,
  session: ModelSession,
  dataBucketId: string,
  request: { action: string; resource: string; context?: RequestContext },
): Promise<Decision> {
  return decide({
    identityPolicies: identityPoliciesOf(template, session.roleId),
    resourcePolicy: bucketPolicyOf(template, dataBucketId),
    sessionPolicy: session.sessionPolicy,
    action: request.action,
    resource: request.resource,
    principal: sessionArnOf(template, session.roleId, session.sessionName),
    context: request.context,
  });
}
