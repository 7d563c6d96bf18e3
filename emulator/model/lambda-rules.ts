/**
 * AWS Lambda, read from a synthesized (resolved) template: where a function's logs go and whether
 * its role may write them, what environment it runs with, and whether API Gateway may invoke it.
 */
import type { ResolvedTemplate } from '../iam/resolve-template';
import { decide, identityPoliciesOf, sessionArnOf, type Decision } from '../iam/simulate';
import { FoundResource, resourceNamed, resourcesOfType } from './template-query';

/** The presign function: the one Lambda function the REST methods integrate with. */
export function presignFunctionOf(template: ResolvedTemplate): FoundResource {
  const fns = resourcesOfType(template, 'AWS::Lambda::Function').filter((f) =>
    f.id.startsWith('PresignApiHandler'),
  );
  if (fns.length !== 1) throw new Error(`Expected one presign function, found ${fns.length}`);
  return fns[0];
}

/** The logical id of the function's execution role (`Role` is the role's ARN). */
export function executionRoleOf(template: ResolvedTemplate, fn: FoundResource): string {
  const role = resourceNamed(template, 'AWS::IAM::Role', fn.props.Role);
  if (!role) throw new Error(`${fn.id}: its Role is not a role of this template`);
  return role.id;
}

/**
 * The log group the function writes to: `LoggingConfig.LogGroup`, else `/aws/lambda/<name>`
 * ("Sending Lambda function logs to CloudWatch Logs", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html:
 * by default a function logs to the group named after it; a custom log group can be configured).
 */
export function logGroupNameOf(template: ResolvedTemplate, fn: FoundResource): string {
  const configured = (fn.props.LoggingConfig as { LogGroup?: string } | undefined)?.LogGroup;
  return configured ?? `/aws/lambda/${template.ref(fn.id)}`;
}

export const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'] as const;

/**
 * Rule: the execution role may create a stream and put events in the function's log group,
 * decided by the IAM simulator on the role's policies. Lambda adds AWSLambdaBasicExecutionRole
 * only to roles it creates; the runtime then writes with the role's own credentials, and the
 * Service Authorization Reference for CloudWatch Logs
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html)
 * gives both actions the `log-stream` resource (`...:log-group:<name>:log-stream:<stream>`).
 */
export async function logWriteDecisions(
  template: ResolvedTemplate,
  fn: FoundResource,
  logGroupName = logGroupNameOf(template, fn),
): Promise<Record<(typeof LOG_WRITE_ACTIONS)[number], Decision>> {
  const { partition, region, account } = template.env;
  const roleId = executionRoleOf(template, fn);
  const stream = `arn:${partition}:logs:${region}:${account}:log-group:${logGroupName}:log-stream:2026/11/22/[$LATEST]0123456789abcdef`;
  const decisions = {} as Record<(typeof LOG_WRITE_ACTIONS)[number], Decision>;
  for (const action of LOG_WRITE_ACTIONS) {
    decisions[action] = await decide({
      identityPolicies: identityPoliciesOf(template, roleId),
      action,
      resource: stream,
      principal: sessionArnOf(template, roleId, template.ref(fn.id)),
    });
  }
  return decisions;
}

/**
 * The environment the function's code sees: the template's `Environment.Variables` plus what
 * Lambda itself sets, `AWS_REGION` ("Defined runtime environment variables",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime;
 * the same page says these reserved keys cannot be set by the function's configuration, so a
 * template that sets one is refused).
 */
export function lambdaEnvironment(template: ResolvedTemplate, fn: FoundResource): Record<string, string> {
  const variables = ((fn.props.Environment as { Variables?: Record<string, unknown> }) ?? {}).Variables ?? {};
  const reserved = Object.keys(variables).filter((name) => RESERVED_VARIABLES.has(name));
  if (reserved.length > 0) throw new Error(`${fn.id} sets reserved variables ${reserved.join(', ')}`);
  return {
    ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(v)])),
    AWS_REGION: template.env.region,
  };
}

const RESERVED_VARIABLES = new Set([
  '_HANDLER',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/**
 * `ArnLike`: "Each of the six colon-delimited components of the ARN is checked separately and each
 * can include multi-character match wildcards (*) or single-character match wildcards (?)" (IAM
 * condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN).
 */
export function arnLike(pattern: string, arn: string): boolean {
  const split = (value: string) => {
    const parts = value.split(':');
    return [...parts.slice(0, 5), parts.slice(5).join(':')];
  };
  const [p, a] = [split(pattern), split(arn)];
  if (p.length !== 6 || a.length !== 6) return false;
  return p.every((part, i) => globToRegExp(part).test(a[i]));
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Every (method ARN, function ARN) pair API Gateway invokes, one per stage and proxy method. */
export function methodInvocations(
  template: ResolvedTemplate,
): { methodArn: string; functionArn: string; method: string }[] {
  const { partition, region, account } = template.env;
  const invocations = [];
  for (const method of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    const integration = method.props.Integration as { Type?: string; Uri?: string } | undefined;
    if (integration?.Type !== 'AWS_PROXY') continue;
    const functionArn = /functions\/(.+)\/invocations$/.exec(String(integration.Uri))?.[1];
    if (!functionArn) throw new Error(`${method.id}: no Lambda function in its integration URI`);
    const apiId = String(method.props.RestApiId);
    const path = resourcePath(template, apiId, String(method.props.ResourceId));
    const stages = resourcesOfType(template, 'AWS::ApiGateway::Stage').filter(
      (s) => s.props.RestApiId === apiId,
    );
    if (stages.length === 0) throw new Error(`${method.id}: its API has no stage`);
    for (const stage of stages) {
      invocations.push({
        // "arn:aws:execute-api:region:account-id:api-id/stage/METHOD_HTTP_VERB/Resource-path"
        // (API Gateway, "Control access for invoking an API", execute-api ARN format).
        methodArn: `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stage.props.StageName}/${method.props.HttpMethod}/${path}`,
        functionArn,
        method: method.id,
      });
    }
  }
  return invocations;
}

/** The resource's path below the API root, without the leading slash (`uploads`, `a/b`). */
function resourcePath(template: ResolvedTemplate, apiId: string, resourceId: string): string {
  const apis = resourcesOfType(template, 'AWS::ApiGateway::RestApi').filter(
    (a) => template.ref(a.id) === apiId,
  );
  const root = template.getAtt(apis[0].id, 'RootResourceId');
  const parts: string[] = [];
  for (let id = resourceId; id !== root;) {
    const resource = resourcesOfType(template, 'AWS::ApiGateway::Resource').find(
      (r) => template.ref(r.id) === id,
    );
    if (!resource) throw new Error(`No API resource ${id}`);
    parts.unshift(String(resource.props.PathPart));
    id = String(resource.props.ParentId);
  }
  return parts.join('/');
}

/**
 * Rule: every proxy method's invocation is allowed by the function's resource policy. An
 * `AWS::Lambda::Permission` adds a statement for its `Principal` and `Action`, with `SourceArn`
 * as an `ArnLike` condition on `AWS:SourceArn` (AWS::Lambda::Permission,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-permission.html;
 * the statement's shape in "Viewing resource-based IAM policies in Lambda",
 * https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html), and API
 * Gateway calls with the method's execute-api ARN as source.
 */
export function invokePermissionProblems(template: ResolvedTemplate): string[] {
  const permissions = resourcesOfType(template, 'AWS::Lambda::Permission');
  const problems: string[] = [];
  for (const { methodArn, functionArn, method } of methodInvocations(template)) {
    const allowed = permissions.some(
      (p) =>
        (p.props.FunctionName === functionArn || functionArn.endsWith(`:function:${p.props.FunctionName}`)) &&
        ['lambda:InvokeFunction', 'lambda:*'].includes(String(p.props.Action)) &&
        p.props.Principal === 'apigateway.amazonaws.com' &&
        typeof p.props.SourceArn === 'string' &&
        arnLike(p.props.SourceArn, methodArn),
    );
    if (!allowed)
      problems.push(`${method}: no permission lets API Gateway invoke ${functionArn} for ${methodArn}`);
  }
  return problems;
}
