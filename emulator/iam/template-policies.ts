import { ResolvedTemplate } from './resolve-template';

/** An IAM policy document as it appears in a resolved template. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: unknown;
}

/** A policy attached to an identity, named after where it came from (shown in failures). */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/**
 * Faithful stand-ins for the AWS managed policies the stack may attach; their real text is not
 * in the template. Any other AWS managed policy fails loudly rather than being guessed.
 */
const AWS_MANAGED_POLICIES: Readonly<Record<string, PolicyDocument>> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: '*',
      },
    ],
  },
};

type Resource = ResolvedTemplate['resources'][string];

function resourceOfType(template: ResolvedTemplate, logicalId: string, type: string): Resource {
  const resource = template.resources[logicalId];
  if (!resource) throw new Error(`No resource ${logicalId} in the template`);
  if (resource.Type !== type) throw new Error(`${logicalId} is a ${resource.Type}, not a ${type}`);
  return resource;
}

function ofType(template: ResolvedTemplate, type: string): [string, Resource][] {
  return Object.entries(template.resources).filter(([, r]) => r.Type === type);
}

const listOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

function roleResource(template: ResolvedTemplate, roleLogicalId: string): Resource {
  const role = resourceOfType(template, roleLogicalId, 'AWS::IAM::Role');
  // A boundary would only narrow what the role may do; simulating without it could show an allow
  // that AWS refuses, so refuse to pretend until the helper supports it.
  if (role.Properties.PermissionsBoundary !== undefined) {
    throw new Error(`${roleLogicalId} has a PermissionsBoundary, which these helpers do not simulate`);
  }
  return role;
}

/**
 * Every identity policy that applies to a role: `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
 * resources attached through their `Roles`, the role's inline `Policies`, and its `ManagedPolicyArns`
 * (template managed policies, or known AWS managed policies).
 */
export function identityPoliciesOf(template: ResolvedTemplate, roleLogicalId: string): NamedPolicy[] {
  // A frozen template (see resolveTemplate) cannot change: its roles' policies are gathered once.
  if (!Object.isFrozen(template)) return gatherIdentityPolicies(template, roleLogicalId);
  const byRole = policiesOfFrozen.get(template) ?? new Map<string, NamedPolicy[]>();
  policiesOfFrozen.set(template, byRole);
  const known = byRole.get(roleLogicalId) ?? Object.freeze(gatherIdentityPolicies(template, roleLogicalId));
  byRole.set(roleLogicalId, known);
  return [...known];
}

const policiesOfFrozen = new WeakMap<ResolvedTemplate, Map<string, readonly NamedPolicy[]>>();

function gatherIdentityPolicies(template: ResolvedTemplate, roleLogicalId: string): NamedPolicy[] {
  const role = roleResource(template, roleLogicalId);
  const roleName = template.ref(roleLogicalId);
  const attachedByRoles = (type: string) =>
    ofType(template, type)
      .filter(([, r]) => listOf(r.Properties.Roles).includes(roleName))
      .map(([id, r]) => ({ name: `${type} ${id}`, policy: r.Properties.PolicyDocument as PolicyDocument }));

  const inline = listOf(role.Properties.Policies).map((p) => {
    const { PolicyName, PolicyDocument } = p as { PolicyName: string; PolicyDocument: PolicyDocument };
    return { name: `${roleLogicalId} inline ${PolicyName}`, policy: PolicyDocument };
  });

  const byArn = listOf(role.Properties.ManagedPolicyArns).map((arn) =>
    managedPolicyByArn(template, String(arn)),
  );
  const all = [
    ...attachedByRoles('AWS::IAM::Policy'),
    ...inline,
    ...attachedByRoles('AWS::IAM::ManagedPolicy'),
  ];
  for (const policy of byArn) if (!all.some((p) => p.name === policy.name)) all.push(policy);
  return all;
}

function managedPolicyByArn(template: ResolvedTemplate, arn: string): NamedPolicy {
  const local = ofType(template, 'AWS::IAM::ManagedPolicy').find(([id]) => template.ref(id) === arn);
  if (local) {
    const [id, resource] = local;
    return {
      name: `AWS::IAM::ManagedPolicy ${id}`,
      policy: resource.Properties.PolicyDocument as PolicyDocument,
    };
  }
  const awsManaged = /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
  const policy = awsManaged === undefined ? undefined : AWS_MANAGED_POLICIES[awsManaged];
  if (!policy)
    throw new Error(`Unknown managed policy ${arn}: add a faithful stand-in to template-policies.ts`);
  return { name: `AWS managed ${awsManaged}`, policy };
}

/** The role's trust policy (`AssumeRolePolicyDocument`). */
export function trustPolicyOf(template: ResolvedTemplate, roleLogicalId: string): PolicyDocument {
  const document = roleResource(template, roleLogicalId).Properties.AssumeRolePolicyDocument;
  if (!document) throw new Error(`${roleLogicalId} has no AssumeRolePolicyDocument`);
  return document as PolicyDocument;
}

/** The bucket policy attached to a bucket, if there is one (at most one is allowed by S3). */
export function bucketPolicyOf(
  template: ResolvedTemplate,
  bucketLogicalId: string,
): PolicyDocument | undefined {
  resourceOfType(template, bucketLogicalId, 'AWS::S3::Bucket');
  const bucketName = template.ref(bucketLogicalId);
  const policies = ofType(template, 'AWS::S3::BucketPolicy').filter(
    ([, r]) => r.Properties.Bucket === bucketName,
  );
  if (policies.length > 1) throw new Error(`${bucketLogicalId} has ${policies.length} bucket policies`);
  return policies[0]?.[1].Properties.PolicyDocument as PolicyDocument | undefined;
}

/** The ARN a session of the role acts as, e.g. `arn:aws:sts::<account>:assumed-role/<name>/<session>`. */
export function sessionArnOf(template: ResolvedTemplate, roleLogicalId: string, sessionName: string): string {
  const { partition, account } = template.env;
  return `arn:${partition}:sts::${account}:assumed-role/${template.ref(roleLogicalId)}/${sessionName}`;
}
