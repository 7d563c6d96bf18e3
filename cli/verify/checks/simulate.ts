import { ContextEntry, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { issuerHostAndPath, OKTA_SUB_TAG } from '../../../lib/policy/user-prefix-names';
import { CheckResult, guarded, skip, verdict } from '../check';
import { buildMatrix, Decision, MatrixCase, RequestContext, runMatrix } from '../matrix';
import { Outputs } from '../outputs';

/** One route's role and the request context that names its user. */
export interface SimulatedRoute {
  readonly check: string;
  readonly roleArn?: string;
  /** Output that names the role, for the SKIP message when it is absent. */
  readonly output: string;
  readonly identity: (sub: string) => Record<string, string>;
}

/** The SKIP row of a route whose role the outputs file does not name (a stack deployed before it). */
export function missingRoleOutput(route: { check: string; output: string }, expected: string): CheckResult {
  return skip(
    route.check,
    expected,
    `The outputs file has no ${route.output} output: redeploy the current stack.`,
  );
}

export function simulatedRoutes(o: Outputs): SimulatedRoute[] {
  const tag = (sub: string) => ({ [`aws:PrincipalTag/${OKTA_SUB_TAG}`]: sub });
  return [
    { check: 'iam.route1', roleArn: o.IdentityPoolRoleArn, output: 'IdentityPoolRoleArn', identity: tag },
    {
      check: 'iam.route2',
      roleArn: o.WebIdentityRoleArn,
      output: 'WebIdentityRoleArn',
      identity: (sub) => ({ [`${issuerHostAndPath(o.OktaIssuer)}:sub`]: sub }),
    },
    { check: 'iam.route3', roleArn: o.PresignRoleArn, output: 'PresignRoleArn', identity: tag },
  ];
}

const DECISIONS: Record<string, Decision> = {
  allowed: 'Allowed',
  explicitDeny: 'ExplicitlyDenied',
  implicitDeny: 'ImplicitlyDenied',
};

export const contextEntries = (context: RequestContext): ContextEntry[] =>
  Object.entries(context).map(([ContextKeyName, value]) => ({
    ContextKeyName,
    ContextKeyValues: typeof value === 'string' ? [value] : [...value],
    ContextKeyType: typeof value === 'string' ? 'string' : 'stringList',
  }));

/**
 * Cases that can share one SimulatePrincipalPolicy call: same context, and together a full
 * actions × resources product (the API evaluates each action for each resource).
 */
export function batches(
  cases: readonly Pick<MatrixCase, 'user' | 'action' | 'resource' | 'context'>[],
  identity: SimulatedRoute['identity'],
) {
  const groups = new Map<string, { context: RequestContext; actions: Set<string>; resources: string[] }>();
  const byContextAndAction = new Map<string, string[]>();
  for (const c of cases) {
    const context = { ...identity(c.user.sub), ...c.context };
    const key = JSON.stringify(context);
    const resources = byContextAndAction.get(`${key}|${c.action}`) ?? [];
    resources.push(c.resource);
    byContextAndAction.set(`${key}|${c.action}`, resources);
  }
  for (const [contextAndAction, resources] of byContextAndAction) {
    const split = contextAndAction.lastIndexOf('|');
    const [key, action] = [contextAndAction.slice(0, split), contextAndAction.slice(split + 1)];
    const groupKey = `${key}|${JSON.stringify(resources)}`;
    const group = groups.get(groupKey) ?? { context: JSON.parse(key), actions: new Set(), resources };
    group.actions.add(action);
    groups.set(groupKey, group);
  }
  return [...groups.values()].map((g) => ({ ...g, actions: [...g.actions] }));
}

/**
 * Asks `iam:SimulatePrincipalPolicy` about each batch on a role, following its pages. Decisions are
 * keyed `<context JSON>|<action>|<resource>`; `missing` holds the context keys IAM said it lacked.
 */
export async function simulateBatches(
  client: IAMClient,
  roleArn: string,
  batchList: ReturnType<typeof batches>,
): Promise<{ decisions: Map<string, Decision>; missing: Set<string> }> {
  const decisions = new Map<string, Decision>();
  const missing = new Set<string>();
  for (const batch of batchList) {
    let Marker: string | undefined;
    do {
      const page = await client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: roleArn,
          ActionNames: batch.actions,
          ResourceArns: batch.resources,
          ContextEntries: contextEntries(batch.context),
          Marker,
        }),
      );
      for (const r of page.EvaluationResults ?? []) {
        decisions.set(
          `${JSON.stringify(batch.context)}|${r.EvalActionName}|${r.EvalResourceName}`,
          DECISIONS[r.EvalDecision ?? ''] ?? 'ImplicitlyDenied',
        );
        for (const key of r.MissingContextValues ?? []) missing.add(key);
      }
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
  }
  return { decisions, missing };
}

/**
 * AWS's own policy engine on the deployed roles: `iam:SimulatePrincipalPolicy` with the same
 * users × actions × keys matrix as the offline tests. The bucket policy cannot be included: a
 * ResourcePolicy needs a CallerArn, which may only be an IAM user
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html), so the
 * bucket policy's denies are read by the `bucket.policy.*` checks instead.
 */
export async function simulationChecks(client: IAMClient, o: Outputs): Promise<CheckResult[]> {
  const rows: CheckResult[] = [];
  for (const route of simulatedRoutes(o)) {
    const expected = 'own prefix allowed; other users, prefix extension, users/ and root denied';
    if (!route.roleArn) {
      rows.push(missingRoleOutput(route, expected));
      continue;
    }
    const roleArn = route.roleArn;
    const partition = roleArn.split(':')[1] || 'aws';
    const cases = buildMatrix({ bucketName: o.BucketName, partition });
    rows.push(
      ...(await guarded(route.check, expected, async () => {
        const { decisions, missing } = await simulateBatches(client, roleArn, batches(cases, route.identity));
        const summary = await runMatrix(cases, async (c) => {
          const key = `${JSON.stringify({ ...route.identity(c.user.sub), ...c.context })}|${c.action}|${c.resource}`;
          const decision = decisions.get(key);
          if (!decision) throw new Error(`IAM returned no decision for ${c.id}`);
          return decision;
        });
        const shown = summary.mismatches
          .slice(0, 5)
          .map((m) => `${m.id}: ${m.actual}, expected ${m.expected}`);
        return [
          verdict(
            route.check,
            summary.mismatches.length === 0,
            `${cases.length} decisions, ${cases.filter((c) => c.expected === 'Allowed').length} allowed, 0 cross-user`,
            `${summary.total} decisions, ${summary.allowed} allowed, ${summary.crossUserAllows} cross-user, ${summary.mismatches.length} unexpected`,
            `The deployed policies of ${roleArn} differ from the design (edited by hand, or another version deployed): ${shown.join('; ')}${summary.mismatches.length > 5 ? '; ...' : ''}.` +
              (missing.size ? ` IAM reported missing context values: ${[...missing].join(', ')}.` : '') +
              ' Redeploy the stack; run cdk diff to see what changed.',
          ),
        ];
      })),
    );
  }
  return rows;
}
