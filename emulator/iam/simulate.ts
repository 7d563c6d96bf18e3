/**
 * IAM decisions from @cloud-copilot/iam-simulate that cannot pass by accident.
 *
 * Every request first goes through `runSimulation`, which validates the policies, the action and
 * the resource type, and reports the context keys it drops. Its decision is used only if it dropped
 * nothing. Web-identity claim keys (`<issuer>:sub`, `cognito-identity.amazonaws.com:amr`, ...) are
 * dropped or cut to one value by design there, so those requests are evaluated again with
 * `runUnsafeSimulation`, which keeps the whole context. Any other dropped key throws.
 */
import { createHash } from 'crypto';
import {
  isConditionKeyArray,
  runSimulation,
  runUnsafeSimulation,
  typeForContextKey,
  type Simulation,
} from '@cloud-copilot/iam-simulate';
import type { Decision, RequestContext } from '../../cli/verify/matrix';
import { decisionMemoFromEnvironment } from './decision-memo';
import { NamedPolicy, PolicyDocument } from './template-policies';

export {
  bucketPolicyOf,
  identityPoliciesOf,
  sessionArnOf,
  trustPolicyOf,
  type NamedPolicy,
  type PolicyDocument,
} from './template-policies';

export type { Decision, RequestContext } from '../../cli/verify/matrix';

export interface DecideRequest {
  /** Policies of the calling principal (see `identityPoliciesOf`). */
  readonly identityPolicies: readonly NamedPolicy[];
  /** A resource policy evaluated with them, e.g. the bucket policy (see `bucketPolicyOf`). */
  readonly resourcePolicy?: PolicyDocument;
  readonly action: string;
  /**
   * The resource ARN. May not contain `*`: the simulator would treat it as a pattern. The one
   * exception is `*` alone, for actions that take no resource (the simulator answers
   * `must.use.wildcard` to any ARN for them, e.g. xray:PutTraceSegments).
   */
  readonly resource: string;
  /** The caller, e.g. an assumed-role session ARN or a federated principal. */
  readonly principal: string;
  readonly context?: RequestContext;
  /** The resource's account; defaults to the principal's (S3 ARNs carry none). */
  readonly resourceAccount?: string;
  /**
   * The inline session policy the session was created with (AssumeRole's `Policy`): the session may
   * do only what both it and the identity policies allow
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html).
   */
  readonly sessionPolicy?: PolicyDocument;
}

export type TrustAction = 'sts:AssumeRoleWithWebIdentity' | 'sts:TagSession' | 'sts:AssumeRole';

export interface TrustRequest {
  readonly trustPolicy: PolicyDocument;
  readonly action: TrustAction;
  /**
   * Who asks: `cognito-identity.amazonaws.com` (route 1), the OIDC provider ARN (route 2) or a
   * role session ARN (`sts:AssumeRole`). Must be exactly what the trust policy's `Principal` names.
   */
  readonly principal: string;
  readonly roleArn: string;
  readonly context?: RequestContext;
  /** The caller's own policies, for `sts:AssumeRole` from a role. */
  readonly callerIdentityPolicies?: readonly NamedPolicy[];
}

/** How a decision was reached, for failure messages and for tests of this helper. */
export interface Outcome {
  readonly decision: Decision;
  /** `validated`: runSimulation alone. `unvalidated`: re-run with `reevaluatedKeys` kept. */
  readonly engine: 'validated' | 'unvalidated';
  readonly reevaluatedKeys: readonly string[];
}

/**
 * Thrown when runSimulation reports a context key as ignored (or would keep only the first of its
 * values) and it is not a web-identity claim key that can be re-evaluated.
 */
export class IgnoredContextKeyError extends Error {
  constructor(
    readonly keys: readonly string[],
    request: string,
  ) {
    super(
      `The simulator ignores (or cuts to one value) context key(s) ${keys.join(', ')} for ${request}. ` +
        'A decision without them could pass a test by accident: fix the key name, or drop it if the ' +
        'action has no such key.',
    );
  }
}

/**
 * Web-identity claim keys: `<provider>:<claim>` where the provider is `cognito-identity.amazonaws.com`
 * or an OIDC issuer's host and path (`test.okta.example/oauth2/default`). IAM puts them into every
 * request of a web-identity session, but iam-simulate's validated path only knows a few fixed
 * providers, and only for STS actions, so it drops the rest (and keeps a single value of `amr`).
 * Only these keys (and KMS encryption-context keys, below) are re-evaluated unvalidated; any other
 * dropped key throws.
 */
const WEB_IDENTITY_CLAIM_KEY = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/[^\s:]*)?:(aud|sub|amr|oaud|azp)$/i;

/** Whether a dropped key is a web-identity claim key. */
export function isWebIdentityClaimKey(key: string): boolean {
  return WEB_IDENTITY_CLAIM_KEY.test(key);
}

/**
 * `kms:EncryptionContext:<context-key>`: KMS documents it for its cryptographic operations
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context),
 * but iam-simulate's validated path matches variable keys only after a `/` (`aws:PrincipalTag/x`),
 * so it drops this one. Re-evaluated only for `kms:` actions.
 */
const KMS_ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:[^\s]+$/i;

/** Whether a key the validated run dropped for `action` may be re-evaluated rather than fail it. */
export function isReevaluableKey(key: string, action: string): boolean {
  return isWebIdentityClaimKey(key) || (/^kms:/i.test(action) && KMS_ENCRYPTION_CONTEXT_KEY.test(key));
}

/** The IAM decision for an identity (plus optional resource policy) request. */
export async function decide(request: DecideRequest): Promise<Decision> {
  return (await simulate(request)).decision;
}

/** Like `decide`, with how the decision was reached. */
export async function simulate(request: DecideRequest): Promise<Outcome> {
  const accountId = request.resourceAccount ?? accountOf(request.principal);
  if (!accountId) throw new Error(`resourceAccount is required for principal ${request.principal}`);
  return evaluate({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId },
      contextVariables: copyContext(request.context),
    },
    identityPolicies: request.identityPolicies.map(({ name, policy }) => ({ name, policy })),
    resourcePolicy: request.resourcePolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.sessionPolicy ? { sessionPolicy: request.sessionPolicy } : {}),
  });
}

/**
 * The decision of a role's trust policy, evaluated as the role's resource policy. For web identity
 * the federated principal has no identity policies, so the trust policy alone decides.
 */
export async function decideTrust(request: TrustRequest): Promise<Decision> {
  return (await simulateTrust(request)).decision;
}

export async function simulateTrust(request: TrustRequest): Promise<Outcome> {
  const accountId = accountOf(request.roleArn);
  if (!accountId || !/^arn:[^:]+:iam::\d{12}:role\//.test(request.roleArn)) {
    throw new Error(`roleArn must be an IAM role ARN, got ${request.roleArn}`);
  }
  return evaluate({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.roleArn, accountId },
      contextVariables: copyContext(request.context),
    },
    identityPolicies: (request.callerIdentityPolicies ?? []).map(({ name, policy }) => ({ name, policy })),
    resourcePolicy: request.trustPolicy,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  });
}

const memo = decisionMemoFromEnvironment<Outcome>();

async function evaluate(simulation: Simulation): Promise<Outcome> {
  return memo
    ? memo.recall(memoKey(simulation), () => simulateAfresh(simulation))
    : simulateAfresh(simulation);
}

/**
 * The whole simulation, with each policy document by its digest: a test run asks thousands of
 * questions of the same few documents, which the memo would otherwise serialize and hash each time.
 */
function memoKey(simulation: Simulation): unknown {
  return {
    ...simulation,
    identityPolicies: simulation.identityPolicies.map(({ name, policy }) => ({
      name,
      policy: digestOf(policy),
    })),
    resourcePolicy: simulation.resourcePolicy && digestOf(simulation.resourcePolicy),
  };
}

/** Digests of frozen documents (a frozen template's: see resolveTemplate), which cannot change. */
const frozenDigests = new WeakMap<object, string>();

function digestOf(document: unknown): string {
  const frozen = typeof document === 'object' && document !== null && Object.isFrozen(document);
  const known = frozen ? frozenDigests.get(document) : undefined;
  if (known) return known;
  const digest = createHash('sha256').update(JSON.stringify(document)).digest('base64url');
  if (frozen) frozenDigests.set(document, digest);
  return digest;
}

async function simulateAfresh(simulation: Simulation): Promise<Outcome> {
  const { action, resource, contextVariables } = simulation.request;
  const described = `${action} on ${resource.resource}`;
  if (resource.resource !== '*' && resource.resource.includes('*'))
    throw new Error(`Resource ${resource.resource} contains '*'`);

  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`The simulator rejected ${described}: ${JSON.stringify(result.errors)}`);
  }
  if (result.resultType !== 'single')
    throw new Error(`Unexpected ${result.resultType} result for ${described}`);

  const ignored = result.result.ignoredContextKeys ?? [];
  const kept = Object.keys(contextVariables).filter((key) => !ignored.includes(key));
  const truncated = await arraysTruncatedToOneValue(kept, contextVariables);
  const reevaluatedKeys = [...ignored, ...truncated];
  if (reevaluatedKeys.length === 0) {
    return { decision: result.overallResult, engine: 'validated', reevaluatedKeys };
  }
  const unsupported = reevaluatedKeys.filter((key) => !isReevaluableKey(key, action));
  if (unsupported.length > 0) throw new IgnoredContextKeyError(unsupported, described);
  // runUnsafeSimulation drops the session policy (iam-simulate 0.1.x passes `sessionPolicy:
  // undefined` there), so such a decision would ignore it: refuse to give one.
  if (simulation.sessionPolicy)
    throw new Error(
      `Cannot re-evaluate ${described} with a session policy (keys ${reevaluatedKeys.join(', ')})`,
    );

  // runSimulation validated the policies, the action and the resource type above; this run only
  // evaluates the same request with the claim keys it would have dropped or cut to one value.
  const context = await normalizeForUnvalidatedRun(simulation, ignored);
  const decision = runUnsafeSimulation(
    {
      ...simulation,
      request: { ...simulation.request, contextVariables: context },
      resourcePolicy: simulation.resourcePolicy && namedResourcePolicy(simulation.resourcePolicy),
    },
    {},
  );
  return { decision, engine: 'unvalidated', reevaluatedKeys };
}

/** Keys passed with several values that the simulator types as single-valued: it would keep the first. */
async function arraysTruncatedToOneValue(keys: string[], context: Simulation['request']['contextVariables']) {
  const truncated: string[] = [];
  for (const key of keys) {
    const value = context[key];
    if (Array.isArray(value) && !isConditionKeyArray(await typeForContextKey(key.toLowerCase())))
      truncated.push(key);
  }
  return truncated;
}

/**
 * The context runSimulation would pass on, but with the web-identity claim keys kept as given:
 * a single value for a multi-valued key becomes a list, as runSimulation does.
 */
async function normalizeForUnvalidatedRun(simulation: Simulation, ignored: readonly string[]) {
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(simulation.request.contextVariables)) {
    const multi = !ignored.includes(key) && isConditionKeyArray(await typeForContextKey(key.toLowerCase()));
    context[key] = multi ? [value].flat() : value;
  }
  return context;
}

/**
 * runUnsafeSimulation loads a raw resource policy without a name and then crashes reading it
 * ("Cannot read properties of undefined (reading 'name')"). iam-policy's `ValidatedPolicy` shape
 * carries a name; the document was validated by the runSimulation call just before.
 */
function namedResourcePolicy(policyDocument: unknown) {
  return { __validated: true, policyDocument, metadata: { name: 'resource policy' }, errors: [] };
}

function copyContext(context: RequestContext = {}): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]));
}

function accountOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && /^\d{12}$/.test(parts[4] ?? '') ? parts[4] : undefined;
}
