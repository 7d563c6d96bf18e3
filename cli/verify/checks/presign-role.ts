import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { OKTA_SUB_TAG } from '../../../lib/policy/user-prefix-names';
import { TEAMS_CLAIM } from '../../../lib/policy/team-folder-names';
import { CheckResult, guarded, skip, verdict } from '../check';
import { Outputs } from '../outputs';
import { contextEntries } from './simulate';

interface TrustStatement {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const TAG = `aws:RequestTag/${OKTA_SUB_TAG}`;
/** With team folders, the session also carries the memberships (`okta_teams`), and only with the claim's characters. */
const TEAMS_TAG = `aws:RequestTag/${TEAMS_CLAIM}`;
const TRUSTED_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/** What is wrong with one Allow statement of the presign role's trust, if anything. */
function trustProblems(s: TrustStatement, handlerRoleArn: string | undefined): string[] {
  const problems: string[] = [];
  const principal = s.Principal as { AWS?: string | string[] } | string | undefined;
  const aws = typeof principal === 'object' ? list(principal.AWS) : [];
  const otherKinds = typeof principal === 'object' ? Object.keys(principal).filter((k) => k !== 'AWS') : [];
  const isHandler = (p: string) =>
    handlerRoleArn ? p === handlerRoleArn : /^arn:[^:]+:iam::\d{12}:role\/.+/.test(p);
  if (principal === '*' || otherKinds.length || aws.length !== 1 || !isHandler(aws[0]))
    problems.push(`trusts ${JSON.stringify(principal)}`);
  const extra = list(s.Action).filter((a) => !TRUSTED_ACTIONS.includes(a));
  if (extra.length) problems.push(`allows ${extra.join(', ')}`);
  const c = s.Condition ?? {};
  if (!list(c.StringLike?.[TAG] as string | string[]).includes('?*'))
    problems.push(`does not require a non-empty ${TAG}`);
  const keys = list(c['ForAllValues:StringEquals']?.['aws:TagKeys'] as string | string[]);
  const teams = keys.length === 2 && keys.includes(TEAMS_CLAIM);
  if (!keys.includes(OKTA_SUB_TAG) || (keys.length !== 1 && !teams))
    problems.push(`allows tags other than ${OKTA_SUB_TAG} (and ${TEAMS_CLAIM})`);
  if (teams && !list(c.StringNotLike?.[TEAMS_TAG] as string | string[]).includes('*/*'))
    problems.push(`accepts a ${TEAMS_CLAIM} value with a /`);
  if (!list(c.StringNotLike?.[TAG] as string | string[]).includes('*/*'))
    problems.push(`accepts a ${OKTA_SUB_TAG} value with a /`);
  return problems;
}

/**
 * The presign role's trust as IAM holds it now: only the Lambda's execution role, only with a
 * non-empty `okta_sub` session tag (no value with a `/`) and no other tag. GetRole returns the trust
 * policy URL-encoded (RFC 3986), https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html.
 */
async function trustCheck(client: IAMClient, o: Outputs, presignRoleArn: string): Promise<CheckResult[]> {
  const check = 'presign-role.trust';
  const expected = `only ${o.PresignHandlerRoleArn ?? 'the presign Lambda role'}, tagged ${OKTA_SUB_TAG} only`;
  return guarded(check, expected, async () => {
    const RoleName = presignRoleArn.split('/').pop();
    const { Role } = await client.send(new GetRoleCommand({ RoleName }));
    const document = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '%7B%7D'));
    const allows = list<TrustStatement>(document.Statement).filter((s) => s.Effect === 'Allow');
    const problems = allows.flatMap((s) => trustProblems(s, o.PresignHandlerRoleArn));
    if (!allows.length) problems.push('no Allow statement');
    return [
      verdict(
        check,
        problems.length === 0,
        expected,
        problems.length ? problems.join('; ') : expected,
        "The presign role's trust was widened: a principal that can assume it with any tag signs URLs into any user's prefix. Redeploy the stack and find the change in CloudTrail (UpdateAssumeRolePolicy).",
      ),
    ];
  });
}

/**
 * Lambda puts `lambda:SourceFunctionArn` into every call made with the function's credentials from
 * its execution environment, and the key is usable in identity policies only
 * (https://docs.aws.amazon.com/lambda/latest/dg/permissions-source-function-arn.html). The
 * execution role denies assuming the presign role unless the key is the function's ARN; a missing
 * key makes `ArnNotEquals` true (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html:
 * a negated operator matches when the key is absent), so the role's credentials used anywhere else
 * are denied. AWS's own engine is asked all three cases.
 */
async function sourceFunctionCheck(
  client: IAMClient,
  handlerRoleArn: string,
  functionArn: string,
  presignRoleArn: string,
): Promise<CheckResult[]> {
  const check = 'presign-role.source-function';
  const tagged = { [TAG]: 'verify', 'aws:TagKeys': [OKTA_SUB_TAG] };
  const otherFunction = functionArn.replace(/function:[^:]+/, 'function:okta-s3-storage-verify-other');
  const cases = [
    {
      name: 'from the function',
      context: { ...tagged, 'lambda:SourceFunctionArn': functionArn },
      allowed: true,
    },
    {
      name: 'from another function',
      context: { ...tagged, 'lambda:SourceFunctionArn': otherFunction },
      allowed: false,
    },
    { name: 'outside Lambda', context: tagged, allowed: false },
  ];
  const expected = 'allowed from the function only; denied from another function and outside Lambda';
  return guarded(check, expected, async () => {
    const found: string[] = [];
    let ok = true;
    for (const c of cases) {
      const { EvaluationResults = [] } = await client.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: handlerRoleArn,
          ActionNames: TRUSTED_ACTIONS,
          ResourceArns: [presignRoleArn],
          ContextEntries: contextEntries(c.context),
        }),
      );
      const decisions = EvaluationResults.map((r) => r.EvalDecision ?? 'implicitDeny');
      const allowed = decisions.length === TRUSTED_ACTIONS.length && decisions.every((d) => d === 'allowed');
      const denied = decisions.length > 0 && decisions.every((d) => d !== 'allowed');
      if (c.allowed ? !allowed : !denied) ok = false;
      found.push(`${c.name}: ${[...new Set(decisions)].join('/') || 'no result'}`);
    }
    return [
      verdict(
        check,
        ok,
        expected,
        found.join('; '),
        "The execution role's lambda:SourceFunctionArn guard is gone or names another function: its credentials, if leaked, assume the presign role for any user. Redeploy the stack.",
      ),
    ];
  });
}

/** Route 3's signing role: who may assume it, and only from where. */
export async function presignRoleChecks(client: IAMClient, o: Outputs): Promise<CheckResult[]> {
  if (!o.PresignRoleArn)
    return [
      skip(
        'presign-role',
        'the presign role',
        'The outputs file has no PresignRoleArn output: redeploy the current stack.',
      ),
    ];
  const rows = await trustCheck(client, o, o.PresignRoleArn);
  if (!o.PresignHandlerRoleArn || !o.PresignFunctionArn)
    return [
      ...rows,
      skip(
        'presign-role.source-function',
        'assumed only from the presign function',
        'The outputs file has no PresignHandlerRoleArn or PresignFunctionArn output: redeploy the current stack.',
      ),
    ];
  return [
    ...rows,
    ...(await sourceFunctionCheck(client, o.PresignHandlerRoleArn, o.PresignFunctionArn, o.PresignRoleArn)),
  ];
}
